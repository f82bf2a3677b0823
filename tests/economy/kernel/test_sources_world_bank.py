"""World Bank WDI CSV (wide), API JSON and the population datapackage."""

import csv
import json

import pytest

from cybercommons.economy.kernel.observations import ProblemKind, collect
from cybercommons.economy.kernel.sources import read_wb_population, read_wdi_csv, read_wdi_json
from cybercommons.economy.kernel.sources.text_input import split_lines

WDI_SAMPLE = """\ufeff"Data Source","World Development Indicators",

"Last Updated Date","2024-06-28",

"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020","2021",
"Kenya","KEN","Internet users (% of population)","IT.NET.USER.ZS","22.6","","29.5e",
"World","WLD","Internet users (% of population)","IT.NET.USER.ZS","54.0","59.3","62.6",
"Lower middle income","LMC","Internet users (% of population)","IT.NET.USER.ZS","..","40.1","n/a",
"Nowhere","ZZZ","Internet users (% of population)","IT.NET.USER.ZS","1","abc","3",
"""


def test_it_reads_the_wide_wdi_layout_after_the_preamble():
    report = collect(read_wdi_csv(split_lines(WDI_SAMPLE)))
    kenya = {(o.year, o.value) for o in report.countries}
    assert kenya == {(2019, 22.6), (2021, 29.5)}
    assert all(o.unit == "% of population" for o in report.countries)
    assert all(o.indicator == "IT.NET.USER.ZS" for o in report.countries)


def test_it_keeps_wdi_aggregates_out_of_the_country_series():
    report = collect(read_wdi_csv(split_lines(WDI_SAMPLE)))
    assert {o.geo for o in report.aggregates} == {"WLD", "LMC"}
    assert {o.geo for o in report.countries} == {"KEN"}
    assert {o.geo for o in report.unknown} == {"ZZZ"}


def test_it_counts_missing_years_footnotes_and_text_without_stopping():
    report = collect(read_wdi_csv(split_lines(WDI_SAMPLE)))
    counts = report.problem_counts
    assert counts[ProblemKind.MISSING_VALUE] == 3  # Kenya 2020, LMC 2019 and 2021
    assert counts[ProblemKind.FOOTNOTE_MARKER] == 1
    assert counts[ProblemKind.NON_NUMERIC] == 1
    assert counts[ProblemKind.UNKNOWN_GEO] == 1
    footnoted = next(o for o in report.countries if o.year == 2021)
    assert footnoted.note == "footnote e"


def test_it_reports_a_file_without_the_wdi_header():
    report = collect(read_wdi_csv(split_lines("a,b,c\n1,2,3\n")))
    assert report.observation_count == 0
    assert report.problem_counts[ProblemKind.MALFORMED_ROW] == 1


API_PAGE = [
    {"page": 1, "pages": 1, "per_page": 50, "total": 4},
    [
        {
            "indicator": {
                "id": "IT.NET.BBND.P2",
                "value": "Fixed broadband subscriptions (per 100 people)",
            },
            "country": {"id": "KE", "value": "Kenya"},
            "countryiso3code": "KEN",
            "date": "2022",
            "value": 1.4,
            "unit": "",
            "obs_status": "",
            "decimal": 1,
        },
        {
            "indicator": {
                "id": "IT.NET.BBND.P2",
                "value": "Fixed broadband subscriptions (per 100 people)",
            },
            "country": {"id": "1W", "value": "World"},
            "countryiso3code": "",
            "date": "2022",
            "value": 18.9,
        },
        {
            "indicator": {"id": "IT.NET.BBND.P2", "value": "x"},
            "country": {"id": "KE", "value": "Kenya"},
            "countryiso3code": "KEN",
            "date": "2023",
            "value": None,
        },
        {
            "indicator": {"id": "IT.NET.BBND.P2"},
            "countryiso3code": "KEN",
            "date": "later",
            "value": 2,
        },
    ],
]


def test_it_reads_world_bank_api_json_and_separates_aggregates():
    report = collect(read_wdi_json(API_PAGE))
    assert [(o.geo, o.year, o.value, o.unit) for o in report.countries] == [
        ("KEN", 2022, 1.4, "per 100 people")
    ]
    assert [o.geo for o in report.aggregates] == ["1W"]
    assert report.problem_counts[ProblemKind.MISSING_VALUE] == 1
    assert report.problem_counts[ProblemKind.BAD_YEAR] == 1


def test_it_reports_an_api_error_answer():
    error = [{"message": [{"id": "120", "key": "Invalid value"}]}]
    report = collect(read_wdi_json(error))
    assert report.problem_counts[ProblemKind.MALFORMED_ROW] == 1
    assert "API error" in report.problems[0].message


@pytest.mark.realdata
def test_the_real_population_file_imports_every_row_with_aggregates_apart(shared_data):
    path = shared_data / "digital_indicators" / "worldbank_population" / "population.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = collect(read_wb_population(path), path.name)
    assert report.observation_count + report.skipped_count == len(rows)
    assert report.skipped_count == 0
    aggregate_codes = {o.geo for o in report.aggregates}
    assert {"WLD", "LMC", "SSF", "EUU", "HIC"} <= aggregate_codes
    assert not aggregate_codes & {o.geo for o in report.countries}
    by_key = {(o.geo, o.year): o.value for o in report.countries}
    first = rows[0]
    assert by_key[(first["Country Code"], int(first["Year"]))] == float(first["Value"])


def test_it_reads_wdi_files_from_disk_with_their_byte_order_mark(tmp_path):
    csv_path = tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_1.csv"
    csv_path.write_text(WDI_SAMPLE.removeprefix("\ufeff"), encoding="utf-8-sig")
    from_disk = collect(read_wdi_csv(csv_path))
    from_lines = collect(read_wdi_csv(split_lines(WDI_SAMPLE)))
    assert from_disk.countries == from_lines.countries
    json_path = tmp_path / "page.json"
    json_path.write_text(json.dumps(API_PAGE), encoding="utf-8")
    assert collect(read_wdi_json(json_path)).countries == collect(read_wdi_json(API_PAGE)).countries
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    assert collect(read_wdi_json(broken)).problem_counts[ProblemKind.MALFORMED_ROW] == 1
