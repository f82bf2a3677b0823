"""Streaming parsers for the TeleGeography submarine-cable-map JSON API, versions 3 and 2.

The public map is published as a folder of small JSON files (one per cable, one per landing
point) plus two GeoJSON files with the geometry. The parsers walk those files one record at a
time and yield plain dataclasses; a record that fails validation yields a ``RecordError``
naming the file, the record and the reason, and the walk goes on with the next record.

Version 3 (late 2022) gives each landing point its country name inside every cable file.
Version 2 (mid 2021) does not: the country is the longest country name (from the
``country/`` folder) that ends the landing point's display name ("Muanda, Congo, Dem. Rep.").
Version 2 has no ``is_planned`` flag either; a cable is taken as planned when its
ready-for-service date lies after the snapshot's ``config.json`` creation time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

Position = tuple[float, float]
Line = tuple[Position, ...]


@dataclass(frozen=True, slots=True)
class LandingPoint:
    """A cable landing point; ``lon``/``lat`` in decimal degrees (WGS 84)."""

    id: str
    name: str
    country: str | None
    lon: float | None
    lat: float | None
    is_tbd: bool


@dataclass(frozen=True, slots=True)
class Cable:
    """A submarine cable system; ``length_km`` in kilometres, ``route`` as lon/lat lines."""

    id: str
    name: str
    owners: tuple[str, ...]
    suppliers: tuple[str, ...]
    length_km: float | None
    rfs_year: int | None
    is_planned: bool
    landing_point_ids: tuple[str, ...]
    route: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordError:
    """One record that could not be read as it stands.

    ``kept`` says whether the record was still yielded (with the faulty field left empty) or
    skipped altogether.
    """

    source: str
    record_id: str | None
    reason: str
    kept: bool = False


@dataclass(slots=True)
class Dataset:
    """Everything read from one snapshot folder."""

    version: int
    cables: dict[str, Cable] = field(default_factory=dict)
    landing_points: dict[str, LandingPoint] = field(default_factory=dict)
    errors: list[RecordError] = field(default_factory=list)
    creation_time: str | None = None


_LENGTH = re.compile(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*km\s*$", re.IGNORECASE)
# Spellings the source uses for "no length published".
_NOT_GIVEN = {"", "n.a.", "n/a", "na", "tbd", "unknown"}
_RFS = re.compile(r"^\s*(?:(?P<month>[A-Za-z]+)\s+)?(?P<year>\d{4})(?:\s+Q(?P<q>[1-4]))?\s*$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_NON_CABLE_FILES = {"all.json", "cable-geo.json", "landing-point-geo.json", "search.json"}


def parse_length_km(text: object) -> float | None:
    """Parse the source's length string ("45,000 km") into kilometres; ``None`` if absent.

    Raises ``ValueError`` naming the text when it is present but not a length in km.
    """
    if text is None or (isinstance(text, str) and text.strip().lower() in _NOT_GIVEN):
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        value = float(text)
    elif isinstance(text, str) and (match := _LENGTH.match(text)):
        value = float(match.group(1).replace(",", ""))
    else:
        raise ValueError(f"length {text!r} is not a length in km such as '45,000 km'")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"length {text!r} is not a non-negative number of km")
    return value


def split_names(text: object) -> tuple[str, ...]:
    """Split a comma-separated owners/suppliers string into names, dropping empty items."""
    if not text:
        return ()
    if not isinstance(text, str):
        raise ValueError(f"expected a comma-separated string, got {type(text).__name__}")
    return tuple(part.strip() for part in text.split(",") if part.strip())


def parse_rfs_date(text: object) -> date | None:
    """Earliest date a ready-for-service string ("2016 Q3", "2023", "March 2021") can mean."""
    if not isinstance(text, str) or not (match := _RFS.match(text)):
        return None
    year = int(match.group("year"))
    month = 1
    if match.group("q"):
        month = 3 * (int(match.group("q")) - 1) + 1
    elif match.group("month"):
        month = _MONTHS.get(match.group("month")[:3].lower(), 1)
    return date(year, month, 1)


def validate_lines(geometry: object) -> tuple[Line, ...]:
    """Check a GeoJSON (Multi)LineString and return its lines as lon/lat tuples.

    Raises ``ValueError`` with the reason when the geometry is malformed: wrong type, a line
    with fewer than two positions, a non-numeric or non-finite coordinate, or a longitude
    outside [-180, 180] / latitude outside [-90, 90] degrees.
    """
    if not isinstance(geometry, dict):
        raise ValueError("geometry is missing or not an object")
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "LineString":
        coords = [coords]
    elif kind != "MultiLineString":
        raise ValueError(f"geometry type {kind!r} is not a MultiLineString or LineString")
    if not isinstance(coords, list) or not coords:
        raise ValueError("geometry has no lines")
    lines: list[Line] = []
    for i, raw_line in enumerate(coords):
        if not isinstance(raw_line, list) or len(raw_line) < 2:
            raise ValueError(f"line {i} has fewer than two positions")
        line: list[Position] = []
        for j, pos in enumerate(raw_line):
            line.append(_position(pos, f"line {i} position {j}"))
        lines.append(tuple(line))
    return tuple(lines)


def _position(pos: object, where: str) -> Position:
    if not isinstance(pos, list | tuple) or len(pos) < 2:
        raise ValueError(f"{where} is not a [lon, lat] pair")
    lon, lat = pos[0], pos[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
        raise ValueError(f"{where} has a non-numeric coordinate")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"{where} has a non-finite coordinate")
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(f"{where} ({lon}, {lat}) lies outside lon [-180, 180] / lat [-90, 90]")
    return (float(lon), float(lat))


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _record_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.glob("*.json")):
        if path.name not in _NON_CABLE_FILES:
            yield path


def detect_version(folder: Path) -> int:
    """Tell a v3 snapshot (has ``status/``, cables carry ``is_planned``) from a v2 one."""
    folder = Path(folder)
    if not (folder / "cable").is_dir():
        raise ValueError(f"{folder} has no cable/ folder; not a submarine-cable-map snapshot")
    if (folder / "status").is_dir() or (folder / "supplier").is_dir():
        return 3
    return 2


def iter_routes(geo_path: Path, id_key: str = "id") -> Iterator[tuple[str, Line] | RecordError]:
    """Yield ``(cable_id, line)`` for every line of every feature of a cable-geo file.

    A feature with malformed geometry yields one ``RecordError`` and none of its lines.
    """
    try:
        data = _load(geo_path)
    except (OSError, json.JSONDecodeError) as exc:
        yield RecordError(str(geo_path), None, f"cannot read GeoJSON: {exc}")
        return
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        yield RecordError(str(geo_path), None, "not a GeoJSON FeatureCollection")
        return
    for index, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        cable_id = props.get(id_key) if isinstance(props, dict) else None
        if not isinstance(cable_id, str) or not cable_id:
            yield RecordError(str(geo_path), f"feature {index}", f"feature has no '{id_key}'")
            continue
        try:
            lines = validate_lines(feature.get("geometry"))
        except ValueError as exc:
            label = props.get("feature_id") or cable_id  # type: ignore[union-attr]
            yield RecordError(str(geo_path), str(label), f"malformed geometry: {exc}")
            continue
        for line in lines:
            yield cable_id, line


def _collect_routes(
    geo_path: Path, id_key: str, errors: list[RecordError]
) -> dict[str, tuple[Line, ...]]:
    routes: dict[str, list[Line]] = {}
    if geo_path.is_file():
        for item in iter_routes(geo_path, id_key):
            if isinstance(item, RecordError):
                errors.append(item)
            else:
                routes.setdefault(item[0], []).append(item[1])
    return {k: tuple(v) for k, v in routes.items()}


# --- version 3 -------------------------------------------------------------------------


def iter_v3_landing_points(folder: Path) -> Iterator[LandingPoint | RecordError]:
    """Stream the landing points of a v3 snapshot (positions from the GeoJSON file).

    The country comes from ``landing-point/<id>.json``; when that file is missing it is left
    ``None`` here and ``load_v3`` fills it from the cable files.
    """
    folder = Path(folder)
    geo_path = folder / "landing-point" / "landing-point-geo.json"
    try:
        data = _load(geo_path)
    except (OSError, json.JSONDecodeError) as exc:
        yield RecordError(str(geo_path), None, f"cannot read GeoJSON: {exc}")
        return
    for index, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") or {}
        lp_id = props.get("id")
        if not isinstance(lp_id, str) or not lp_id:
            yield RecordError(str(geo_path), f"feature {index}", "landing point has no id")
            continue
        geometry = feature.get("geometry") or {}
        try:
            if geometry.get("type") != "Point":
                raise ValueError(f"geometry type {geometry.get('type')!r} is not a Point")
            lon, lat = _position(geometry.get("coordinates"), "point")
        except ValueError as exc:
            yield RecordError(str(geo_path), lp_id, f"malformed geometry: {exc}")
            continue
        country = None
        detail = folder / "landing-point" / f"{lp_id}.json"
        if detail.is_file():
            try:
                country = _load(detail).get("country") or None
            except (OSError, json.JSONDecodeError) as exc:
                yield RecordError(str(detail), lp_id, f"cannot read: {exc}", kept=True)
        yield LandingPoint(
            id=lp_id,
            name=str(props.get("name") or lp_id),
            country=country,
            lon=lon,
            lat=lat,
            is_tbd=bool(props.get("is_tbd")),
        )


def iter_v3_cables(folder: Path) -> Iterator[tuple[Cable, dict[str, str]] | RecordError]:
    """Stream the cables of a v3 snapshot, without routes, each with its landing points' countries.

    Yields ``(cable, {landing_point_id: country_name})`` or a ``RecordError``. A cable whose
    length string cannot be read is kept with ``length_km=None`` and an error with
    ``kept=True``; a cable without id, name or landing-point list is skipped.
    """
    for path in _record_files(Path(folder) / "cable"):
        try:
            raw = _load(path)
        except (OSError, json.JSONDecodeError) as exc:
            yield RecordError(str(path), path.stem, f"cannot read: {exc}")
            continue
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
            yield RecordError(str(path), path.stem, "cable record has no id or name")
            continue
        cable_id = str(raw["id"])
        lps = raw.get("landing_points")
        if not isinstance(lps, list):
            yield RecordError(str(path), cable_id, "landing_points is not a list")
            continue
        countries = {
            str(lp["id"]): str(lp.get("country") or "")
            for lp in lps
            if isinstance(lp, dict) and lp.get("id")
        }
        try:
            length = parse_length_km(raw.get("length"))
        except ValueError as exc:
            yield RecordError(str(path), cable_id, str(exc), kept=True)
            length = None
        rfs_year = raw.get("rfs_year")
        yield (
            Cable(
                id=cable_id,
                name=str(raw["name"]),
                owners=split_names(raw.get("owners")),
                suppliers=split_names(raw.get("suppliers")),
                length_km=length,
                rfs_year=rfs_year if isinstance(rfs_year, int) else None,
                is_planned=bool(raw.get("is_planned")),
                landing_point_ids=tuple(countries),
            ),
            countries,
        )


def load_v3(folder: Path) -> Dataset:
    """Read a whole v3 snapshot folder into a ``Dataset`` (routes joined by cable id)."""
    folder = Path(folder)
    dataset = Dataset(version=3, creation_time=_creation_time(folder))
    for item in iter_v3_landing_points(folder):
        if isinstance(item, RecordError):
            dataset.errors.append(item)
        else:
            dataset.landing_points[item.id] = item
    routes = _collect_routes(folder / "cable" / "cable-geo.json", "id", dataset.errors)
    for item3 in iter_v3_cables(folder):
        if isinstance(item3, RecordError):
            dataset.errors.append(item3)
            continue
        cable, countries = item3
        dataset.cables[cable.id] = _with_route(cable, routes, dataset.errors)
        _fill_countries(dataset, countries)
    return dataset


def _with_route(cable: Cable, routes: dict[str, Any], errors: list[RecordError]) -> Cable:
    route = routes.get(cable.id, ())
    if not route:
        errors.append(RecordError("cable-geo.json", cable.id, "cable has no route", kept=True))
    return replace(cable, route=route)


def _fill_countries(dataset: Dataset, countries: dict[str, str]) -> None:
    for lp_id, country in countries.items():
        known = dataset.landing_points.get(lp_id)
        if known is not None and known.country is None and country:
            dataset.landing_points[lp_id] = LandingPoint(
                known.id, known.name, country, known.lon, known.lat, known.is_tbd
            )


def _creation_time(folder: Path) -> str | None:
    try:
        value = _load(folder / "config.json").get("creation_time")
    except (OSError, json.JSONDecodeError, AttributeError):
        return None
    return value if isinstance(value, str) else None


# --- version 2 -------------------------------------------------------------------------


def country_from_place(place: str, country_names: Iterable[str]) -> str | None:
    """The longest known country name that ends a display name ("Muanda, Congo, Dem. Rep.")."""
    best: str | None = None
    for name in country_names:
        if (place == name or place.endswith(", " + name)) and (
            best is None or len(name) > len(best)
        ):
            best = name
    return best


def _v2_country_names(folder: Path, errors: list[RecordError]) -> list[str]:
    names: list[str] = []
    for path in _record_files(folder / "country"):
        try:
            raw = _load(path)
        except (OSError, json.JSONDecodeError) as exc:
            errors.append(RecordError(str(path), path.stem, f"cannot read: {exc}"))
            continue
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            names.append(raw["name"])
    return names


def iter_v2_landing_points(
    folder: Path, country_names: Iterable[str]
) -> Iterator[LandingPoint | RecordError]:
    """Stream the landing points of a v2 snapshot from ``landing-point/all.json``.

    Latitude and longitude arrive as strings; ``is_tbd`` as "true"/"false".
    """
    names = list(country_names)
    path = Path(folder) / "landing-point" / "all.json"
    try:
        rows = _load(path)
    except (OSError, json.JSONDecodeError) as exc:
        yield RecordError(str(path), None, f"cannot read: {exc}")
        return
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        lp_id = row.get("id") if isinstance(row, dict) else None
        if not isinstance(lp_id, str) or not lp_id:
            yield RecordError(str(path), f"row {index}", "landing point has no id")
            continue
        try:
            lon, lat = _position(
                [_number(row.get("longitude")), _number(row.get("latitude"))], "point"
            )
        except ValueError as exc:
            yield RecordError(str(path), lp_id, f"malformed geometry: {exc}")
            continue
        name = str(row.get("name") or lp_id)
        yield LandingPoint(
            lp_id, name, country_from_place(name, names), lon, lat, _flag(row.get("is_tbd"))
        )


def _number(value: object) -> float | object:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def iter_v2_cables(
    folder: Path, snapshot_day: date | None = None
) -> Iterator[tuple[Cable, list[dict[str, Any]]] | RecordError]:
    """Stream the cables of a v2 snapshot, each with its raw landing-point entries.

    ``is_planned`` is inferred: the ready-for-service date lies after ``snapshot_day``.
    """
    for path in _record_files(Path(folder) / "cable"):
        try:
            raw = _load(path)
        except (OSError, json.JSONDecodeError) as exc:
            yield RecordError(str(path), path.stem, f"cannot read: {exc}")
            continue
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
            yield RecordError(str(path), path.stem, "cable record has no id or name")
            continue
        cable_id = str(raw["id"])
        lps = raw.get("landing_points")
        if not isinstance(lps, list):
            yield RecordError(str(path), cable_id, "landing_points is not a list")
            continue
        try:
            length = parse_length_km(raw.get("length"))
        except ValueError as exc:
            yield RecordError(str(path), cable_id, str(exc), kept=True)
            length = None
        rfs = parse_rfs_date(raw.get("rfs"))
        planned = rfs is not None and snapshot_day is not None and rfs > snapshot_day
        entries = [lp for lp in lps if isinstance(lp, dict) and lp.get("id")]
        yield (
            Cable(
                id=cable_id,
                name=str(raw["name"]),
                owners=split_names(raw.get("owners")),
                suppliers=(),
                length_km=length,
                rfs_year=rfs.year if rfs else None,
                is_planned=planned,
                landing_point_ids=tuple(str(lp["id"]) for lp in entries),
            ),
            entries,
        )


def load_v2(folder: Path) -> Dataset:
    """Read a whole v2 snapshot folder into a ``Dataset``."""
    folder = Path(folder)
    dataset = Dataset(version=2, creation_time=_creation_time(folder))
    names = _v2_country_names(folder, dataset.errors)
    for item in iter_v2_landing_points(folder, names):
        if isinstance(item, RecordError):
            dataset.errors.append(item)
        else:
            dataset.landing_points[item.id] = item
    routes = _collect_routes(folder / "cable" / "cable-geo.json", "slug", dataset.errors)
    snapshot = _snapshot_day(dataset.creation_time)
    for item2 in iter_v2_cables(folder, snapshot):
        if isinstance(item2, RecordError):
            dataset.errors.append(item2)
            continue
        cable, entries = item2
        dataset.cables[cable.id] = _with_route(cable, routes, dataset.errors)
        for entry in entries:
            # Landing points only named inside a cable file still belong to the network.
            if str(entry["id"]) not in dataset.landing_points:
                _add_v2_entry(dataset, entry, names)
    return dataset


def _snapshot_day(creation_time: str | None) -> date | None:
    try:
        return date.fromisoformat(creation_time[:10]) if creation_time else None
    except ValueError:
        return None


def _add_v2_entry(dataset: Dataset, entry: dict[str, Any], names: list[str]) -> None:
    lp_id = str(entry["id"])
    name = str(entry.get("name") or lp_id)
    try:
        lat_text, lon_text = str(entry.get("latlon", "")).split(",")
        lon, lat = _position([_number(lon_text), _number(lat_text)], "latlon")
    except ValueError as exc:
        dataset.errors.append(
            RecordError("cable landing point", lp_id, f"malformed geometry: {exc}", kept=True)
        )
        lon = lat = None  # type: ignore[assignment]
    dataset.landing_points[lp_id] = LandingPoint(
        lp_id, name, country_from_place(name, names), lon, lat, _flag(entry.get("is_tbd"))
    )


def load_snapshot(folder: Path) -> Dataset:
    """Read a v3 or v2 snapshot folder, telling the version from its layout."""
    return load_v3(folder) if detect_version(Path(folder)) == 3 else load_v2(folder)
