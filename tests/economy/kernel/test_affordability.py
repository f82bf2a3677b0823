"""The A4AI "1 for 2" test, by hand and on the real A4AI file."""

import csv

import pytest

from cybercommons.economy.kernel.affordability import (
    Basket,
    affordable_price_usd,
    one_for_two,
    one_for_two_from_observations,
    share_of_monthly_income,
)
from cybercommons.economy.kernel.observations import GeoKind, Observation, collect
from cybercommons.economy.kernel.sources import read_owid_csv


def test_it_expresses_a_price_as_a_share_of_monthly_income():
    # GNI per capita 1,200 US$ a year is 100 US$ a month; 2 US$ is 2 %.
    assert share_of_monthly_income(2.0, 1200.0) == pytest.approx(2.0)
    assert affordable_price_usd(1200.0) == pytest.approx(2.0)


def test_it_refuses_a_share_of_no_income():
    with pytest.raises(ValueError, match="GNI per capita must be positive"):
        share_of_monthly_income(1.0, 0.0)


def test_exactly_two_percent_passes_and_the_gap_is_reported():
    summary = one_for_two({"AAA": 2.0, "BBB": 5.0, "CCC": 0.5, "DDD": float("nan")}, year=2020)
    assert summary.passing == ("AAA", "CCC")
    assert summary.failing == ("BBB",)
    failing = next(r for r in summary.results if r.geo == "BBB")
    assert failing.gap_points == pytest.approx(3.0)
    assert failing.price_reduction_needed == pytest.approx(0.6)
    assert summary.share_passing == pytest.approx(2 / 3)


def test_the_five_gigabyte_basket_is_tested_against_the_same_threshold():
    summary = one_for_two({"AAA": 1.9}, year=2023, basket=Basket.FIVE_GB)
    assert summary.results[0].basket is Basket.FIVE_GB
    assert summary.passing == ("AAA",)


def test_aggregates_never_count_as_countries():
    observations = [
        Observation("KEN", GeoKind.COUNTRY, 2018, 3.0, "price"),
        Observation("SSF", GeoKind.AGGREGATE, 2018, 1.0, "price"),
    ]
    summary = one_for_two_from_observations(observations, indicator="price")[2018]
    assert [r.geo for r in summary.results] == ["KEN"]


A4AI = "digital_indicators/owid/price_of_mobile_data_alliance_for_affordable_internet_2019/data.csv"
COLUMN = "Cost of 1GB of mobile data (% of mean GNI per capita)"


@pytest.mark.realdata
def test_the_real_a4ai_file_gives_the_one_for_two_result_per_country(shared_data):
    path = shared_data / A4AI
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = collect(read_owid_csv(path, indicators={COLUMN: "A4AI.1GB.GNI"}))
    assert len(report.countries) == len(rows) == 45
    summaries = one_for_two_from_observations(report.countries, indicator="A4AI.1GB.GNI")
    assert list(summaries) == [2018]
    summary = summaries[2018]
    assert len(summary.passing) == sum(1 for row in rows if float(row[COLUMN]) <= 2.0)
    assert len(summary.failing) == sum(1 for row in rows if float(row[COLUMN]) > 2.0)
    # Algeria: 2.04 % of monthly income misses the 2 % threshold by 0.04 points.
    algeria = next(r for r in summary.results if r.geo == "DZA")
    assert not algeria.affordable
    assert algeria.gap_points == pytest.approx(0.04)
