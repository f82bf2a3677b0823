"""Trends, 2030 projections, gaps and peer means, checked by hand."""

import math

import pytest

from cybercommons.economy.kernel.observations import GeoKind, Observation, collect
from cybercommons.economy.kernel.progress import (
    GENDER,
    UMC_2030_TARGETS,
    URBAN_RURAL,
    GapKind,
    Status,
    Target,
    fit_trend,
    gap_series,
    peer_mean,
    peer_series,
    progress_to_target,
    series_of,
    within_window,
)
from cybercommons.economy.kernel.sources import read_ddf_datapoints


def test_the_trend_matches_a_hand_least_squares_fit():
    # x = 0..3, y = 1, 3, 2, 5: Sxx = 5, Sxy = 5.5, slope 1.1; residuals -0.1, 0.8, -1.3, 0.6
    # SSR 2.7, s^2 = 1.35, se(slope) = sqrt(1.35 / 5); t(0.975, 2) = 4.302653
    trend = fit_trend([2000, 2001, 2002, 2003], [1, 3, 2, 5])
    assert trend is not None
    assert trend.slope == pytest.approx(1.1)
    assert trend.value_at(2001.5) == pytest.approx(2.75)
    assert trend.slope_se == pytest.approx(math.sqrt(1.35 / 5))
    half = 4.302653 * math.sqrt(1.35 / 5)
    assert trend.slope_ci == pytest.approx((1.1 - half, 1.1 + half), rel=1e-5)


def test_two_points_give_a_slope_but_no_uncertainty():
    trend = fit_trend([2018, 2020], [10, 14])
    assert trend is not None
    assert trend.slope == 2.0
    assert math.isnan(trend.slope_se)
    assert fit_trend([2020, 2020], [1, 2]) is None


def test_a_steady_series_is_on_track_with_the_year_and_rate_by_hand():
    progress = progress_to_target(
        [2015, 2016, 2017, 2018, 2019], [10, 12, 14, 16, 18], Target(30.0, valid_range=(0, 100))
    )
    assert progress.status is Status.ON_TRACK
    assert progress.year_reached == pytest.approx(2025.0)  # 2019 + (30 - 18) / 2
    assert progress.projected == pytest.approx(40.0)  # 18 + 2 * 11
    assert progress.rate_needed == pytest.approx(12 / 11)


def test_the_projection_is_bounded_to_the_valid_range():
    progress = progress_to_target(
        [2016, 2017, 2018, 2019], [90, 93, 96, 98], Target(100.0, valid_range=(0, 100))
    )
    assert progress.projected == 100.0
    assert progress.projected_interval is not None
    assert progress.projected_interval[1] <= 100.0


def test_a_slow_series_is_off_track_and_a_falling_one_never_arrives():
    # 2010-2020 spans 11 calendar years: fitted on every year, not the default 10.
    slow = progress_to_target([2010, 2020], [10, 20], Target(80.0), window_years=None)
    assert slow.status is Status.OFF_TRACK
    assert slow.year_reached == pytest.approx(2080.0)
    falling = progress_to_target([2010, 2020], [30, 20], Target(80.0), window_years=None)
    assert falling.status is Status.NEVER
    assert falling.year_reached is None


def test_targets_to_stay_under_are_reached_from_above():
    price = progress_to_target(
        [2018, 2019, 2020], [6.0, 5.0, 4.0], Target(2.0, higher_is_better=False)
    )
    assert price.status is Status.ON_TRACK
    assert price.year_reached == pytest.approx(2022.0)
    done = progress_to_target([2020], [1.5], Target(2.0, higher_is_better=False))
    assert done.status is Status.ALREADY_REACHED


def test_a_single_point_has_no_trend_and_no_data_is_reported():
    single = progress_to_target([2020], [40.0], Target(100.0))
    assert single.status is Status.INSUFFICIENT_DATA
    assert single.rate_needed == pytest.approx(6.0)
    empty = progress_to_target([2020], [math.nan], Target(100.0))
    assert empty.status is Status.INSUFFICIENT_DATA
    assert empty.latest_value is None


def obs(geo, year, value, **breakdown):
    return Observation(geo, GeoKind.COUNTRY, year, value, "IT_USE", breakdown, unit="%")


def test_the_gender_gap_is_men_minus_women_in_percentage_points():
    observations = [
        obs("KEN", 2020, 60.0, sex="male"),
        obs("KEN", 2020, 50.0, sex="female"),
        obs("KEN", 2020, 55.0),
    ]
    (gap,) = gap_series(observations, *GENDER)
    assert gap.value == pytest.approx(10.0)
    assert gap.breakdown == {"gap": "male-female"}
    assert gap.unit == "percentage points"


def test_the_parity_score_is_women_over_men():
    observations = [obs("KEN", 2020, 60.0, sex="male"), obs("KEN", 2020, 45.0, sex="female")]
    (parity,) = gap_series(observations, *GENDER, kind=GapKind.RATIO)
    assert parity.value == pytest.approx(0.75)


def test_the_urban_rural_gap_needs_both_sides_and_matching_other_breakdowns():
    observations = [
        obs("GHA", 2019, 70.0, location="urban", age="15-24"),
        obs("GHA", 2019, 40.0, location="rural", age="15-24"),
        obs("GHA", 2019, 65.0, location="urban", age="25-74"),
        obs("GHA", 2018, 60.0, location="urban"),
    ]
    gaps = gap_series(observations, *URBAN_RURAL)
    assert [(g.year, g.value, g.breakdown) for g in gaps] == [
        (2019, 30.0, {"age": "15-24", "gap": "urban-rural"})
    ]


def test_peer_means_weighted_by_population_and_unweighted_by_hand():
    values = {"A": 10.0, "B": 20.0, "X": 99.0}
    population = {"A": 1e6, "B": 3e6, "C": 1e6}
    aggregate = peer_mean(values, ["A", "B", "C"], population)
    assert aggregate.mean == pytest.approx(15.0)
    assert aggregate.weighted_mean == pytest.approx((10 * 1 + 20 * 3) / 4)
    assert aggregate.population_coverage == pytest.approx(0.8)
    assert aggregate.missing == ("C",)
    assert (aggregate.members, aggregate.with_data) == (3, 2)


def test_members_without_population_stay_in_the_unweighted_mean_only():
    aggregate = peer_mean({"A": 10.0, "B": 30.0}, ["A", "B"], {"A": 5.0})
    assert aggregate.mean == pytest.approx(20.0)
    assert aggregate.weighted_mean == pytest.approx(10.0)
    assert aggregate.unweighted_only == ("B",)


def test_a_series_is_taken_for_one_place_indicator_and_breakdown():
    observations = [
        obs("KEN", 2021, 30.0),
        obs("KEN", 2019, 20.0),
        obs("KEN", 2020, 25.0, sex="female"),
        obs("GHA", 2020, 50.0),
    ]
    assert series_of(observations, "KEN", "IT_USE") == ([2019, 2021], [20.0, 30.0])
    assert series_of(observations, "KEN", "IT_USE", {"sex": "female"}) == ([2020], [25.0])


def test_peer_series_weights_each_year_by_that_years_population():
    values = {2019: {"A": 10.0, "B": 20.0}, 2020: {"A": 20.0, "B": 40.0}}
    population = {2019: {"A": 1.0, "B": 1.0}, 2020: {"A": 3.0, "B": 1.0}}
    series = peer_series(values, ["A", "B"], population)
    assert series[2019].weighted_mean == pytest.approx(15.0)
    assert series[2020].weighted_mean == pytest.approx(25.0)
    assert series[2020].mean == pytest.approx(30.0)


@pytest.mark.realdata
def test_real_internet_use_in_kenya_gives_a_bounded_2030_projection(shared_data):
    path = next(
        (shared_data / "digital_indicators/un_sdg_ict_series").glob(
            "ddf--datapoints--it_use_ii99--*.csv"
        )
    )
    observations = collect(read_ddf_datapoints(path)).countries
    years, values = series_of(observations, "KEN", "IT_USE_II99")
    assert len(years) >= 10
    progress = progress_to_target(years, values, Target(100.0, valid_range=(0.0, 100.0)))
    assert progress.latest_year == years[-1]
    assert progress.trend is not None
    assert progress.trend.slope > 0
    assert progress.projected is not None
    assert 0.0 <= progress.projected <= 100.0
    assert progress.status in (Status.ON_TRACK, Status.OFF_TRACK)


def test_the_known_2030_targets_are_bounded_and_directed():
    internet = UMC_2030_TARGETS["i99H"]
    assert (internet.value, internet.year, internet.higher_is_better) == (95.0, 2030, True)
    price = UMC_2030_TARGETS["i154_FBB_ts_GNI"]
    assert not price.higher_is_better
    assert progress_to_target([2022], [96.0], internet).status is Status.ALREADY_REACHED


def test_the_trend_window_is_a_parameter_counted_in_calendar_years():
    # Flat at 10 until 2010, then +3 a year to 2020: the last 10 years (2011-2020) give
    # a pace of 3; the last 5 years too; every year blends in the flat start.
    years = list(range(2000, 2021))
    values = [10.0 if y <= 2010 else 10.0 + 3 * (y - 2010) for y in years]
    target = Target(95.0)
    default = progress_to_target(years, values, target)
    assert default.trend is not None
    assert default.trend.n == 10
    assert default.trend.slope == pytest.approx(3.0)
    five = progress_to_target(years, values, target, window_years=5)
    assert five.trend is not None
    assert five.trend.n == 5
    assert five.trend.slope == pytest.approx(3.0)
    everything = progress_to_target(years, values, target, window_years=None)
    assert everything.trend is not None
    assert everything.trend.n == 21
    assert everything.trend.slope < 3.0
    # The latest value does not depend on the window.
    assert everything.latest_value == default.latest_value == 40.0


def test_a_window_counts_missing_years_as_years():
    # 2011 and 2020 are 10 calendar years apart: a 9-year window leaves only 2020.
    result = progress_to_target([2011, 2020], [20.0, 50.0], Target(95.0), window_years=9)
    assert result.trend is None
    assert result.status is Status.INSUFFICIENT_DATA
    assert within_window([(2020, 50.0), (2011, 20.0)], 10) == [(2011, 20.0), (2020, 50.0)]


@pytest.mark.parametrize("bad", [1, 0, -3, 2.5, True, "10"])
def test_a_trend_window_under_two_years_or_not_whole_is_refused(bad):
    with pytest.raises(ValueError, match="trend window"):
        progress_to_target([2019, 2020], [1.0, 2.0], Target(95.0), window_years=bad)
