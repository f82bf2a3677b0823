"""DDF-csv datapoints (Gapminder systema_globalis and the UN SDG ICT series).

A datapoints file is named ``ddf--datapoints--<indicator>--by--<key>--<key>….csv``
and has the key columns followed by the indicator column. Gapminder keys are
``geo, time`` (``geo`` a lower-case id, usually ISO alpha-3); the SDG files' keys are
``geo_area`` (UN M49 number), ``nature``, optional breakdowns (``sex``,
``type_of_speed``, ``type_of_skill``), ``units`` and ``year``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path

from cybercommons.economy.kernel.geography import Place, place_from_gapminder, place_from_m49
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

# Gapminder concepts that are WDI series: stored under the WDI code so that a series
# from Gapminder and the same series from a WDI download meet.
GAPMINDER_TO_WDI = {
    "internet_users": ("IT.NET.USER.ZS", "% of population"),
    "broadband_subscribers_per_100_people": ("IT.NET.BBND.P2", "per 100 people"),
    "broadband_subscribers": ("IT.NET.BBND", "subscriptions"),
    "cell_phones_per_100_people": ("IT.CEL.SETS.P2", "per 100 people"),
    "cell_phones_total": ("IT.CEL.SETS", "subscriptions"),
    "fixed_line_subscribers_per_100_people": ("IT.MLT.MAIN.P2", "per 100 people"),
    "gnipercapita_atlasmethod_current_us": ("NY.GNP.PCAP.CD", "current US$"),
    "total_population_with_projections": ("SP.POP.TOTL.GAPMINDER", "people"),
}

# Breakdown values that mean "all of them": the total series, stored with no breakdown.
TOTAL_VALUES = frozenset({"bothsex", "anys", "all", "alls", "total", "_t", "_z"})
GEO_KEYS = ("geo", "geo_area")
TIME_KEYS = ("time", "year")
# ``nature`` says how the value was produced (C country data, E estimated, …); kept as a note.
NOTE_KEYS = ("nature",)
UNIT_KEYS = ("units", "unit")
SDG_SOURCE = "UN SDG Global Database"
GAPMINDER_SOURCE = "Gapminder systema_globalis (WDI)"


def keys_from_filename(path: str | Path) -> tuple[str, tuple[str, ...]]:
    """The indicator and key columns named in a ``ddf--datapoints--…`` file name."""
    stem = Path(path).name.removesuffix(".csv")
    parts = stem.split("--")
    if len(parts) < 5 or parts[:2] != ["ddf", "datapoints"] or parts[3] != "by":
        raise ValueError(f"not a DDF datapoints file name: {Path(path).name}")
    return parts[2], tuple(parts[4:])


def load_gapminder_iso3(entities_path: str | Path) -> dict[str, str]:
    """Map Gapminder ``geo`` ids to ISO alpha-3 from ``ddf--entities--geo--country.csv``.

    Ids with no ISO code (``abkh``) map to "" so they are kept apart as unknown.
    """
    mapping: dict[str, str] = {}
    with Path(entities_path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            mapping[row["country"].strip().lower()] = (row.get("iso3166_1_alpha3") or "").strip()
    return mapping


def read_ddf_datapoints(
    source: Source,
    *,
    indicator: str | None = None,
    unit: str | None = None,
    source_label: str | None = None,
    gapminder_iso3: Mapping[str, str] | None = None,
) -> Iterator[Record]:
    """Stream observations and problems from one DDF datapoints file.

    Why: both the Gapminder WDI mirror and the UN SDG ICT series come in this form.
    The geo column decides how places are read (``geo``: Gapminder ids, ``geo_area``:
    M49 numbers); every other key column except time, units and nature becomes a
    breakdown, with "all"-values (``bothsex``, ``anys``) meaning the total. Gapminder
    concepts that are WDI series are stored under their WDI code (internet_users →
    IT.NET.USER.ZS); SDG series under their upper-case series code (IT_USE_II99).
    """
    path_indicator: str | None = None
    if isinstance(source, str | Path):
        path_indicator, _ = keys_from_filename(source)
    with open_lines(source) as lines:
        rows = csv_rows(lines)
        header_row = next(rows, None)
        if header_row is None:
            yield Problem(0, ProblemKind.MALFORMED_ROW, "empty file")
            return
        header = [cell.strip() for cell in header_row[1]]
        layout = _layout(header, path_indicator)
        if isinstance(layout, Problem):
            yield layout
            return
        geo_at, time_at, value_at, unit_at, note_at, breakdown_at, concept = layout
        is_sdg = header[geo_at] == "geo_area"
        code, default_unit = _indicator_code(concept, is_sdg)
        code = indicator or code
        fixed_unit = unit if unit is not None else default_unit
        label = source_label or (SDG_SOURCE if is_sdg else GAPMINDER_SOURCE)
        iso3 = dict(gapminder_iso3) if gapminder_iso3 is not None else None
        places: dict[str, Place] = {}
        width = len(header)
        for line, cells in rows:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != width:
                yield Problem(
                    line,
                    ProblemKind.MALFORMED_ROW,
                    f"row has {len(cells)} fields, header has {width}",
                    ",".join(cells),
                )
                continue
            geo_raw = cells[geo_at].strip()
            place = places.get(geo_raw)
            if place is None:
                place = place_from_m49(geo_raw) if is_sdg else place_from_gapminder(geo_raw, iso3)
                places[geo_raw] = place
                if place.kind is GeoKind.UNKNOWN:
                    yield Problem(
                        line, ProblemKind.UNKNOWN_GEO, f"{geo_raw} is not a known area", geo_raw
                    )
            year = parse_year(cells[time_at])
            if year is None:
                yield Problem(
                    line,
                    ProblemKind.BAD_YEAR,
                    f"{geo_raw}: bad year {cells[time_at]!r}",
                    cells[time_at],
                )
                continue
            raw = cells[value_at]
            parsed = parse_value(raw)
            problem = value_problem(parsed, line, raw, f"{geo_raw} {year}")
            if problem is not None:
                yield problem
            if parsed.value is None:
                continue
            breakdown = {
                name: value
                for name, position in breakdown_at
                if (value := cells[position].strip()) and value.lower() not in TOTAL_VALUES
            }
            nature = cells[note_at].strip() if note_at is not None else ""
            yield Observation(
                geo=place.code,
                geo_kind=place.kind,
                year=year,
                value=parsed.value,
                indicator=code,
                breakdown=breakdown,
                unit=cells[unit_at].strip() if unit_at is not None else fixed_unit,
                source=label,
                note=footnote_note(parsed, "" if nature in ("", "notspec") else f"nature {nature}"),
            )


_Layout = tuple[int, int, int, int | None, int | None, list[tuple[str, int]], str]


def _layout(header: list[str], path_indicator: str | None) -> _Layout | Problem:
    geo_at = next((header.index(k) for k in GEO_KEYS if k in header), None)
    time_at = next((header.index(k) for k in TIME_KEYS if k in header), None)
    if geo_at is None or time_at is None:
        return Problem(1, ProblemKind.MALFORMED_ROW, f"no geo or time column in {header}")
    concept = path_indicator or header[-1]
    if concept not in header:
        return Problem(1, ProblemKind.MALFORMED_ROW, f"indicator column {concept!r} missing")
    value_at = header.index(concept)
    unit_at = next((header.index(k) for k in UNIT_KEYS if k in header), None)
    note_at = next((header.index(k) for k in NOTE_KEYS if k in header), None)
    taken = {geo_at, time_at, value_at, unit_at, note_at}
    breakdown_at = [(name, i) for i, name in enumerate(header) if i not in taken]
    return geo_at, time_at, value_at, unit_at, note_at, breakdown_at, concept


def _indicator_code(concept: str, is_sdg: bool) -> tuple[str, str]:
    if is_sdg:
        return concept.upper(), ""
    return GAPMINDER_TO_WDI.get(concept, (concept, ""))
