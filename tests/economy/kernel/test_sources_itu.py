"""ITU DataHub CSV exports.

The sample below is written here in the layout of the DataHub download
(``api.datahub.itu.int/v3/data/download``, the "Download CSV" of datahub.itu.int): the
15-column header SeriesID … LastModifiedOn, one row per series, economy (AreaCode ISO
alpha-3, AreaName), year and disaggregation, blank Value for "no data", ITU's footnote
text in Notes and the national supplier in Source. The figures are made up.
"""

from cybercommons.economy.kernel.observations import GeoKind, ProblemKind, collect
from cybercommons.economy.kernel.sources import read_itu_csv
from cybercommons.economy.kernel.sources.itu_datahub import itu_breakdown, itu_place
from cybercommons.economy.kernel.sources.text_input import split_lines

HEADER = (
    "SeriesID,SeriesCode,Series,Unit,Database,Year,AreaName,AreaCode,DisaggregationGroup,"
    "Disaggregation1,Disaggregation2,Value,Notes,Source,LastModifiedOn\n"
)
ITU_SAMPLE = "\ufeff" + HEADER + (
    '11624,i99H,Individuals using the Internet,%,ITU Household,2022,Kenya,KEN,,,,'
    '40.8,,"Communications Authority, KNBS",2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,Kenya,KEN,,,,'
    '43.5e,ITU estimate.,,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,Kenya,KEN,Sex,Female,,'
    '39.2,,KNBS,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,France,FRA,'
    '"Urban/rural area",Rural,,85.0,,INSEE,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2021,France,FRA,,,,'
    ',,,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,Arab States,,,,,'
    '69.5,,,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,World,WLD,,,,'
    '67.4,,,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,Atlantis,ATL,,,,'
    '12,,,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,20x3,Peru,PER,,,,'
    '71,,,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,Peru,PER,,,,'
    'abc,,,2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2023,Chile,CHL,,,,'
    '90.2,,"SUBTEL\n'
    'Chile",2024-06-01\n'
    '11624,i99H,Individuals using the Internet,%,ITU Household,2022,Chile,CHL,,,,'
    '88.3,,SUBTEL\n'
    '(survey),2024-06-01\n'
)


def test_it_reads_economies_years_values_units_and_suppliers():
    report = collect(read_itu_csv(split_lines(ITU_SAMPLE)))
    kenya_total = {(o.year, o.value) for o in report.countries
                   if o.geo == "KEN" and not o.breakdown}
    assert kenya_total == {(2022, 40.8), (2023, 43.5)}
    first = next(o for o in report.countries if o.geo == "KEN" and o.year == 2022)
    assert first.indicator == "i99H"
    assert first.unit == "%"
    assert first.source == "ITU DataHub (Communications Authority, KNBS)"


def test_a_footnote_marker_is_moved_to_the_note_beside_itus_own_note():
    report = collect(read_itu_csv(split_lines(ITU_SAMPLE)))
    estimate = next(o for o in report.countries
                    if o.geo == "KEN" and o.year == 2023 and not o.breakdown)
    assert estimate.note == "ITU estimate.; footnote e"
    assert report.problem_counts[ProblemKind.FOOTNOTE_MARKER] == 1


def test_disaggregations_become_breakdowns_shared_with_other_sources():
    report = collect(read_itu_csv(split_lines(ITU_SAMPLE)))
    breakdowns = {(o.geo, tuple(o.breakdown.items())) for o in report.countries if o.breakdown}
    assert breakdowns == {("KEN", (("sex", "female"),)), ("FRA", (("location", "rural"),))}


def test_itu_regions_and_world_are_kept_apart_from_countries():
    report = collect(read_itu_csv(split_lines(ITU_SAMPLE)))
    assert {o.geo for o in report.aggregates} == {"Arab States", "WLD"}
    assert "WLD" not in {o.geo for o in report.countries}


def test_bad_records_are_reported_and_skipped_while_good_ones_are_kept():
    report = collect(read_itu_csv(split_lines(ITU_SAMPLE)))
    counts = report.problem_counts
    assert counts[ProblemKind.MISSING_VALUE] == 1  # France 2021, blank value
    assert counts[ProblemKind.BAD_YEAR] == 1  # Peru "20x3"
    assert counts[ProblemKind.NON_NUMERIC] == 1  # Peru "abc"
    assert counts[ProblemKind.UNKNOWN_GEO] == 1  # Atlantis, kept apart
    assert [o.geo for o in report.unknown] == ["ATL"]
    # The quoted line break is a valid CSV field; the unquoted one splits a record
    # into two malformed halves, both reported.
    chile = {(o.year, o.source) for o in report.countries if o.geo == "CHL"}
    assert chile == {(2023, "ITU DataHub (SUBTEL\nChile)")}
    assert counts[ProblemKind.MALFORMED_ROW] == 2
    assert {o.geo for o in report.countries} == {"KEN", "FRA", "CHL"}


def test_a_file_that_is_not_a_datahub_export_is_refused_with_the_missing_columns():
    report = collect(read_itu_csv(split_lines("Country,Year,Value\nKenya,2023,40\n")))
    assert report.observation_count == 0
    (problem,) = report.problems
    assert problem.kind is ProblemKind.MALFORMED_ROW
    assert "SeriesCode" in problem.message
    assert "AreaCode" in problem.message


def test_an_economy_without_a_code_is_found_by_its_name():
    assert itu_place("", "Kenya") == ("KEN", GeoKind.COUNTRY)
    assert itu_place("", "LDCs") == ("LDCs", GeoKind.AGGREGATE)
    assert itu_place("XYZ", "Nowhere") == ("XYZ", GeoKind.UNKNOWN)


def test_a_total_disaggregation_is_no_breakdown():
    assert itu_breakdown("Sex", "Total", "") == {}
    assert itu_breakdown("", "", "") == {}
    assert itu_breakdown("Sex, Age", "Male", "15-24") == {"sex": "male", "age": "15-24"}
