"""ITU DataHub indicator exports (the long CSV that datahub.itu.int downloads).

The DataHub's download (``api.datahub.itu.int/v3/data/download``, the "Download CSV"
button of an indicator page) is one row per series, economy, year and disaggregation,
with the header::

    SeriesID, SeriesCode, Series, Unit, Database, Year, AreaName, AreaCode,
    DisaggregationGroup, Disaggregation1, Disaggregation2, Value, Notes, Source,
    LastModifiedOn

``SeriesCode`` is ITU's indicator code (``i99H`` individuals using the Internet,
``i911mw`` active mobile-broadband subscriptions per 100 inhabitants); ``AreaCode`` is
the ISO 3166-1 alpha-3 code for economies and a region code or blank for ITU's
aggregates (World, Africa, Arab States, Asia & Pacific, CIS, Europe, The Americas, LDCs,
LLDCs, SIDS, income groups), whose ``AreaName`` names them; a blank ``Value`` is ITU's
explicit "no data" row; ``Notes`` carries ITU's footnote text and ``Source`` the national
body that supplied the figure. Columns are found by name, so the column order and extra
columns do not matter.
"""

from __future__ import annotations

from collections.abc import Iterator

from cybercommons.economy.kernel.geography import normalise, place_from_code, place_from_name
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

SOURCE = "ITU DataHub"
REQUIRED_COLUMNS = ("SeriesCode", "Year", "AreaName", "AreaCode", "Value")

# ITU's own regional and development groupings as DataHub names them. They are not in
# the World Bank or UN lists, and an ITU region must never enter a country ranking.
ITU_AGGREGATE_NAMES = frozenset(
    normalise(name)
    for name in (
        "World", "Africa", "Americas", "The Americas", "Arab States", "Asia & Pacific",
        "Asia-Pacific", "CIS", "Commonwealth of Independent States", "Europe",
        "Developed", "Developing", "Developed countries", "Developing countries",
        "LDCs", "LLDCs", "SIDS", "Least Developed Countries",
        "Landlocked Developing Countries", "Small Island Developing States",
        "Low-income", "Lower-middle-income", "Upper-middle-income", "High-income",
        "Low income", "Lower-middle income", "Upper-middle income", "High income",
    )
)  # fmt: skip

# Disaggregation groups as DataHub labels them, mapped to the breakdown keys the other
# sources use, so a gender gap from ITU meets one from the SDG database.
_BREAKDOWN_KEYS = {"sex": "sex", "gender": "sex", "age": "age", "area": "location",
                   "urban/rural": "location", "urban/rural area": "location",
                   "location": "location"}


def read_itu_csv(source: Source, *, source_label: str = SOURCE) -> Iterator[Record]:
    """Stream observations and problems from an ITU DataHub CSV export.

    Why: DataHub is where ITU publishes the ICT indicators (and the IDI's inputs) since
    the World Telecommunication/ICT Indicators database became open. Each row with a
    number becomes one observation (unit as ITU states it, e.g. ``%`` or ``per 100
    inhabitants``); a blank value is reported as MISSING_VALUE, text as NON_NUMERIC, a
    footnoted number (``45.1e``) keeps its value with the marker in the note; ITU's
    region and group rows come back as AGGREGATE, never as countries; a code that is
    neither is reported once as UNKNOWN_GEO and kept apart.
    """
    with open_lines(source) as lines:
        rows = csv_rows(lines)
        header_line, header = next(rows, (0, []))
        columns = {name.strip(): position for position, name in enumerate(header)}
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            yield Problem(
                header_line,
                ProblemKind.MALFORMED_ROW,
                "not an ITU DataHub export: the header lacks " + ", ".join(missing),
                ",".join(header[:6]),
            )
            return
        width = len(header)
        reported_places: set[str] = set()
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != width:
                # DataHub has shipped Source texts with an unquoted line break; the
                # broken halves cannot be trusted, so both are reported and skipped.
                yield Problem(line, ProblemKind.MALFORMED_ROW,
                              f"row has {len(cells)} fields, the header has {width}",
                              ",".join(cells[:8]))
                continue
            row = {name: cells[position].strip() for name, position in columns.items()}
            yield from _row_records(line, row, source_label, reported_places)


def _row_records(line: int, row: dict[str, str], source_label: str,
                 reported_places: set[str]) -> Iterator[Record]:
    code, name = row["AreaCode"], row["AreaName"]
    indicator = row["SeriesCode"]
    if not indicator or not (code or name):
        yield Problem(line, ProblemKind.MALFORMED_ROW, "series code or economy missing",
                      f"{indicator},{code},{name}")
        return
    year = parse_year(row["Year"])
    if year is None:
        yield Problem(line, ProblemKind.BAD_YEAR, f"{code or name}: year {row['Year']!r}",
                      row["Year"])
        return
    raw = row["Value"]
    parsed = parse_value(raw)
    problem = value_problem(parsed, line, raw, f"{indicator} {code or name} {year}")
    if problem is not None:
        yield problem
    if parsed.value is None:
        return
    geo, kind = itu_place(code, name)
    if kind is GeoKind.UNKNOWN and geo not in reported_places:
        reported_places.add(geo)
        yield Problem(line, ProblemKind.UNKNOWN_GEO,
                      f"{code or '-'} ({name}) is not a known economy or ITU group", geo)
    supplier = row.get("Source", "")
    yield Observation(
        geo=geo,
        geo_kind=kind,
        year=year,
        value=parsed.value,
        indicator=indicator,
        breakdown=itu_breakdown(row.get("DisaggregationGroup", ""),
                                row.get("Disaggregation1", ""),
                                row.get("Disaggregation2", "")),
        unit=row.get("Unit", ""),
        source=f"{source_label} ({supplier})" if supplier else source_label,
        note=footnote_note(parsed, row.get("Notes", "")),
    )


def itu_place(code: str, name: str) -> tuple[str, GeoKind]:
    """Resolve a DataHub economy: ISO alpha-3 for countries, the ITU name for groups.

    Why: ``AreaCode`` is ISO 3166-1 alpha-3 for economies but a region code (or blank)
    for ITU's groupings; the name decides those, so "Arab States" is an aggregate and
    an economy with a blank code is still found by its name.
    """
    if normalise(name) in ITU_AGGREGATE_NAMES:
        return (code or name).strip(), GeoKind.AGGREGATE
    if code:
        place = place_from_code(code)
        if place.kind is not GeoKind.UNKNOWN:
            return place.code, place.kind
    by_name = place_from_name(name) if name else None
    if by_name is not None and by_name.kind is not GeoKind.UNKNOWN:
        return by_name.code, by_name.kind
    return (code or name).strip(), GeoKind.UNKNOWN


def itu_breakdown(group: str, first: str, second: str) -> dict[str, str]:
    """The breakdown of one DataHub row: ``{"sex": "female"}``, ``{}`` for the total.

    Why: DataHub names one or two disaggregations in ``DisaggregationGroup`` (``Sex``,
    ``Age``, ``Urban/rural area`` or two of them joined by a comma) and gives their
    values in ``Disaggregation1``/``Disaggregation2``; "Total" means no breakdown.
    """
    values = [value for value in (first, second) if value]
    if not group.strip() or not values:
        return {}
    names = [part.strip() for part in group.replace(" and ", ",").split(",") if part.strip()]
    if len(names) != len(values):
        # A group name that does not split into one name per value keeps the values
        # apart under numbered keys rather than guessing which is which.
        names = [group.strip()] + [f"{group.strip()} {n}" for n in range(2, len(values) + 1)]
    breakdown: dict[str, str] = {}
    for name, value in zip(names, values, strict=False):
        if normalise(value) in {"total", "all", "both sexes"}:
            continue
        key = _BREAKDOWN_KEYS.get(normalise(name), normalise(name).replace(" ", "_"))
        breakdown[key] = normalise(value)
    return breakdown
