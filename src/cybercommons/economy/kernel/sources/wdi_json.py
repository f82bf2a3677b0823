"""World Bank API JSON (``api.worldbank.org/v2/country/all/indicator/<code>?format=json``).

One page is a two-element array: paging metadata, then the data points
``{indicator: {id, value}, country: {id, value}, countryiso3code, date, value, unit,
obs_status, decimal}``. An error answer is a one-element array with a ``message`` list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

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
from cybercommons.economy.kernel.sources.units import unit_from_name

SOURCE = "World Bank API"


def read_wdi_json(
    document: str | Path | Sequence[Any], *, source_label: str = SOURCE
) -> Iterator[Record]:
    """Stream observations and problems from one World Bank API JSON page.

    Why: the API is how a running instance refreshes WDI series. ``document`` is a
    path, or the already-decoded JSON. Aggregates (``countryiso3code`` ``WLD``, or an
    API id such as ``1W`` when the ISO field is empty) are classified, not dropped.
    ``line`` in problems is the 1-based position of the data point in the page.
    """
    if isinstance(document, str | Path):
        with Path(document).open(encoding="utf-8-sig") as handle:
            try:
                decoded: Any = json.load(handle)
            except json.JSONDecodeError as error:
                yield Problem(0, ProblemKind.MALFORMED_ROW, f"not JSON: {error}")
                return
    else:
        decoded = document
    if not isinstance(decoded, list) or not decoded:
        yield Problem(0, ProblemKind.MALFORMED_ROW, "expected a JSON array [metadata, data]")
        return
    first = decoded[0]
    if isinstance(first, Mapping) and "message" in first:
        yield Problem(0, ProblemKind.MALFORMED_ROW, f"API error: {first['message']}")
        return
    if len(decoded) < 2 or decoded[1] is None:
        return  # a page with no data points is an empty answer, not an error
    points = decoded[1]
    if not isinstance(points, list):
        yield Problem(0, ProblemKind.MALFORMED_ROW, "data part is not a list")
        return
    for position, point in enumerate(points, start=1):
        yield from _read_point(position, point, source_label)


def _read_point(position: int, point: Any, source_label: str) -> Iterator[Record]:
    if not isinstance(point, Mapping):
        yield Problem(position, ProblemKind.MALFORMED_ROW, "data point is not an object")
        return
    indicator = point.get("indicator") or {}
    country = point.get("country") or {}
    indicator_code = str(indicator.get("id", "")).strip() if isinstance(indicator, Mapping) else ""
    code = str(point.get("countryiso3code") or "").strip()
    if not code and isinstance(country, Mapping):
        code = str(country.get("id", "")).strip()
    if not indicator_code or not code:
        yield Problem(position, ProblemKind.MALFORMED_ROW, "indicator or country id missing")
        return
    year = parse_year(point.get("date"))
    if year is None:
        yield Problem(position, ProblemKind.BAD_YEAR, f"{code}: bad date {point.get('date')!r}")
        return
    raw = point.get("value")
    parsed = parse_value(raw)
    problem = value_problem(parsed, position, str(raw), f"{code} {year}")
    if problem is not None:
        yield problem
    if parsed.value is None:
        return
    place = place_from_code(code)
    if place.kind is GeoKind.UNKNOWN:
        yield Problem(position, ProblemKind.UNKNOWN_GEO, f"{code} is not a known code", code)
    name = str(indicator.get("value", "")) if isinstance(indicator, Mapping) else ""
    unit = str(point.get("unit") or "") or unit_from_name(name)
    status = str(point.get("obs_status") or "")
    yield Observation(
        geo=place.code,
        geo_kind=place.kind,
        year=year,
        value=parsed.value,
        indicator=indicator_code,
        unit=unit,
        source=source_label,
        note=footnote_note(parsed, f"status {status}" if status else ""),
    )
