"""Plane and sphere geometry for cable routes: lengths, regions, and segments between landings.

Coordinates are (longitude, latitude) in decimal degrees. Regions are tested in the
longitude/latitude plane, which is accurate enough for the sea areas named in scenarios and
keeps the test exact and fast; a region may not span more than 180 degrees of longitude.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

Position = tuple[float, float]
Line = Sequence[Position]


def haversine_km(a: Position, b: Position) -> float:
    """Great-circle distance between two lon/lat points, in kilometres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def edge_lengths_km(line: Line | np.ndarray) -> np.ndarray:
    """Great-circle length of each edge of a polyline, in kilometres (vectorised)."""
    pts = np.radians(np.asarray(line, dtype=float))
    lon, lat = pts[:, 0], pts[:, 1]
    dlat, dlon = np.diff(lat), np.diff(lon)
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Region:
    """A named polygon (lon/lat ring, first point not repeated)."""

    name: str
    ring: tuple[Position, ...]
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.ring) < 3:
            raise ValueError(f"region {self.name!r} needs at least three corners")
        for lon, lat in self.ring:
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError(f"region {self.name!r} corner ({lon}, {lat}) is off the globe")
        lons = [p[0] for p in self.ring]
        if max(lons) - min(lons) > 180:
            raise ValueError(
                f"region {self.name!r} spans more than 180 degrees of longitude; "
                "split it at the antimeridian"
            )


def bbox_region(name: str, west: float, south: float, east: float, north: float) -> Region:
    """A rectangular region from its bounds in degrees (west < east, south < north)."""
    if not (west < east and south < north):
        raise ValueError(
            f"bounding box needs west < east and south < north, got {west}, {south}, "
            f"{east}, {north}"
        )
    return Region(name, ((west, south), (east, south), (east, north), (west, north)))


def points_in_ring(points: np.ndarray, ring: Sequence[Position]) -> np.ndarray:
    """Even-odd test of many (lon, lat) points against one polygon ring."""
    x, y = points[:, 0], points[:, 1]
    inside = np.zeros(len(points), dtype=bool)
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < at)
    return inside


def line_touches_region(line: Line, region: Region) -> bool:
    """Whether any part of a polyline lies in or crosses the region."""
    pts = np.asarray(line, dtype=float)
    if points_in_ring(pts, region.ring).any():
        return True
    # No vertex inside: the line can still pass through, crossing the boundary twice.
    p, q = pts[:-1], pts[1:]
    ring = region.ring
    for i in range(len(ring)):
        (cx, cy), (dx, dy) = ring[i], ring[(i + 1) % len(ring)]
        d1 = (dx - cx) * (p[:, 1] - cy) - (dy - cy) * (p[:, 0] - cx)
        d2 = (dx - cx) * (q[:, 1] - cy) - (dy - cy) * (q[:, 0] - cx)
        d3 = (q[:, 0] - p[:, 0]) * (cy - p[:, 1]) - (q[:, 1] - p[:, 1]) * (cx - p[:, 0])
        d4 = (q[:, 0] - p[:, 0]) * (dy - p[:, 1]) - (q[:, 1] - p[:, 1]) * (dx - p[:, 0])
        if np.any((d1 * d2 < 0) & (d3 * d4 < 0)):
            return True
    return False


def length_in_latitude_band_km(line: Line, min_abs_lat: float, max_abs_lat: float) -> float:
    """Kilometres of a polyline whose edges have their midpoint at |lat| in [min, max)."""
    pts = np.asarray(line, dtype=float)
    lengths = edge_lengths_km(pts)
    mid = np.abs((pts[:-1, 1] + pts[1:, 1]) / 2)
    mask = (mid >= min_abs_lat) & (mid < max_abs_lat)
    return float(lengths[mask].sum())


# --- segments between landing points ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of a cable between two junctions (landing points or branching units)."""

    id: str
    cable_id: str
    a: str  # junction name
    b: str
    line: tuple[Position, ...]
    length_km: float


@dataclass(frozen=True, slots=True)
class SegmentedCable:
    """A cable cut into segments, with each landing point tied to its nearest junction.

    ``attach_km`` gives how far each landing point lies from the junction it was tied to;
    a large value means the route drawing and the landing point disagree.
    """

    cable_id: str
    segments: tuple[Segment, ...]
    attachments: dict[str, str]
    attach_km: dict[str, float]


def segment_cable(
    cable_id: str,
    route: Iterable[Line],
    landing_points: dict[str, Position],
    snap_km: float = 5.0,
) -> SegmentedCable:
    """Infer a cable's segments from its drawn route.

    The drawn lines are split wherever one line's end touches another line's interior (a
    branching unit) or a landing point lies on a line, line ends closer than ``snap_km`` are
    merged into one junction, and each landing point is tied to the nearest junction. A
    cable with no route becomes one segment joining all its landing points through a single
    junction.
    """
    lines = [np.asarray(line, dtype=float) for line in route if len(line) >= 2]
    if not lines:
        hub = f"{cable_id}#j0"
        return SegmentedCable(
            cable_id,
            (Segment(f"{cable_id}#s0", cable_id, hub, hub, (), 0.0),),
            dict.fromkeys(landing_points, hub),
            dict.fromkeys(landing_points, 0.0),
        )
    # Lines are split where another line ends (a branching unit) and where a landing point
    # sits on a line's interior (a festoon landing on a trunk).
    ends = np.array(
        [p for line in lines for p in (line[0], line[-1])]
        + [list(pos) for pos in landing_points.values()]
    )
    pieces: list[np.ndarray] = []
    for line in lines:
        pieces.extend(_split_at(line, ends, snap_km))
    junctions: list[np.ndarray] = []

    def junction_of(point: np.ndarray) -> str:
        for k, j in enumerate(junctions):
            if haversine_km(tuple(point), tuple(j)) <= snap_km:
                return f"{cable_id}#j{k}"
        junctions.append(point)
        return f"{cable_id}#j{len(junctions) - 1}"

    segments = []
    for k, piece in enumerate(pieces):
        a, b = junction_of(piece[0]), junction_of(piece[-1])
        length = float(edge_lengths_km(piece).sum())
        segments.append(
            Segment(f"{cable_id}#s{k}", cable_id, a, b, tuple(map(tuple, piece)), length)
        )
    attachments: dict[str, str] = {}
    distances: dict[str, float] = {}
    for lp_id, pos in landing_points.items():
        best = min(range(len(junctions)), key=lambda k: haversine_km(pos, tuple(junctions[k])))
        attachments[lp_id] = f"{cable_id}#j{best}"
        distances[lp_id] = haversine_km(pos, tuple(junctions[best]))
    return SegmentedCable(cable_id, tuple(segments), attachments, distances)


def _split_at(line: np.ndarray, ends: np.ndarray, snap_km: float) -> list[np.ndarray]:
    """Split a polyline at interior vertices that coincide with some line's end."""
    cuts = []
    for i in range(1, len(line) - 1):
        d = np.hypot(*(ends - line[i]).T)  # cheap planar pre-filter in degrees
        near = ends[d < 1.0]
        if any(haversine_km(tuple(line[i]), tuple(e)) <= snap_km for e in near):
            cuts.append(i)
    pieces, start = [], 0
    for i in cuts:
        pieces.append(line[start : i + 1])
        start = i
    pieces.append(line[start:])
    return pieces
