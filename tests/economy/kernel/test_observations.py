"""Reading cells: numbers, missing tokens, footnote markers and years."""

import pytest

from cybercommons.economy.kernel.observations import (
    GeoKind,
    ImportReport,
    Observation,
    Problem,
    ProblemKind,
    Record,
    collect,
    parse_value,
    parse_year,
    tally,
)


@pytest.mark.parametrize("text", ["", "..", "n/a", "NaN", " - ", None])
def test_it_reads_missing_tokens_as_missing_values(text):
    parsed = parse_value(text)
    assert parsed.value is None
    assert parsed.kind is ProblemKind.MISSING_VALUE


@pytest.mark.parametrize(
    ("text", "value", "marker"), [("12.3e", 12.3, "e"), ("7b", 7.0, "b"), ("45.1*", 45.1, "*")]
)
def test_it_keeps_the_number_of_a_footnoted_value_and_reports_the_marker(text, value, marker):
    parsed = parse_value(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.kind is ProblemKind.FOOTNOTE_MARKER
    assert parsed.marker == marker


@pytest.mark.parametrize("text", ["abc", "12..3", "inf", "1 2"])
def test_it_reports_text_as_non_numeric(text):
    parsed = parse_value(text)
    assert parsed.value is None
    assert parsed.kind is ProblemKind.NON_NUMERIC


def test_it_reads_plain_and_scientific_numbers_without_a_problem():
    assert parse_value("1.5e3").value == 1500.0
    assert parse_value(" -2 ").value == -2.0
    assert parse_value("3").kind is None


@pytest.mark.parametrize(("text", "year"), [("2019", 2019), ("2019.0", 2019), (" 1990 ", 1990)])
def test_it_reads_years(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["", "20x9", "2019.5", "99", "30000"])
def test_it_refuses_implausible_years(text):
    assert parse_year(text) is None


def test_the_report_keeps_countries_aggregates_and_unknown_places_apart():
    records: list[Record] = [
        Observation("KEN", GeoKind.COUNTRY, 2020, 1.0, "X"),
        Observation("WLD", GeoKind.AGGREGATE, 2020, 2.0, "X"),
        Observation("abkh", GeoKind.UNKNOWN, 2020, 3.0, "X"),
        Problem(4, ProblemKind.NON_NUMERIC, "bad"),
        Problem(5, ProblemKind.FOOTNOTE_MARKER, "kept"),
    ]
    report = collect(records, "f.csv")
    assert [o.geo for o in report.countries] == ["KEN"]
    assert [o.geo for o in report.aggregates] == ["WLD"]
    assert [o.geo for o in report.unknown] == ["abkh"]
    assert report.skipped_count == 1
    assert report.summary()["footnote_marker"] == 1


def test_tally_streams_observations_and_counts_without_keeping_them():
    records: list[Record] = [
        Observation("KEN", GeoKind.COUNTRY, 2020, 1.0, "X"),
        Problem(3, ProblemKind.MISSING_VALUE, "no value"),
        Observation("WLD", GeoKind.AGGREGATE, 2020, 2.0, "X"),
    ]
    report = ImportReport(name="f.csv", keep_observations=False)
    passed = list(tally(records, report))
    assert [o.geo for o in passed] == ["KEN", "WLD"]
    assert report.countries == []
    assert report.summary()["countries"] == 1
    assert report.summary()["aggregates"] == 1
    assert report.skipped_count == 1


def test_the_summary_counts_unknown_observations_apart_from_unknown_place_reports() -> None:
    from cybercommons.economy.kernel.observations import (
        GeoKind,
        ImportReport,
        Observation,
        Problem,
        ProblemKind,
    )

    report = ImportReport()
    report.add(Problem(2, ProblemKind.UNKNOWN_GEO, "abkh is not a known area", "abkh"))
    for year in (2000, 2001, 2002):
        report.add(Observation("abkh", GeoKind.UNKNOWN, year, 1.0, "X"))
    summary = report.summary()
    assert summary["unknown_places"] == 3
    assert summary["unknown_geo"] == 1
