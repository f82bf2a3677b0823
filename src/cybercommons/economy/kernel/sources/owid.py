"""Our World in Data CSVs: ``Entity, [Code,] Year, <value column>…``.

``Entity`` holds English names ("Democratic Republic of Congo", "World"); newer files
add ``Code`` (ISO alpha-3, or ``OWID_WRL``-style ids for groupings).
"""

from __future__ import annotations

from collections.abc import Iterator

from cybercommons.economy.kernel.geography import Place, place_from_code, place_from_name
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

SOURCE = "Our World in Data"
# OWID's own codes for places that are not ISO countries.
OWID_CODE_COUNTRIES = {"OWID_KOS": "XKX"}


def read_owid_csv(
    source: Source,
    *,
    indicators: dict[str, str] | None = None,
    source_label: str = SOURCE,
) -> Iterator[Record]:
    """Stream observations and problems from an OWID grapher CSV.

    Why: OWID republishes A4AI prices and the World Bank income history under English
    names. Each value column becomes one indicator, coded by its header; when
    ``indicators`` is given, only the columns it names are read, under the codes it maps
    them to (OWID files also carry text columns such as "Continent"). The unit is read
    from the header's trailing parentheses. Names are resolved to ISO alpha-3;
    groupings ("World", "High income") come back as aggregates, unresolved names as
    unknown with a problem.
    """
    with open_lines(source) as lines:
        rows = csv_rows(lines)
        header_row = next(rows, None)
        if header_row is None:
            yield Problem(0, ProblemKind.MALFORMED_ROW, "empty file")
            return
        header = [cell.strip() for cell in header_row[1]]
        if "Entity" not in header or "Year" not in header:
            yield Problem(1, ProblemKind.MALFORMED_ROW, f"no Entity or Year column in {header}")
            return
        entity_at = header.index("Entity")
        year_at = header.index("Year")
        code_at = header.index("Code") if "Code" in header else None
        value_columns = [
            (position, name)
            for position, name in enumerate(header)
            if position not in (entity_at, year_at, code_at)
            and (indicators is None or name in indicators)
        ]
        if indicators is not None:
            absent = sorted(set(indicators) - {name for _, name in value_columns})
            if absent:
                yield Problem(1, ProblemKind.MALFORMED_ROW, f"columns not in header: {absent}")
                return
        mapping = indicators or {}
        places: dict[tuple[str, str], Place] = {}
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                yield Problem(
                    line,
                    ProblemKind.MALFORMED_ROW,
                    f"row has {len(cells)} fields, header has {len(header)}",
                    ",".join(cells),
                )
                continue
            entity = cells[entity_at].strip()
            code = cells[code_at].strip() if code_at is not None else ""
            place = places.get((entity, code))
            if place is None:
                place = _resolve(entity, code)
                places[(entity, code)] = place
                if place.kind is GeoKind.UNKNOWN:
                    yield Problem(
                        line, ProblemKind.UNKNOWN_GEO, f"{entity!r} is not a known country", entity
                    )
            year = parse_year(cells[year_at])
            if year is None:
                yield Problem(line, ProblemKind.BAD_YEAR, f"{entity}: bad year", cells[year_at])
                continue
            for position, column in value_columns:
                raw = cells[position]
                parsed = parse_value(raw)
                problem = value_problem(parsed, line, raw, f"{entity} {year} {column}")
                if problem is not None:
                    yield problem
                if parsed.value is None:
                    continue
                yield Observation(
                    geo=place.code,
                    geo_kind=place.kind,
                    year=year,
                    value=parsed.value,
                    indicator=mapping.get(column, column),
                    unit=unit_from_name(column),
                    source=source_label,
                    note=footnote_note(parsed),
                )


def _resolve(entity: str, code: str) -> Place:
    if code in OWID_CODE_COUNTRIES:
        return Place(OWID_CODE_COUNTRIES[code], GeoKind.COUNTRY)
    if code.startswith("OWID_"):
        return Place(code, GeoKind.AGGREGATE)
    if code:
        by_code = place_from_code(code)
        if by_code.kind is not GeoKind.UNKNOWN:
            return by_code
    return place_from_name(entity)
