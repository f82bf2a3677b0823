"""Cursor pagination: every row exactly once, a capped page size, cursors that cannot be forged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import override_settings

from cybercommons.core.countries import sync_countries
from cybercommons.core.lib.pagination import encode_cursor
from cybercommons.core.models import Country, Organisation
from tests.core.api.client import ApiClient, assert_problem
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def walk(api: ApiClient, path: str, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Follow ``next`` from the first page to the last; returns the pages."""
    pages = []
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = api.get(path, query)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body["items"])
        cursor = body["next"]
        if cursor is None:
            assert "Link" not in response
            return pages
        assert len(pages) < 1000, "pagination does not end"


def test_it_returns_every_country_exactly_once_across_pages(anon: ApiClient) -> None:
    total = sync_countries()
    pages = walk(anon, "/countries", {"limit": 17})
    codes = [row["code"] for page in pages for row in page]
    assert len(codes) == total == len(set(codes))
    assert set(codes) == set(Country.objects.values_list("code", flat=True))
    assert all(len(page) == 17 for page in pages[:-1])
    assert codes == list(Country.objects.order_by("name", "pk").values_list("code", flat=True))


def test_it_keeps_rows_with_equal_sort_keys_apart_by_primary_key(anon: ApiClient) -> None:
    # Seven organisations with the same name: only the primary key tells them apart.
    for n in range(7):
        OrganisationFactory(name="Same Name", slug=f"same-{n}")
    pages = walk(anon, "/organisations", {"limit": 2})
    slugs = [row["slug"] for page in pages for row in page]
    assert sorted(slugs) == [f"same-{n}" for n in range(7)]
    assert len(pages) == 4


def test_it_keeps_filters_while_paging(anon: ApiClient) -> None:
    sync_countries()
    pages = walk(anon, "/countries", {"limit": 5, "sids": "true"})
    codes = {row["code"] for page in pages for row in page}
    assert codes == set(Country.objects.filter(is_sids=True).values_list("code", flat=True))
    assert len(codes) > 5


def test_it_links_the_next_page_in_a_link_header(anon: ApiClient, countries: Any) -> None:
    response = anon.get("/countries", {"limit": 1, "un_member": "true"})
    link = response["Link"]
    assert link.endswith('>; rel="next"')
    url = link[1:link.index(">")]
    query = parse_qs(urlsplit(url).query)
    assert query["cursor"] == [response.json()["next"]]
    assert query["limit"] == ["1"]
    assert query["un_member"] == ["true"]


@override_settings(API_MAX_PAGE_SIZE=4, API_DEFAULT_PAGE_SIZE=3)
def test_it_lowers_the_page_size_to_the_cap_and_defaults_below_it(anon: ApiClient) -> None:
    for n in range(10):
        OrganisationFactory(name=f"Org {n:02d}", slug=f"org-{n}")
    assert len(anon.get("/organisations", {"limit": 1000}).json()["items"]) == 4
    assert len(anon.get("/organisations").json()["items"]) == 3
    assert len(anon.get("/organisations", {"limit": 2}).json()["items"]) == 2


def test_it_refuses_a_tampered_cursor_with_a_400_problem(anon: ApiClient, countries: Any) -> None:
    cursor = anon.get("/countries", {"limit": 1}).json()["next"]
    payload, _, signature = cursor.partition(":")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + ":" + signature
    body = assert_problem(anon.get("/countries", {"cursor": forged}), 400)
    assert "cursor" in body["detail"]


def test_it_refuses_a_cursor_signed_with_another_key(anon: ApiClient, countries: Any) -> None:
    forged = signing.dumps({"l": "countries", "k": "name", "v": "A", "p": "AA"},
                           key="not-the-secret", salt="cybercommons.api.cursor")
    assert_problem(anon.get("/countries", {"cursor": forged}), 400)


@pytest.mark.parametrize("cursor", ["garbage", ":", "a:b:c", ".", "x" * 400])
def test_it_refuses_a_cursor_that_is_not_one(anon: ApiClient, countries: Any, cursor: str
                                           ) -> None:
    assert_problem(anon.get("/countries", {"cursor": cursor}), 400)


@pytest.mark.parametrize("cursor", ["\u00e9t\u00e9", "a b", "x" * 401])
def test_it_refuses_a_cursor_of_the_wrong_shape_as_invalid_input(
    anon: ApiClient, countries: Any, cursor: str
) -> None:
    body = assert_problem(anon.get("/countries", {"cursor": cursor}), 422)
    assert body["errors"][0]["loc"] == ["query", "cursor"]


def test_it_refuses_a_cursor_from_another_list(anon: ApiClient, countries: Any) -> None:
    OrganisationFactory.create_batch(3)
    cursor = anon.get("/organisations", {"limit": 1}).json()["next"]
    assert_problem(anon.get("/countries", {"cursor": cursor}), 400)


def test_it_refuses_a_cursor_of_another_persons_tokens(
    cast: Any, as_token: Callable[..., ApiClient], token_for: Callable[..., str]
) -> None:
    for _ in range(2):
        token_for(cast.owner, "read")
    owner = as_token(cast.owner, "read")
    cursor = owner.get("/tokens", {"limit": 1}).json()["next"]
    assert cursor
    assert_problem(as_token(cast.outsider, "read").get("/tokens", {"cursor": cursor}), 400)


def test_it_pages_descending_datetime_keys(cast: Any, as_token: Callable[..., ApiClient],
                                           token_for: Callable[..., str]) -> None:
    for _ in range(4):
        token_for(cast.owner, "read")
    api = as_token(cast.owner, "read")
    pages = walk(api, "/tokens", {"limit": 2})
    ids = [row["id"] for page in pages for row in page]
    assert len(ids) == 5 == len(set(ids))
    created = [row["created_at"] for page in pages for row in page]
    assert created == sorted(created, reverse=True)


def test_it_encodes_the_position_only_not_the_rows(countries: Any) -> None:
    cursor = encode_cursor("countries", "name", Country.objects.get(code="KE"))
    assert signing.loads(cursor, salt="cybercommons.api.cursor") == {
        "l": "countries", "k": "name", "v": "Kenya", "p": "KE"}
    assert Organisation.objects.count() == 0
