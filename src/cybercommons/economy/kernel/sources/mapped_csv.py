"""Plain CSV with a column map: for ministries' and regulators' own exports.

The map names which column holds the place, the year, the value and, optionally, the
indicator, unit, note and breakdowns; constants fill what the file does not carry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from cybercommons.economy.kernel.geography import (
    Place,
    place_from_code,
    place_from_m49,
    place_from_name,
)
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


class GeoScheme(StrEnum):
    """How the place column is written."""

    ISO3 = "iso3"  # ISO alpha-3 or World Bank aggregate code
    M49 = "m49"  # UN M49 numeric code
    NAME = "name"  # English name


@dataclass(frozen=True)
class ColumnMap:
    """Which CSV column holds what; ``indicator``/``unit`` are constants when no column.

    ``breakdown_columns`` maps a dimension (``sex``, ``location``) to the column that
    holds it. ``delimiter`` lets semicolon-separated exports through.
    """

    geo_column: str
    year_column: str
    value_column: str
    geo_scheme: GeoScheme = GeoScheme.ISO3
    indicator: str = ""
    indicator_column: str | None = None
    unit: str = ""
    unit_column: str | None = None
    note_column: str | None = None
    breakdown_columns: Mapping[str, str] = field(default_factory=dict)
    source: str = "CSV import"

    def required_columns(self) -> list[str]:
        """Every column the map refers to, in a stable order."""
        named = [self.geo_column, self.year_column, self.value_column]
        named += [c for c in (self.indicator_column, self.unit_column, self.note_column) if c]
        named += list(self.breakdown_columns.values())
        return named

    def validate(self) -> None:
        """Refuse a map that cannot produce an indicator code, with the reason."""
        if not self.indicator and not self.indicator_column:
            raise ValueError("column map needs an indicator code or an indicator column")


def read_mapped_csv(source: Source, column_map: ColumnMap) -> Iterator[Record]:
    """Stream observations and problems from a CSV described by ``column_map``.

    Why: national statistics offices publish their own layouts; a map is cheaper than a
    parser per office. A header missing a mapped column is one MALFORMED_ROW problem
    naming the missing columns, and nothing else is read.
    """
    column_map.validate()
    with open_lines(source) as lines:
        rows = csv_rows(lines)
        header_row = next(rows, None)
        if header_row is None:
            yield Problem(0, ProblemKind.MALFORMED_ROW, "empty file")
            return
        header = [cell.strip() for cell in header_row[1]]
        missing = [name for name in column_map.required_columns() if name not in header]
        if missing:
            yield Problem(1, ProblemKind.MALFORMED_ROW, f"mapped columns not in header: {missing}")
            return
        at = {name: header.index(name) for name in column_map.required_columns()}
        resolve = {
            GeoScheme.ISO3: place_from_code,
            GeoScheme.M49: place_from_m49,
            GeoScheme.NAME: place_from_name,
        }[column_map.geo_scheme]
        places: dict[str, Place] = {}
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < len(header):
                yield Problem(
                    line, ProblemKind.MALFORMED_ROW, "row shorter than header", ",".join(cells)
                )
                continue
            geo_raw = cells[at[column_map.geo_column]].strip()
            place = places.get(geo_raw)
            if place is None:
                place = resolve(geo_raw)
                places[geo_raw] = place
                if place.kind is GeoKind.UNKNOWN:
                    yield Problem(
                        line, ProblemKind.UNKNOWN_GEO, f"{geo_raw!r} is not known", geo_raw
                    )
            year_raw = cells[at[column_map.year_column]]
            year = parse_year(year_raw)
            if year is None:
                yield Problem(
                    line, ProblemKind.BAD_YEAR, f"{geo_raw}: bad year {year_raw!r}", year_raw
                )
                continue
            raw = cells[at[column_map.value_column]]
            parsed = parse_value(raw)
            problem = value_problem(parsed, line, raw, f"{geo_raw} {year}")
            if problem is not None:
                yield problem
            if parsed.value is None:
                continue
            indicator = (
                cells[at[column_map.indicator_column]].strip()
                if column_map.indicator_column
                else column_map.indicator
            )
            if not indicator:
                yield Problem(
                    line, ProblemKind.MALFORMED_ROW, "empty indicator code", ",".join(cells)
                )
                continue
            yield Observation(
                geo=place.code,
                geo_kind=place.kind,
                year=year,
                value=parsed.value,
                indicator=indicator,
                breakdown={
                    dimension: value
                    for dimension, column in column_map.breakdown_columns.items()
                    if (value := cells[at[column]].strip())
                },
                unit=cells[at[column_map.unit_column]].strip()
                if column_map.unit_column
                else column_map.unit,
                source=column_map.source,
                note=footnote_note(
                    parsed,
                    cells[at[column_map.note_column]].strip() if column_map.note_column else "",
                ),
            )
