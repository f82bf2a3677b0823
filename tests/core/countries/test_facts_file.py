"""The country facts file written into the project: hand-checkable facts and validation."""

from __future__ import annotations

from collections import Counter

import pytest

from cybercommons.core.countries import CountryFacts, parse_facts, read_facts

HEADER = ("code,region_code,region,subregion_code,subregion,un_member,un_regional_group,"
          "ldc,lldc,sids,income_group")


@pytest.fixture(scope="module")
def facts() -> dict[str, CountryFacts]:
    return read_facts()


def test_it_has_one_record_per_iso_country(facts: dict[str, CountryFacts]) -> None:
    import pycountry

    assert set(facts) == {entry.alpha_2 for entry in pycountry.countries}


def test_kenya_is_eastern_africa_african_group_lower_middle_income(
    facts: dict[str, CountryFacts],
) -> None:
    kenya = facts["KE"]
    assert (kenya.region_code, kenya.region) == ("002", "Africa")
    assert (kenya.subregion_code, kenya.subregion) == ("014", "Eastern Africa")
    assert kenya.un_member
    assert kenya.un_regional_group == "african"
    assert kenya.income_group == "LM"
    assert not kenya.is_ldc
    assert not kenya.is_lldc
    assert not kenya.is_sids


def test_nepal_is_least_developed_and_landlocked(facts: dict[str, CountryFacts]) -> None:
    assert facts["NP"].is_ldc
    assert facts["NP"].is_lldc
    assert not facts["NP"].is_sids


def test_fiji_is_a_small_island_developing_state(facts: dict[str, CountryFacts]) -> None:
    assert facts["FJ"].is_sids
    assert facts["FJ"].subregion == "Melanesia"
    assert not facts["FJ"].is_ldc


def test_tuvalu_is_least_developed_and_small_island(facts: dict[str, CountryFacts]) -> None:
    assert facts["TV"].is_ldc
    assert facts["TV"].is_sids
    assert facts["TV"].un_regional_group == "asia_pacific"


def test_germany_is_weog_and_high_income(facts: dict[str, CountryFacts]) -> None:
    assert facts["DE"].un_regional_group == "weog"
    assert facts["DE"].income_group == "H"
    assert facts["DE"].subregion == "Western Europe"


def test_the_special_cases_of_the_regional_groups(facts: dict[str, CountryFacts]) -> None:
    assert facts["KI"].un_regional_group == "asia_pacific"
    assert facts["IL"].un_regional_group == "weog"
    assert facts["TR"].un_regional_group == "weog"
    assert facts["US"].un_regional_group == "weog"
    # Observer states are not members and sit in no group.
    for observer in ("VA", "PS"):
        assert not facts[observer].un_member
        assert facts[observer].un_regional_group == ""


def test_the_graduated_countries_are_no_longer_least_developed(
    facts: dict[str, CountryFacts],
) -> None:
    assert not facts["BT"].is_ldc  # graduated 13 December 2023
    assert not facts["ST"].is_ldc  # graduated 13 December 2024
    assert facts["BT"].is_lldc


def test_the_un_lists_have_their_published_sizes(facts: dict[str, CountryFacts]) -> None:
    records = facts.values()
    assert sum(f.un_member for f in records) == 193
    assert sum(f.is_ldc for f in records) == 44
    assert sum(f.is_lldc for f in records) == 32
    # UN-OHRLLS: 38 member states and 20 non-UN members / associate members.
    assert sum(f.is_sids and f.un_member for f in records) == 38
    assert sum(f.is_sids and not f.un_member for f in records) == 20


def test_the_five_groups_cover_exactly_the_members(facts: dict[str, CountryFacts]) -> None:
    members = {code for code, f in facts.items() if f.un_member}
    grouped = {code for code, f in facts.items() if f.un_regional_group}
    assert grouped == members
    sizes = Counter(f.un_regional_group for f in facts.values() if f.un_regional_group)
    assert sizes == {"african": 54, "asia_pacific": 54, "eastern_european": 23,
                     "grulac": 33, "weog": 29}


def test_ldc_and_lldc_are_member_states(facts: dict[str, CountryFacts]) -> None:
    assert all(f.un_member for f in facts.values() if f.is_ldc or f.is_lldc)


def test_every_member_but_venezuela_has_an_income_group(
    facts: dict[str, CountryFacts],
) -> None:
    unclassified = {code for code, f in facts.items() if f.un_member and not f.income_group}
    assert unclassified == {"VE"}


def test_sub_regions_nest_in_one_region(facts: dict[str, CountryFacts]) -> None:
    region_of: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for f in facts.values():
        region_of.setdefault(f.subregion_code, set()).add(f.region_code)
        names.setdefault(f.subregion_code, set()).add(f.subregion)
    assert all(len(regions) == 1 for regions in region_of.values())
    assert all(len(name) == 1 for name in names.values())
    assert facts["AQ"].region_code == ""


def test_a_bad_record_is_reported_and_skipped_while_good_ones_are_kept() -> None:
    lines = [
        "# comment",
        HEADER,
        "KE,002,Africa,014,Eastern Africa,1,african,0,0,0,LM",
        "XX,002,Africa,014,Eastern Africa,1,african,0,0,0,LM",
        "NP,142,Asia,034,Southern Asia,yes,asia_pacific,1,1,0,LM",
        "FR,150,Europe,155,Western Europe,1,weog,0,0,0,RICH",
        "PS,142,Asia,145,Western Asia,0,asia_pacific,0,0,0,LM",
        "KE,002,Africa,014,Eastern Africa,1,african,0,0,0,LM",
    ]
    facts, errors = parse_facts(lines)
    assert list(facts) == ["KE"]
    problems = {(error.line, error.code): error.problem for error in errors}
    assert set(problems) == {(4, "XX"), (5, "NP"), (6, "FR"), (7, "PS"), (8, "KE")}
    assert "unknown ISO 3166-1 alpha-2 code 'XX'" in problems[(4, "XX")]
    assert "un_member must be 0 or 1" in problems[(5, "NP")]
    assert "unknown income group 'RICH'" in problems[(6, "FR")]
    assert "non-member" in problems[(7, "PS")]
    assert "twice" in problems[(8, "KE")]


def test_a_file_without_the_expected_columns_is_refused() -> None:
    with pytest.raises(ValueError, match=r"lacks the columns: .*income_group"):
        parse_facts(["code,region_code,region", "KE,002,Africa"])


def test_income_groups_have_the_world_bank_fy2026_sizes(facts: dict[str, CountryFacts]) -> None:
    sizes = Counter(f.income_group for f in facts.values() if f.income_group)
    # FY2026: 26 low, 50 lower-middle, 54 upper-middle (Kosovo has no ISO 3166-1 code),
    # 87 high (the Channel Islands are one economy there, two codes here: GG and JE).
    assert sizes == {"L": 26, "LM": 50, "UM": 54 - 1, "H": 87 + 1}
