"""Composite indices from the database: hand-checked scores, rankings with filters, the IDI
step by step, definitions refused with the kernel's reasons, rank comparison."""

from __future__ import annotations

import pytest

from cybercommons.core.errors import ServiceError
from cybercommons.economy import queries, services
from cybercommons.economy.importers.store import write_records
from cybercommons.economy.models import IndexDefinition
from tests.economy.conftest import obs

# Hand calculation of the open-data index for the small store (2020):
#   use = mean(Internet %, 100 * broadband / 60); access = mean(min(100, 100 * mobile /
#   120), 3G %, 4G %); index = mean(use, access).
KENYA = ((40 + 100 * 3 / 60) / 2 + (100 + 90 + 60) / 3) / 2
FRANCE = ((90 + 100 * 48 / 60) / 2 + (100 + 100 + 100) / 3) / 2
NEPAL = ((50 + 100 * 6 / 60) / 2 + (100 + 96 + 45) / 3) / 2


@pytest.mark.django_db
def test_the_open_index_matches_the_hand_calculation(small_store):
    row = IndexDefinition.objects.get(code="open-connectivity")
    table = queries.ranking(None, row, year=2020)
    scores = {r.country.code: r.score for r in table.rows}
    assert scores == pytest.approx({"KE": KENYA, "FR": FRANCE, "NP": NEPAL})
    assert [r.country.code for r in table.rows] == ["FR", "NP", "KE"]
    assert [r.rank for r in table.rows] == [1, 2, 3]


@pytest.mark.django_db
def test_aggregates_never_enter_a_ranking(small_store):
    row = IndexDefinition.objects.get(code="open-connectivity")
    result = queries.compute(row)
    assert "WLD" not in result.geos


@pytest.mark.django_db
def test_the_ranking_filters_by_un_group_income_and_region(small_store):
    row = IndexDefinition.objects.get(code="open-connectivity")
    ldc = queries.ranking(None, row, year=2020, group="ldc")
    assert [(r.country.code, r.rank) for r in ldc.rows] == [("NP", 1)]
    africa = queries.ranking(None, row, year=2020, region="002")
    assert [r.country.code for r in africa.rows] == ["KE"]
    high = queries.ranking(None, row, year=2020, income="H")
    assert [r.country.code for r in high.rows] == ["FR"]


@pytest.mark.django_db
def test_the_idi_is_explained_step_by_step_as_calculated_by_hand(countries):
    values = {"IT.NET.USER.ZS": 35, "xHH6": 28, "i911mw": 60, "i271G": 96, "i271GA": 90,
              "i136mwi_subs": 20, "i135tfb_subs": 600, "i271mb_high_ts_GNI": 6.0,
              "i154_FBB_ts_GNI": 12.0, "xHH18": 70}
    write_records([obs("KEN", 2023, float(v), code) for code, v in values.items()], name="t")
    services.ensure_built_in_indices()
    from cybercommons.core.models import Country

    year, breakdown = queries.explain_country(Country.objects.get(code="KE"))
    universal = (35 + 28 + 60) / 3
    meaningful = (96 / 12 + 90 / 12 + (100 * 20 / 240 + 100 * 600 / 2400
                  + 100 * (6 - 20) / (2 - 20) + 100 * (12 - 20) / (2 - 20) + 70) / 6)
    assert year == 2023
    assert breakdown is not None
    assert breakdown.pillars[0].score == pytest.approx(universal)
    assert breakdown.pillars[1].score == pytest.approx(meaningful)
    assert breakdown.score == pytest.approx((universal + meaningful) / 2)
    price = next(s for s in breakdown.indicators if s.code == "i271mb_high_ts_GNI")
    assert price.score == pytest.approx(100 * 14 / 18)  # reversed: cheaper is better
    ranking = queries.ranking(None, IndexDefinition.objects.get(code="itu-idi-2023"))
    assert ranking.year == 2023
    assert ranking.rows[0].score == pytest.approx(breakdown.score)


@pytest.mark.django_db
def test_an_index_whose_weights_do_not_add_up_is_refused_with_the_reason(cast):
    data = {"code": "bad", "name": "Bad", "pillars": [{"code": "p", "weight": 0.7}],
            "indicators": [{"code": "IT.NET.USER.ZS", "pillar": "p", "weight": 1,
                            "best": 100, "worst": 0}]}
    with pytest.raises(ServiceError, match=r"pillar weights add up to 0\.7, not 1") as refused:
        services.define_index(cast.owner, data)
    assert [p.code for p in refused.value.problems] == ["index.pillar_weights_sum"]
    data["pillars"][0]["weight"] = 1
    del data["indicators"][0]["best"]
    with pytest.raises(ServiceError, match="has no best goalpost"):
        services.define_index(cast.owner, data)
    assert not IndexDefinition.objects.filter(code="bad").exists()


@pytest.mark.django_db
def test_a_sound_index_is_stored_and_its_ranking_compared(small_store, cast):
    services.define_index(cast.owner, {
        "code": "internet-only", "name": "Internet use only",
        "pillars": [{"code": "use", "weight": 1}],
        "indicators": [{"code": "IT.NET.USER.ZS", "pillar": "use", "weight": 1, "best": 100,
                        "worst": 0}]})
    result = queries.compare(None, IndexDefinition.objects.get(code="open-connectivity"),
                             IndexDefinition.objects.get(code="internet-only"), 2020)
    assert result.comparison is not None
    assert result.comparison.spearman == pytest.approx(1.0)
    with pytest.raises(ServiceError, match="exists"):
        services.define_index(cast.owner, {
            "code": "internet-only", "name": "Again", "pillars": [{"code": "u", "weight": 1}],
            "indicators": [{"code": "X", "pillar": "u", "weight": 1, "best": 1, "worst": 0}]})


@pytest.mark.django_db
def test_progress_to_2030_projects_the_trend_and_the_year_reached(countries):
    # +5 points a year from 50 in 2015: 95 % is reached in 2024, 2030 projects to 100 %.
    write_records([obs("KEN", year, 50.0 + 5 * (year - 2015), "IT.NET.USER.ZS")
                   for year in range(2015, 2021)], name="t")
    from cybercommons.core.models import Country

    rows = queries.country_progress(None, Country.objects.get(code="KE"))  # type: ignore[arg-type]
    internet = rows[0].progress
    assert internet.trend is not None
    assert internet.trend.slope == pytest.approx(5.0)
    assert internet.year_reached == pytest.approx(2024.0)
    assert internet.projected == pytest.approx(100.0)
    assert internet.rate_needed == pytest.approx((95 - 75) / 10)


@pytest.mark.django_db
def test_gender_gaps_are_their_own_series(countries):
    write_records([obs("NPL", 2022, 88.0, "IT_MOB_OWN", breakdown={"sex": "male"}),
                   obs("NPL", 2022, 76.0, "IT_MOB_OWN", breakdown={"sex": "female"})],
                  name="t")
    from cybercommons.core.models import Country

    gaps = queries.country_gaps(None, Country.objects.get(code="NP"))  # type: ignore[arg-type]
    assert [(g.label, g.points) for g in gaps] == [("male-female", [(2022, 12.0)])]


@pytest.mark.django_db
def test_the_stored_panel_prefers_the_code_then_the_earlier_alias(countries):
    write_records([obs("KEN", 2020, 45.0, "IT_USE_II99"), obs("KEN", 2020, 40.0,
                                                              "IT.NET.USER.ZS"),
                   obs("NPL", 2020, 30.0, "IT_USE_II99"), obs("NPL", 2020, 33.0, "i99H")],
                  name="t")
    from cybercommons.economy.kernel.idi import IDI_2023

    panel = queries.panel_for(IDI_2023)
    column = IDI_2023.indicator_codes.index("i99H")
    assert panel.geos == ("KEN", "NPL")
    assert panel.values[0, 0, column] == 40.0  # the first alias beats the second
    assert panel.values[1, 0, column] == 33.0  # the indicator's own code beats any alias


@pytest.mark.django_db
def test_the_current_pace_is_fitted_on_the_last_ten_years_only(countries):
    # Flat at 10 % in 2000-2010, then +3 points a year: the pace is 3, not a blend.
    early = [obs("KEN", year, 10.0, "IT.NET.USER.ZS") for year in range(2000, 2011)]
    recent = [obs("KEN", year, 10.0 + 3 * (year - 2010), "IT.NET.USER.ZS")
              for year in range(2011, 2021)]
    write_records(early + recent, name="t")
    from cybercommons.core.models import Country

    row = queries.country_progress(None, Country.objects.get(code="KE"))[0]  # type: ignore[arg-type]
    assert row.points[0][0] == 2011
    assert row.progress.trend is not None
    assert row.progress.trend.slope == pytest.approx(3.0)


@pytest.mark.django_db
def test_the_trend_window_of_the_query_can_take_every_year(countries):
    early = [obs("KEN", year, 10.0, "IT.NET.USER.ZS") for year in range(2000, 2011)]
    recent = [obs("KEN", year, 10.0 + 3 * (year - 2010), "IT.NET.USER.ZS")
              for year in range(2011, 2021)]
    write_records(early + recent, name="t")
    from cybercommons.core.models import Country

    kenya = Country.objects.get(code="KE")
    row = queries.country_progress(None, kenya, window_years=None)[0]  # type: ignore[arg-type]
    assert row.points[0][0] == 2000
    assert row.progress.trend is not None
    assert row.progress.trend.n == 21
    short = queries.country_progress(None, kenya, window_years=3)[0]  # type: ignore[arg-type]
    assert [year for year, _value in short.points] == [2018, 2019, 2020]
