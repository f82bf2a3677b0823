"""The ICT Development Index 2023 method, checked by hand on sample countries."""

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest

from cybercommons.economy.kernel.composite import Panel, compute_index
from cybercommons.economy.kernel.idi import IDI_2023, OPEN_CONNECTIVITY_INDEX, explain
from cybercommons.economy.kernel.messages import Message
from cybercommons.economy.kernel.observations import GeoKind, Observation, collect
from cybercommons.economy.kernel.sources import load_gapminder_iso3, read_ddf_datapoints

# A complete country. Hand calculation:
# universal: i99H 80 -> 80, xHH6 70 -> 70, i911mw 120 -> 120 capped to 100;
#            mean (80 + 70 + 100) / 3 = 83.333…
# meaningful: coverage (95 + 80) / 2 = 87.5; mobile traffic 120/240 -> 50;
#             fixed traffic 1200/2400 -> 50; mobile price 3.8 % -> 100*(20-3.8)/(20-2) = 90;
#             fixed price 1.5 % -> capped 100; ownership 85 -> 85;
#             mean (87.5 + 50 + 50 + 90 + 100 + 85) / 6 = 77.0833…
# IDI = (83.333… + 77.0833…) / 2 = 80.2083…
COMPLETE = {
    "i99H": 80.0,
    "xHH6": 70.0,
    "i911mw": 120.0,
    "i271G": 95.0,
    "i271GA": 80.0,
    "i136mwi_subs": 120.0,
    "i135tfb_subs": 1200.0,
    "i271mb_high_ts_GNI": 3.8,
    "i154_FBB_ts_GNI": 1.5,
    "xHH18": 85.0,
}


def test_a_complete_country_matches_the_hand_calculation_step_by_step():
    breakdown = explain(COMPLETE)
    steps = {s.code: s for s in breakdown.indicators}
    assert steps["i911mw"].uncapped_score == pytest.approx(120.0)
    assert steps["i911mw"].score == 100.0
    assert steps["i271mb_high_ts_GNI"].score == pytest.approx(90.0)
    assert steps["i154_FBB_ts_GNI"].uncapped_score == pytest.approx(100 * 18.5 / 18)
    assert steps["i154_FBB_ts_GNI"].score == 100.0
    assert steps["i154_FBB_ts_GNI"].direction == "lower"
    pillars = {p.code: p.score for p in breakdown.pillars}
    assert pillars["universal"] == pytest.approx(250 / 3)
    assert pillars["meaningful"] == pytest.approx(462.5 / 6)
    assert breakdown.score == pytest.approx((250 / 3 + 462.5 / 6) / 2)
    assert breakdown.reason_if_missing is None


def test_every_step_carries_its_goalposts_and_provenance():
    steps = explain(COMPLETE).indicators
    assert len(steps) == 10
    assert all(s.provenance for s in steps)
    # The four goalposts not checked against the published table say so.
    assert {s.code for s in steps if not s.goalposts_confirmed} == {
        "i136mwi_subs",
        "i135tfb_subs",
        "i271mb_high_ts_GNI",
        "i154_FBB_ts_GNI",
    }
    internet = next(s for s in steps if s.code == "i99H")
    assert (internet.raw, internet.best, internet.worst) == (80.0, 100.0, 0.0)


def test_a_country_missing_a_universal_indicator_is_scored_on_the_rest():
    values = dict(COMPLETE)
    del values["xHH6"]  # two thirds of the universal weight remain: above the half needed
    breakdown = explain(values)
    universal = breakdown.pillars[0]
    assert universal.score == pytest.approx((80 + 100) / 2)
    assert universal.weight_with_data == pytest.approx(2 / 3)
    assert universal.missing_indicators == ("xHH6",)
    assert breakdown.score == pytest.approx(((80 + 100) / 2 + 462.5 / 6) / 2)


def test_a_country_with_too_little_universal_data_gets_no_idi_and_a_reason():
    values = {k: v for k, v in COMPLETE.items() if k not in ("xHH6", "i911mw")}
    breakdown = explain(values)
    assert breakdown.pillars[0].score is None
    assert breakdown.score is None
    assert breakdown.reason_if_missing == Message(
        "index.pillars_without_score",
        {"pillars": ["universal"], "labels": ["Universal connectivity"]},
    )
    assert breakdown.missing_data_rule.code == "index.missing_data_rule"


def test_aliases_feed_the_idi_from_wdi_and_sdg_codes():
    values = dict(COMPLETE)
    values["IT.NET.USER.ZS"] = values.pop("i99H")
    values["IT_MOB_3GNTWK"] = values.pop("i271G")
    assert explain(values).score == pytest.approx(explain(COMPLETE).score)


def test_the_page_and_the_table_give_the_same_score():
    observations = [Observation("KEN", GeoKind.COUNTRY, 2022, v, k) for k, v in COMPLETE.items()]
    result = compute_index(IDI_2023, Panel.from_observations(observations, IDI_2023))
    assert result.overall_for_year(2022)["KEN"] == pytest.approx(explain(COMPLETE).score)


def test_the_open_connectivity_index_is_a_sound_definition():
    assert OPEN_CONNECTIVITY_INDEX.problems() == []
    # Hand calculation: use (50 + 30/60*100)/2 = 50; access (100 + 90 + 60)/3 = 83.33…
    breakdown = explain(
        {
            "IT.NET.USER.ZS": 50,
            "IT.NET.BBND.P2": 30,
            "IT.CEL.SETS.P2": 130,
            "IT_MOB_3GNTWK": 90,
            "IT_MOB_4GNTWK": 60,
        },
        OPEN_CONNECTIVITY_INDEX,
    )
    assert breakdown.score == pytest.approx((50 + 250 / 3) / 2)


def _country_observations(root: Path, gapminder_files: Iterable[Path],
                          sdg_files: Iterable[Path]) -> list[Observation]:
    """The country rows of Gapminder datapoint files (named by Gapminder's own geo codes)
    and of UN SDG series files, under the shared ``digital_indicators`` folder ``root``."""
    iso3 = load_gapminder_iso3(root / "gapminder_systema_globalis"
                               / "ddf--entities--geo--country.csv")
    observations: list[Observation] = []
    for path in gapminder_files:
        observations += collect(read_ddf_datapoints(path, gapminder_iso3=iso3)).countries
    for path in sdg_files:
        observations += collect(read_ddf_datapoints(path)).countries
    return observations


@pytest.mark.realdata
def test_kenya_2018_on_the_open_data_index_matches_a_hand_calculation(shared_data):
    root = shared_data / "digital_indicators"
    gapminder = root / "gapminder_systema_globalis" / "datapoints"
    observations = _country_observations(
        root,
        [next(gapminder.glob(f"ddf--datapoints--{name}--*.csv")) for name in (
            "internet_users",
            "broadband_subscribers_per_100_people",
            "cell_phones_per_100_people",
        )],
        [next((root / "un_sdg_ict_series").glob(f"ddf--datapoints--{name}--*.csv"))
         for name in ("it_mob_3gntwk", "it_mob_4gntwk")],
    )
    panel = Panel.from_observations(observations, OPEN_CONNECTIVITY_INDEX)
    result = compute_index(OPEN_CONNECTIVITY_INDEX, panel)
    raw = dict(
        zip(
            OPEN_CONNECTIVITY_INDEX.indicator_codes,
            result.raw[panel.geos.index("KEN"), panel.years.index(2018)],
            strict=True,
        )
    )
    # The 2018 values in the files: Internet 19.5 %, fixed broadband 0.73993 per 100,
    # mobile 98.5945 per 100, 3G 86 %, 4G 35 %.
    assert raw == pytest.approx(
        {
            "IT.NET.USER.ZS": 19.5,
            "IT.NET.BBND.P2": 0.73993,
            "IT.CEL.SETS.P2": 98.5945,
            "IT_MOB_3GNTWK": 86.0,
            "IT_MOB_4GNTWK": 35.0,
        }
    )
    use = (19.5 / 100 * 100 + 0.73993 / 60 * 100) / 2
    access = (98.5945 / 120 * 100 + 86.0 + 35.0) / 3
    assert result.overall_for_year(2018)["KEN"] == pytest.approx((use + access) / 2)
    assert "WLD" not in result.geos


@pytest.mark.realdata
def test_the_shared_files_give_no_country_an_idi_and_say_which_series_are_missing(shared_data):
    # Every file of the shared indicator folders that feeds an IDI indicator (through the
    # aliases): Internet use, 3G and 4G coverage, mobile-phone ownership.
    root = shared_data / "digital_indicators"
    observations = _country_observations(
        root,
        sorted((root / "gapminder_systema_globalis" / "datapoints").glob("*.csv")),
        sorted((root / "un_sdg_ict_series").glob("ddf--datapoints--*.csv")),
    )
    panel = Panel.from_observations(observations, IDI_2023)
    result = compute_index(IDI_2023, panel)
    with_data = {code for column, code in enumerate(panel.indicators)
                 if not np.isnan(panel.values[:, :, column]).all()}
    assert with_data == {"i99H", "i271G", "i271GA", "xHH18"}
    # Universal: Internet use alone is 1/3 of the pillar; meaningful: 3G + 4G + ownership
    # = 1/12 + 1/12 + 1/6 = 1/3. Both are below the half the rule needs.
    assert np.nanmax(result.pillar_share, axis=(0, 1)).tolist() == pytest.approx([1 / 3, 1 / 3])
    assert np.isnan(result.overall).all()
