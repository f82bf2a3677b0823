"""World Bank WDI CSV in the wide layout: one row per country and indicator, years as columns.

The ``API_<code>_DS2_en_csv_v2_*.csv`` download starts with a short preamble
("Data Source", "Last Updated Date") before the header ``Country Name, Country Code,
Indicator Name, Indicator Code, 1960, 1961, …``; the bulk ``WDIData.csv`` has the same
header without the preamble. Both end each row with an empty trailing column.
"""

from __future__ import annotations

from collections.abc import Iterator

from cybercommons.economy.kernel.geography import place_from_code
from cybercommons.economy.kernel.observations import (
    GeoKind,
    Observation,
    Problem,
    ProblemKind,
    Record,
    footnote_note,
    parse_value,
    parse_year,
    value_problem,
)
from cybercommons.economy.kernel.sources.text_input import Source, csv_rows, open_lines
from cybercommons.economy.kernel.sources.units import unit_from_name

HEADER = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
SOURCE = "World Bank WDI"


def read_wdi_csv(source: Source, *, source_label: str = SOURCE) -> Iterator[Record]:
    """Stream observations and problems from a WDI wide CSV.

    Why: this is the layout every WDI indicator page downloads as. Each non-empty year
    cell becomes one observation; an empty cell is reported as MISSING_VALUE (the year
    has no data), text as NON_NUMERIC, and rows before the header are skipped. Units
    come from the indicator name ("(% of population)").
    """
    with open_lines(source) as lines:
        rows = csv_rows(lines)
        year_columns: list[tuple[int, int]] = []
        line = 0
        for line, cells in rows:  # noqa: B007 - the header's line number is used below
            if tuple(cell.strip() for cell in cells[:4]) == HEADER:
                year_columns = [
                    (position, year)
                    for position, cell in enumerate(cells[4:], start=4)
                    if (year := parse_year(cell)) is not None
                ]
                break
        else:
            yield Problem(0, ProblemKind.MALFORMED_ROW, "no WDI header row found")
            return
        if not year_columns:
            yield Problem(line, ProblemKind.BAD_YEAR, "header has no year columns")
            return
        width = max(position for position, _ in year_columns) + 1
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < width:
                yield Problem(
                    line,
                    ProblemKind.MALFORMED_ROW,
                    f"row has {len(cells)} fields, header needs {width}",
                    ",".join(cells[:4]),
                )
                continue
            name, code, indicator_name, indicator = (cell.strip() for cell in cells[:4])
            if not code or not indicator:
                yield Problem(
                    line, ProblemKind.MALFORMED_ROW, "country or indicator code missing", name
                )
                continue
            place = place_from_code(code)
            unit = unit_from_name(indicator_name)
            if place.kind is GeoKind.UNKNOWN:
                yield Problem(
                    line, ProblemKind.UNKNOWN_GEO, f"{code} ({name}) is not a known code", code
                )
            for position, year in year_columns:
                raw = cells[position]
                parsed = parse_value(raw)
                problem = value_problem(parsed, line, raw, f"{code} {year}")
                if problem is not None:
                    yield problem
                if parsed.value is None:
                    continue
                yield Observation(
                    geo=place.code,
                    geo_kind=place.kind,
                    year=year,
                    value=parsed.value,
                    indicator=indicator,
                    unit=unit,
                    source=source_label,
                    note=footnote_note(parsed),
                )
