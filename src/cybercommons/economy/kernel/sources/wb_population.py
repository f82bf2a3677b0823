"""The World Bank population datapackage CSV: ``Country Name, Country Code, Year, Value``."""

from __future__ import annotations

from collections.abc import Iterator

from cybercommons.economy.kernel.geography import Place, place_from_code
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

HEADER = ("Country Name", "Country Code", "Year", "Value")
INDICATOR = "SP.POP.TOTL"
SOURCE = "World Bank WDI (datahub population package)"


def read_wb_population(source: Source, *, source_label: str = SOURCE) -> Iterator[Record]:
    """Stream SP.POP.TOTL observations (unit: people) and problems.

    Why: population weights the peer-group means. The file mixes countries and World
    Bank aggregates (``WLD``, ``LMC``) in one column; both are kept, classified apart.
    """
    with open_lines(source) as lines:
        rows = csv_rows(lines)
        header_row = next(rows, None)
        if header_row is None or tuple(c.strip() for c in header_row[1][:4]) != HEADER:
            found = header_row[1] if header_row else []
            yield Problem(1, ProblemKind.MALFORMED_ROW, f"expected header {HEADER}, got {found}")
            return
        places: dict[str, Place] = {}
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < 4:
                yield Problem(
                    line, ProblemKind.MALFORMED_ROW, "fewer than 4 fields", ",".join(cells)
                )
                continue
            name, code, year_text, raw = cells[0].strip(), cells[1].strip(), cells[2], cells[3]
            place = places.get(code)
            if place is None:
                place = place_from_code(code)
                places[code] = place
                if place.kind is GeoKind.UNKNOWN:
                    yield Problem(
                        line, ProblemKind.UNKNOWN_GEO, f"{code} ({name}) is not a known code", code
                    )
            year = parse_year(year_text)
            if year is None:
                yield Problem(line, ProblemKind.BAD_YEAR, f"{code}: bad year", year_text)
                continue
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
                indicator=INDICATOR,
                unit="people",
                source=source_label,
                note=footnote_note(parsed),
            )
