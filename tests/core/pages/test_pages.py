"""Core's pages: what owners, teammates and outsiders see and may do."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cybercommons.core.countries import sync_countries
from cybercommons.core.models import Invitation, Membership, Organisation, Role
from tests.core.conftest import Cast
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_says_what_the_platform_is_for(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="en" dir="ltr">' in text
    for module in ("Infrastructure", "Cultural exchange", "Digital economy", "Cybersecurity",
                   "Governance"):
        assert module in text


def test_the_country_page_shows_the_facts_and_its_organisations(client) -> None:
    sync_countries()
    OrganisationFactory(name="Kenyan Registry", country_id="KE")
    response = client.get("/countries/ke/")
    assert response.status_code == 200
    assert b"Kenya" in response.content
    assert b"Kenyan Registry" in response.content
    assert client.get("/countries/XX/").status_code == 404


def test_unknown_pages_get_a_404_page_and_machines_a_problem(client) -> None:
    page = client.get("/no/such/page/")
    assert page.status_code == 404
    assert b"There is nothing at this address" in page.content
    problem = client.get("/no/such/page/", HTTP_ACCEPT="application/json")
    assert problem["Content-Type"] == "application/problem+json"
    assert problem.json()["status"] == 404


def test_a_wrong_method_gets_405(client) -> None:
    assert client.delete("/").status_code == 405


def test_an_oversized_body_gets_413_before_any_view(client, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/organisations/new/", data="x" * 5000,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_a_form_without_csrf_token_gets_a_clear_403(cast: Cast) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.owner)
    response = strict.post("/organisations/new/", {"name": "X"})
    assert response.status_code == 403
    assert b"CSRF" in response.content


def test_creating_an_organisation_through_the_form(client) -> None:
    sync_countries()
    user = UserFactory()
    client.force_login(user)
    response = client.post("/organisations/new/", {
        "name": "Small Island CERT", "stakeholder_type": "government", "country": "FJ"})
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Small Island CERT")
    assert organisation.country_id == "FJ"
    assert Membership.objects.get(organisation=organisation).user == user


def test_invalid_organisation_form_is_a_400_with_the_error(client) -> None:
    client.force_login(UserFactory())
    response = client.post("/organisations/new/", {"name": "", "stakeholder_type": "pirates"})
    assert response.status_code == 400
    assert b"errorlist" in response.content


def test_anonymous_people_are_sent_to_log_in_to_create(client) -> None:
    response = client.get("/organisations/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_members_are_visible_to_members_only(client, cast: Cast) -> None:
    url = f"/organisations/{cast.organisation.slug}/"
    client.force_login(cast.teammate)
    assert cast.owner.display_name.encode() in client.get(url).content
    client.force_login(cast.outsider)
    page = client.get(url)
    assert page.status_code == 200
    assert cast.teammate.display_name.encode() not in page.content


def test_only_admins_can_edit_invite_and_change_roles(client, cast: Cast) -> None:
    slug = cast.organisation.slug
    teammate_membership = Membership.objects.get(user=cast.teammate)
    for user in (cast.teammate, cast.outsider):
        client.force_login(user)
        assert client.get(f"/organisations/{slug}/edit/").status_code == 403
        client.post(f"/organisations/{slug}/invite/", {"email": "z@example.org",
                                                        "role": "admin"})
        client.post(f"/organisations/{slug}/members/{teammate_membership.pk}/",
                    {"role": "admin"})
    assert not Invitation.objects.exists()
    teammate_membership.refresh_from_db()
    assert teammate_membership.role == Role.MEMBER

    client.force_login(cast.owner)
    client.post(f"/organisations/{slug}/invite/", {"email": "z@example.org", "role": "editor"})
    assert Invitation.objects.get().role == Role.EDITOR
    client.post(f"/organisations/{slug}/members/{teammate_membership.pk}/", {"role": "editor"})
    teammate_membership.refresh_from_db()
    assert teammate_membership.role == Role.EDITOR


def test_the_organisation_list_costs_the_same_queries_for_more_rows(client) -> None:
    sync_countries()

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/organisations/").status_code == 200
        return len(ctx.captured_queries)

    OrganisationFactory(country_id="KE")
    few = count_queries()
    for _ in range(15):
        MembershipFactory(organisation=OrganisationFactory(country_id="FR"))
    assert count_queries() == few


def test_the_audit_log_is_read_only_in_the_admin(admin_client, cast: Cast) -> None:
    from cybercommons.core import audit

    entry = audit.record("test.done", object_type="x", object_id="1")
    assert admin_client.get("/admin/core/auditentry/").status_code == 200
    assert admin_client.post(f"/admin/core/auditentry/{entry.pk}/delete/",
                             {"post": "yes"}).status_code == 403


def test_the_admin_log_in_goes_through_the_two_factor_log_in(client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/")


def test_a_password_change_is_audited(client) -> None:
    from cybercommons.core.models import AuditEntry
    from tests.factories import PASSWORD

    user = UserFactory()
    client.force_login(user)
    client.post("/accounts/password/change/", {
        "old_password": PASSWORD, "new_password1": "a brand new passphrase 42",
        "new_password2": "a brand new passphrase 42"})
    assert AuditEntry.objects.filter(action="core.password.changed", actor=user).exists()


def test_country_and_region_names_follow_the_page_language(client) -> None:
    sync_countries()
    client.cookies["cybercommons_language"] = "fr"
    page = client.get("/countries/DE/").content.decode()
    assert "Allemagne" in page
    assert "Europe occidentale" in page
    listing = client.get("/countries/").content.decode()
    assert listing.index("Afrique du Sud") < listing.index("Allemagne")
