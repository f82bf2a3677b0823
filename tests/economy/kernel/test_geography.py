"""Countries are told apart from aggregates before any ranking sees them."""

import pytest

from cybercommons.economy.kernel.geography import (
    place_from_code,
    place_from_gapminder,
    place_from_m49,
    place_from_name,
)
from cybercommons.economy.kernel.observations import GeoKind


@pytest.mark.parametrize("code", ["WLD", "LMC", "SSF", "EUU", "HIC", "1W"])
def test_it_recognises_world_bank_aggregate_codes(code):
    assert place_from_code(code).kind is GeoKind.AGGREGATE


@pytest.mark.parametrize("code", ["KEN", "ken", "XKX", "BRA"])
def test_it_recognises_iso_country_codes(code):
    assert place_from_code(code).kind is GeoKind.COUNTRY


def test_it_keeps_an_unknown_code_apart():
    assert place_from_code("ZZZ").kind is GeoKind.UNKNOWN


def test_it_maps_alpha2_ids_of_the_world_bank_api_to_alpha3():
    assert place_from_code("KE").code == "KEN"
    assert place_from_code("XK").code == "XKX"
    assert place_from_code("XD").kind is GeoKind.AGGREGATE  # high income, not a country


@pytest.mark.parametrize(
    ("m49", "iso3"), [("404", "KEN"), ("76", "BRA"), (4, "AFG"), ("412", "XKX")]
)
def test_it_maps_m49_country_codes_to_iso3(m49, iso3):
    place = place_from_m49(m49)
    assert place.code == iso3
    assert place.is_country


@pytest.mark.parametrize("m49", ["1", "202", "199", "722", "419", "910"])
def test_it_recognises_sdg_region_and_group_codes_as_aggregates(m49):
    place = place_from_m49(m49)
    assert place.kind is GeoKind.AGGREGATE
    assert place.code == f"M49:{m49}"


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Democratic Republic of Congo", "COD"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Cape Verde", "CPV"),
        ("Laos", "LAO"),
        ("Micronesia (country)", "FSM"),
        ("Kenya", "KEN"),
    ],
)
def test_it_resolves_owid_country_names(name, iso3):
    assert place_from_name(name).code == iso3


@pytest.mark.parametrize(
    "name", ["World", "High income", "Sub-Saharan Africa", "Europe & Central Asia"]
)
def test_it_recognises_grouping_names_as_aggregates(name):
    assert place_from_name(name).kind is GeoKind.AGGREGATE


def test_it_uses_the_gapminder_entity_table_and_keeps_non_iso_ids_apart():
    table = {"abw": "ABW", "abkh": ""}
    assert place_from_gapminder("abw", table).code == "ABW"
    assert place_from_gapminder("abkh", table).kind is GeoKind.UNKNOWN
    assert place_from_gapminder("world").kind is GeoKind.AGGREGATE
    assert place_from_gapminder("ken").code == "KEN"
