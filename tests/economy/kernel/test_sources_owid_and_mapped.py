"""Our World in Data CSVs and plain CSV with a column map."""

import csv

import pytest

from cybercommons.economy.kernel.observations import ProblemKind, collect
from cybercommons.economy.kernel.sources import ColumnMap, GeoScheme, read_mapped_csv, read_owid_csv
from cybercommons.economy.kernel.sources.text_input import split_lines

OWID_SAMPLE = """Entity,Code,Year,Share of the population using the Internet (%)
Kenya,KEN,2020,29.5
World,OWID_WRL,2020,59.1
Kosovo,OWID_KOS,2020,89
Atlantis,,2020,12
Kenya,KEN,twenty,30
"""


def test_it_resolves_owid_entities_and_keeps_groupings_apart():
    report = collect(
        read_owid_csv(
            split_lines(OWID_SAMPLE),
            indicators={"Share of the population using the Internet (%)": "IT.NET.USER.ZS"},
        )
    )
    assert [(o.geo, o.value, o.indicator, o.unit) for o in report.countries] == [
        ("KEN", 29.5, "IT.NET.USER.ZS", "%"),
        ("XKX", 89.0, "IT.NET.USER.ZS", "%"),
    ]
    assert [o.geo for o in report.aggregates] == ["OWID_WRL"]
    assert [o.geo for o in report.unknown] == ["Atlantis"]
    assert report.problem_counts[ProblemKind.BAD_YEAR] == 1


@pytest.mark.realdata
def test_the_real_income_classification_resolves_every_current_country(shared_data):
    path = (
        shared_data
        / "digital_indicators/owid/country_income_classification_world_bank_2017/data.csv"
    )
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = collect(read_owid_csv(path), path.name)
    assert report.observation_count == len(rows)
    unknown = {o.geo for o in report.unknown}
    # Former states only: every present-day entity resolves to ISO or a grouping.
    assert unknown == {"Czechoslovakia", "Netherlands Antilles"}
    values = {(o.geo, o.year): o.value for o in report.countries}
    assert values[("BDI", 2016)] == 1
    assert values[("IND", 2016)] == 2
    assert values[("CHN", 2016)] == 3
    assert values[("USA", 2016)] == 4


MAPPED = """pays;annee;valeur;sexe;remarque
KEN;2021;41,2;F;
KEN;2021;44.0;M;estimation
XYZ;2021;1;F;
"""


def test_it_reads_a_csv_through_a_column_map():
    column_map = ColumnMap(
        geo_column="pays",
        year_column="annee",
        value_column="valeur",
        indicator="IT_USE_ii99",
        unit="%",
        note_column="remarque",
        breakdown_columns={"sex": "sexe"},
        geo_scheme=GeoScheme.ISO3,
    )
    lines = [line.replace(";", ",") for line in split_lines(MAPPED.replace(",", "."))]
    report = collect(read_mapped_csv(lines, column_map))
    assert [(o.breakdown["sex"], o.value, o.note) for o in report.countries] == [
        ("F", 41.2, ""),
        ("M", 44.0, "estimation"),
    ]
    assert report.problem_counts[ProblemKind.UNKNOWN_GEO] == 1


def test_it_names_the_mapped_columns_missing_from_the_header():
    column_map = ColumnMap("country", "year", "value", indicator="X")
    report = collect(read_mapped_csv(split_lines("country,value\nKEN,1\n"), column_map))
    assert report.observation_count == 0
    assert "['year']" in report.problems[0].message


def test_it_refuses_a_column_map_without_an_indicator():
    with pytest.raises(ValueError, match="indicator"):
        list(read_mapped_csv(split_lines("a\n"), ColumnMap("a", "b", "c")))


def test_only_the_named_owid_columns_are_read_when_a_mapping_is_given():
    text = "Entity,Year,Continent,Internet users (%)\nKenya,2020,Africa,29.5\n"
    report = collect(read_owid_csv(split_lines(text), indicators={"Internet users (%)": "NET"}))
    assert [(o.indicator, o.value) for o in report.countries] == [("NET", 29.5)]
    assert not report.problems
    unread = collect(read_owid_csv(split_lines(text), indicators={"Price (%)": "P"}))
    assert "columns not in header: ['Price (%)']" in unread.problems[0].message
