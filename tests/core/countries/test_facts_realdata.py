"""Cross-checks of the project's country facts against public tables of the shared data.

The tables are read here only; nothing of them is copied into the project. Intentional
differences are listed with their reason, so a change in either side fails the test.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cybercommons.core.countries import CountryFacts, read_facts

pytestmark = pytest.mark.realdata

# M49 gives Sub-Saharan Africa (202) and Latin America and the Caribbean (419) as
# sub-regions; the project uses their intermediate regions instead.
SPLIT_SUBREGIONS = {"202", "419"}

# Taiwan is not listed in M49; the project places it in Eastern Asia as the datahub table
# does, while the lukes table leaves it without a region.
M49_DIFFERENCES_LUKES = {"TW"}

# The datahub table (2026-05) still lists Sao Tome and Principe, which graduated on
# 13 December 2024.
LDC_DIFFERENCES = {"ST"}

# The project follows the UN-OHRLLS SIDS list; M49's statistical SIDS list leaves out
# Bahrain, Bermuda, the Cayman Islands, Guadeloupe, Martinique and the Turks and Caicos
# Islands, and includes Bonaire, Sint Eustatius and Saba.
SIDS_ONLY_IN_PROJECT = {"BH", "BM", "KY", "GP", "MQ", "TC"}
SIDS_ONLY_IN_M49 = {"BQ"}

# World Bank reclassifications since the Gapminder snapshot (see core/data/README.md).
KNOWN_INCOME_DIFFERENCES = {
    "AS", "BG", "BJ", "CR", "CV", "GG", "GN", "GY", "HT", "ID", "JE", "JO", "LB", "LK",
    "MD", "MN", "NA", "NP", "NR", "RO", "RU", "SD", "SV", "TJ", "TZ", "UA", "VE",
}
GAPMINDER_INCOME = {
    "high_income": "H",
    "upper_middle_income": "UM",
    "lower_middle_income": "LM",
    "low_income": "L",
    "": "",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _m49(row: dict[str, str], region: str, subregion: str, intermediate: str
         ) -> tuple[str, str]:
    """(region, sub-region) codes as the project uses them, zero-padded to three digits."""
    sub = row[subregion]
    if sub.zfill(3) in SPLIT_SUBREGIONS and row[intermediate]:
        sub = row[intermediate]
    return (row[region].zfill(3) if row[region] else "", sub.zfill(3) if sub else "")


@pytest.fixture(scope="module")
def facts() -> dict[str, CountryFacts]:
    return read_facts()


@pytest.fixture(scope="module")
def datahub(shared_data: Path) -> dict[str, dict[str, str]]:
    rows = _rows(shared_data / "countries" / "country_codes_datahub" / "country-codes.csv")
    return {row["ISO3166-1-Alpha-2"]: row for row in rows if row["ISO3166-1-Alpha-2"]}


@pytest.fixture(scope="module")
def lukes(shared_data: Path) -> dict[str, dict[str, str]]:
    rows = _rows(shared_data / "countries" / "iso3166_m49" / "all.csv")
    return {row["alpha-2"]: row for row in rows}


def test_both_tables_cover_the_same_countries(
    facts: dict[str, CountryFacts], datahub: dict[str, dict[str, str]],
    lukes: dict[str, dict[str, str]],
) -> None:
    assert set(facts) == set(datahub) == set(lukes)


def test_m49_codes_agree_with_the_datahub_table(
    facts: dict[str, CountryFacts], datahub: dict[str, dict[str, str]],
) -> None:
    differences = {
        code: (_m49(row, "Region Code", "Sub-region Code", "Intermediate Region Code"),
               (facts[code].region_code, facts[code].subregion_code))
        for code, row in datahub.items()
        if _m49(row, "Region Code", "Sub-region Code", "Intermediate Region Code")
        != (facts[code].region_code, facts[code].subregion_code)
    }
    assert differences == {}


def test_m49_codes_agree_with_the_lukes_table(
    facts: dict[str, CountryFacts], lukes: dict[str, dict[str, str]],
) -> None:
    differing = {
        code for code, row in lukes.items()
        if _m49(row, "region-code", "sub-region-code", "intermediate-region-code")
        != (facts[code].region_code, facts[code].subregion_code)
    }
    assert differing == M49_DIFFERENCES_LUKES


def test_m49_region_names_agree_with_the_datahub_table(
    facts: dict[str, CountryFacts], datahub: dict[str, dict[str, str]],
) -> None:
    for code, row in datahub.items():
        if row["Region Name"]:
            assert facts[code].region == row["Region Name"], code
        expected = row["Sub-region Name"]
        if row["Sub-region Code"].zfill(3) in SPLIT_SUBREGIONS:
            expected = row["Intermediate Region Name"]
        if expected:
            assert facts[code].subregion == expected, code


def _flagged(datahub: dict[str, dict[str, str]], column: str) -> set[str]:
    return {code for code, row in datahub.items() if row[column].strip().lower() == "x"}


def test_ldc_flags_agree_but_for_graduations(
    facts: dict[str, CountryFacts], datahub: dict[str, dict[str, str]],
) -> None:
    theirs = _flagged(datahub, "Least Developed Countries (LDC)")
    ours = {code for code, f in facts.items() if f.is_ldc}
    assert theirs ^ ours == LDC_DIFFERENCES
    assert theirs >= LDC_DIFFERENCES  # graduated since: listed there, not here


def test_lldc_flags_agree(
    facts: dict[str, CountryFacts], datahub: dict[str, dict[str, str]],
) -> None:
    theirs = _flagged(datahub, "Land Locked Developing Countries (LLDC)")
    assert theirs == {code for code, f in facts.items() if f.is_lldc}


def test_sids_flags_differ_only_where_ohrlls_and_m49_lists_differ(
    facts: dict[str, CountryFacts], datahub: dict[str, dict[str, str]],
) -> None:
    theirs = _flagged(datahub, "Small Island Developing States (SIDS)")
    ours = {code for code, f in facts.items() if f.is_sids}
    assert ours - theirs == SIDS_ONLY_IN_PROJECT
    assert theirs - ours == SIDS_ONLY_IN_M49


def test_un_members_are_the_independent_states_less_the_observers(
    facts: dict[str, CountryFacts], datahub: dict[str, dict[str, str]],
) -> None:
    members = {code for code, f in facts.items() if f.un_member}
    assert len(members) == 193
    # Every member is independent; the independent non-members are the observer states
    # and states outside the UN, never a territory.
    independent = {code for code, row in datahub.items() if row["is_independent"] == "Yes"}
    assert members <= independent
    assert independent - members <= {"VA", "PS", "TW", "EH", "XK"}


def test_income_groups_against_gapminder_differ_only_by_known_reclassifications(
    facts: dict[str, CountryFacts], shared_data: Path,
) -> None:
    path = (shared_data / "digital_indicators" / "gapminder_systema_globalis"
            / "ddf--entities--geo--country.csv")
    gapminder = {row["iso3166_1_alpha2"]: GAPMINDER_INCOME[row["income_groups"]]
                 for row in _rows(path) if row["iso3166_1_alpha2"] in facts}
    differences = {code: (theirs, facts[code].income_group)
                   for code, theirs in gapminder.items()
                   if theirs != facts[code].income_group}
    for code, (theirs, ours) in sorted(differences.items()):
        print(f"income group {code}: Gapminder {theirs or '-'}, World Bank FY2026 {ours or '-'}")
    assert set(differences) - KNOWN_INCOME_DIFFERENCES == set()
    # Most countries agree: the snapshot is old, not unrelated.
    assert len(differences) < len(gapminder) / 5
    # Every listed difference still exists; one that disappears must leave the list.
    assert set(differences) >= KNOWN_INCOME_DIFFERENCES
