"""Peer groups read from the real country tables."""

import pytest

from cybercommons.economy.kernel.peer_groups import income_groups, un_groups
from cybercommons.economy.kernel.progress import peer_mean


@pytest.mark.realdata
def test_the_un_groupings_have_the_published_sizes(shared_data):
    groups = un_groups(shared_data / "countries/country_codes_datahub/country-codes.csv")
    assert (len(groups["LDC"]), len(groups["LLDC"]), len(groups["SIDS"])) == (45, 32, 53)
    assert "NPL" in groups["LDC"] & groups["LLDC"]
    assert "KEN" in groups["M49:202"]  # Sub-Saharan Africa
    assert "KEN" in groups["M49:2"]  # Africa


@pytest.mark.realdata
def test_income_groups_use_world_bank_aggregate_codes(shared_data):
    path = (
        shared_data
        / "digital_indicators/gapminder_systema_globalis/ddf--entities--geo--country.csv"
    )
    groups = income_groups(path)
    assert set(groups) == {"LIC", "LMC", "UMC", "HIC"}
    assert "USA" in groups["HIC"]
    assert "AFG" in groups["LIC"]
    assert not groups["HIC"] & groups["LIC"]


@pytest.mark.realdata
def test_a_peer_mean_over_the_real_ldc_group_lists_members_without_data(shared_data):
    groups = un_groups(shared_data / "countries/country_codes_datahub/country-codes.csv")
    aggregate = peer_mean({"NPL": 40.0, "BGD": 30.0}, groups["LDC"])
    assert aggregate.members == 45
    assert aggregate.with_data == 2
    assert len(aggregate.missing) == 43
    assert aggregate.mean == pytest.approx(35.0)
