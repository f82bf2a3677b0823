"""DDF datapoints: the Gapminder WDI mirror and the UN SDG ICT series."""

import csv

import pytest

from cybercommons.economy.kernel.observations import GeoKind, ProblemKind, collect
from cybercommons.economy.kernel.sources import load_gapminder_iso3, read_ddf_datapoints
from cybercommons.economy.kernel.sources.ddf import keys_from_filename
from cybercommons.economy.kernel.sources.text_input import split_lines

SDG_SAMPLE = """geo_area,nature,sex,units,year,it_mob_own
404,notspec,bothsex,percent,2019,88.5
404,notspec,female,percent,2019,85.2
404,C,male,percent,2019,91.9
1,notspec,bothsex,percent,2019,x
202,notspec,bothsex,percent,2019,77
"""


def test_it_reads_sdg_breakdowns_with_both_sexes_as_the_total():
    report = collect(read_ddf_datapoints(split_lines(SDG_SAMPLE)))
    by_sex = {o.breakdown.get("sex", "total"): o for o in report.countries}
    assert set(by_sex) == {"total", "female", "male"}
    assert by_sex["female"].value == 85.2
    assert by_sex["total"].indicator == "IT_MOB_OWN"
    assert by_sex["total"].unit == "percent"
    assert by_sex["male"].note == "nature C"


def test_it_keeps_sdg_regions_apart_and_reports_text_values():
    report = collect(read_ddf_datapoints(split_lines(SDG_SAMPLE)))
    assert [o.geo for o in report.aggregates] == ["M49:202"]
    assert report.problem_counts[ProblemKind.NON_NUMERIC] == 1


def test_it_reads_the_indicator_and_keys_from_the_file_name():
    name = "ddf--datapoints--it_net_bbp--by--geo_area--nature--type_of_speed--units--year.csv"
    assert keys_from_filename(name) == (
        "it_net_bbp",
        ("geo_area", "nature", "type_of_speed", "units", "year"),
    )
    with pytest.raises(ValueError, match="not a DDF datapoints file name"):
        keys_from_filename("population.csv")


def test_it_reports_rows_with_the_wrong_number_of_fields():
    text = "geo,time,internet_users\nken,2020,29\nken,2021\n"
    report = collect(read_ddf_datapoints(split_lines(text)))
    assert len(report.countries) == 1
    assert report.countries[0].indicator == "IT.NET.USER.ZS"
    assert report.problem_counts[ProblemKind.MALFORMED_ROW] == 1


GAPMINDER = "digital_indicators/gapminder_systema_globalis"
SDG = "digital_indicators/un_sdg_ict_series"


@pytest.mark.realdata
def test_every_real_gapminder_row_becomes_an_observation(shared_data):
    iso3 = load_gapminder_iso3(shared_data / GAPMINDER / "ddf--entities--geo--country.csv")
    files = sorted((shared_data / GAPMINDER / "datapoints").glob("ddf--datapoints--*.csv"))
    assert len(files) == 8
    for path in files:
        with path.open(encoding="utf-8") as handle:
            row_count = sum(1 for _ in csv.DictReader(handle))
        report = collect(read_ddf_datapoints(path, gapminder_iso3=iso3), path.name)
        assert report.observation_count == row_count, path.name
        assert report.skipped_count == 0, path.name
        assert all(len(o.geo) == 3 and o.geo.isupper() for o in report.countries)


@pytest.mark.realdata
def test_gapminder_ids_without_an_iso_code_are_kept_apart(shared_data):
    iso3 = load_gapminder_iso3(shared_data / GAPMINDER / "ddf--entities--geo--country.csv")
    path = next(
        (shared_data / GAPMINDER / "datapoints").glob("*total_population_with_projections*")
    )
    report = collect(read_ddf_datapoints(path, gapminder_iso3=iso3))
    unknown = {o.geo for o in report.unknown}
    assert "ussr" in unknown
    assert report.problem_counts[ProblemKind.UNKNOWN_GEO] == len(unknown)


@pytest.mark.realdata
def test_the_real_sdg_series_import_with_regions_apart(shared_data):
    files = sorted((shared_data / SDG).glob("ddf--datapoints--*.csv"))
    assert len(files) == 8
    for path in files:
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        report = collect(read_ddf_datapoints(path), path.name)
        assert report.observation_count + report.skipped_count == len(rows), path.name
        world_rows = sum(1 for row in rows if row["geo_area"] == "1")
        assert sum(1 for o in report.aggregates if o.geo == "M49:1") == world_rows
        assert all(o.geo_kind is GeoKind.COUNTRY for o in report.countries)


@pytest.mark.realdata
def test_the_real_ownership_series_has_female_and_male_breakdowns(shared_data):
    path = next((shared_data / SDG).glob("ddf--datapoints--it_mob_own--*.csv"))
    report = collect(read_ddf_datapoints(path))
    sexes = {o.breakdown.get("sex") for o in report.countries}
    assert sexes == {None, "female", "male"}
