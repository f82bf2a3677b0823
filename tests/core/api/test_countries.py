"""GET /countries and /countries/{code}: public facts with their filters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.core.api.client import ApiClient, assert_problem

pytestmark = pytest.mark.django_db


def codes(api: ApiClient, **params: str) -> list[str]:
    response = api.get("/countries", params)
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["items"]]


def test_it_lists_countries_by_name(anon: ApiClient, countries: Any) -> None:
    assert codes(anon) == ["FJ", "KE", "NP"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"region": "Africa"}, ["KE"]),
    ({"region": "africa"}, ["KE"]),
    ({"region": "142"}, ["NP"]),
    ({"subregion": "Melanesia"}, ["FJ"]),
    ({"ldc": "true"}, ["NP"]),
    ({"ldc": "false"}, ["FJ", "KE"]),
    ({"lldc": "true"}, ["NP"]),
    ({"sids": "true"}, ["FJ"]),
    ({"un_regional_group": "asia_pacific"}, ["FJ", "NP"]),
    ({"income_group": "LM"}, ["KE", "NP"]),
    ({"income_group": "LM", "ldc": "true"}, ["NP"]),
    ({"region": "Europe"}, []),
])
def test_it_filters_countries(anon: ApiClient, countries: Any, params: dict[str, str],
                              expected: list[str]) -> None:
    assert codes(anon, **params) == expected


def test_it_gives_one_country_by_alpha2_or_alpha3(anon: ApiClient, countries: Any) -> None:
    by_alpha2 = anon.get("/countries/np").json()
    assert by_alpha2["name"] == "Nepal"
    assert by_alpha2["is_ldc"] is True
    assert by_alpha2["is_lldc"] is True
    assert by_alpha2["un_regional_group"] == "asia_pacific"
    assert anon.get("/countries/NPL").json() == by_alpha2


def test_it_refuses_a_malformed_country_code(anon: ApiClient, countries: Any) -> None:
    assert_problem(anon.get("/countries/K3"), 422)
    assert_problem(anon.get("/countries/KENYA"), 422)
