"""Organisations: the public directory, founding, changing, and who sees the members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cybercommons.core.models import AuditEntry, Membership, Organisation, Role
from tests.core.api.client import ApiClient, assert_problem
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_it_filters_the_directory(anon: ApiClient, countries: Any) -> None:
    OrganisationFactory(name="Kenya ICT Ministry", slug="ke-ict", country=countries["KE"])
    OrganisationFactory(name="Fiji Cable Company", slug="fj-cable", country=countries["FJ"],
                        stakeholder_type="company")
    OrganisationFactory(name="Nepal Internet Society", slug="np-isoc", country=countries["NP"],
                        stakeholder_type="technical")

    def slugs(**params: str) -> list[str]:
        return [row["slug"] for row in anon.get("/organisations", params).json()["items"]]

    assert slugs() == ["fj-cable", "ke-ict", "np-isoc"]
    assert slugs(type="company") == ["fj-cable"]
    assert slugs(country="ke") == ["ke-ict"]
    assert slugs(q="internet nepal") == ["np-isoc"]
    assert slugs(q="ministry", country="FJ") == []


def test_it_shows_an_organisation_with_its_country_code(anon: ApiClient, countries: Any) -> None:
    OrganisationFactory(name="Kenya ICT", slug="ke-ict", country=countries["KE"],
                        website="https://ict.example.org")
    body = anon.get("/organisations/ke-ict").json()
    assert body["country"] == "KE"
    assert body["stakeholder_type"] == "government"
    assert body["website"] == "https://ict.example.org"


def test_it_makes_the_founder_the_admin_and_audits_the_creation(
    cast: Any, countries: Any, as_token: Callable[..., ApiClient]
) -> None:
    response = as_token(cast.outsider, "write").send("POST", "/organisations", {
        "name": "Pacific Women in Tech", "stakeholder_type": "civil_society", "country": "fj",
        "website": "https://pwit.example.org", "description": "Mentoring."})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "pacific-women-in-tech"
    assert body["country"] == "FJ"
    organisation = Organisation.objects.get(slug=body["slug"])
    assert Membership.objects.get(organisation=organisation).user == cast.outsider
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    assert AuditEntry.objects.filter(action__icontains="organisation",
                                     object_id=str(organisation.pk)).exists()


@pytest.mark.parametrize("payload", [
    {"name": "x", "stakeholder_type": "government", "website": "ftp://files.example.org"},
    {"name": "x", "stakeholder_type": "government", "website": "not a url"},
    {"name": "x", "stakeholder_type": "government", "slug": "has spaces"},
    {"name": "x\u0000y", "stakeholder_type": "government"},
    {"name": "\ud800", "stakeholder_type": "government"},
    {"name": "x" * 201, "stakeholder_type": "government"},
    {"name": "x", "stakeholder_type": "government", "country": "KEN"},
])
def test_it_refuses_invalid_organisations(cast: Any, as_token: Callable[..., ApiClient],
                                          payload: dict[str, Any]) -> None:
    response = as_token(cast.owner, "write").send("POST", "/organisations", payload)
    assert_problem(response, 422)
    assert Organisation.objects.count() == 1


def test_it_refuses_a_blank_name_with_a_400_problem(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    response = as_token(cast.owner, "write").send(
        "POST", "/organisations", {"name": "   ", "stakeholder_type": "government"})
    assert_problem(response, 400)


def test_it_lets_an_admin_change_an_organisation(
    cast: Any, countries: Any, as_token: Callable[..., ApiClient]
) -> None:
    slug = cast.organisation.slug
    response = as_token(cast.owner, "write").send(
        "PATCH", f"/organisations/{slug}", {"description": "Incident response.", "country": "KE"})
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Incident response."
    assert response.json()["country"] == "KE"
    assert response.json()["name"] == "Example CERT"  # untouched
    cleared = as_token(cast.owner, "write").send("PATCH", f"/organisations/{slug}",
                                                 {"country": None})
    assert cleared.json()["country"] is None


@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_it_refuses_changes_by_anyone_but_an_admin(
    cast: Any, as_token: Callable[..., ApiClient], who: str
) -> None:
    response = as_token(getattr(cast, who), "write").send(
        "PATCH", f"/organisations/{cast.organisation.slug}", {"name": "Renamed"})
    assert_problem(response, 403)
    cast.organisation.refresh_from_db()
    assert cast.organisation.name == "Example CERT"


@pytest.mark.parametrize("raw", ["[null, null]", "42", '"name"', "null"])
def test_it_refuses_a_change_that_is_not_a_json_object(
    cast: Any, as_token: Callable[..., ApiClient], raw: str
) -> None:
    response = as_token(cast.owner, "write").send(
        "PATCH", f"/organisations/{cast.organisation.slug}", raw=raw)
    assert_problem(response, 400)
    cast.organisation.refresh_from_db()
    assert cast.organisation.name == "Example CERT"


def test_it_refuses_unknown_fields(cast: Any, as_token: Callable[..., ApiClient]) -> None:
    response = as_token(cast.owner, "write").send(
        "PATCH", f"/organisations/{cast.organisation.slug}", {"nmae": "Typo"})
    body = assert_problem(response, 422)
    assert body["errors"][0]["loc"][-1] == "nmae"


def test_it_refuses_null_for_a_required_field(cast: Any,
                                              as_token: Callable[..., ApiClient]) -> None:
    response = as_token(cast.owner, "write").send(
        "PATCH", f"/organisations/{cast.organisation.slug}", {"name": None})
    assert_problem(response, 422)


@pytest.mark.parametrize("who", ["owner", "teammate"])
def test_it_shows_members_to_members(cast: Any, as_token: Callable[..., ApiClient],
                                     who: str) -> None:
    response = as_token(getattr(cast, who), "read").get(
        f"/organisations/{cast.organisation.slug}/members")
    rows = response.json()["items"]
    assert [(r["username"], r["role"]) for r in rows] == [("alice", "admin"), ("bob", "member")]


def test_it_shows_outsiders_an_empty_member_list(
    cast: Any, anon: ApiClient, as_token: Callable[..., ApiClient]
) -> None:
    path = f"/organisations/{cast.organisation.slug}/members"
    for api in (anon, as_token(cast.outsider, "read")):
        response = api.get(path)
        assert response.status_code == 200
        assert response.json() == {"items": [], "next": None}


def test_it_answers_members_of_a_missing_organisation_with_404(anon: ApiClient) -> None:
    assert_problem(anon.get("/organisations/nobody-here/members"), 404)


def test_it_lists_organisations_in_a_fixed_number_of_queries(
    anon: ApiClient, countries: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        OrganisationFactory(country=countries["KE"], name=f"Org {n:02d}", slug=f"org-{n}")
    with django_assert_max_num_queries(2):
        response = anon.get("/organisations", {"limit": 25})
    assert len(response.json()["items"]) == 25


def test_it_lists_members_in_a_fixed_number_of_queries(
    cast: Any, as_token: Callable[..., ApiClient], django_assert_max_num_queries: Any
) -> None:
    api = as_token(cast.owner, "read")
    # Token lookup, its last-use stamp, the organisation, the role check, the page.
    with django_assert_max_num_queries(6):
        response = api.get(f"/organisations/{cast.organisation.slug}/members")
    assert len(response.json()["items"]) == 2
