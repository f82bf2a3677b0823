"""Where satellites are now, and which of them a ground station sees, from their TLEs.

Elements are propagated with SGP4 (the ``sgp4`` package), the model two-line element sets
are made for, to a position in the TEME frame. That frame is turned about the Earth's axis
by the Greenwich mean sidereal time (IAU 1982) to an Earth-fixed one; polar motion and the
equation of the equinoxes are left out, which moves a point by well under a kilometre and
is invisible on a world map. Geodetic latitude and height are on the WGS 84 ellipsoid.

Plain Python: no Django import. Times are timezone-aware ``datetime`` objects (UTC is
assumed for naive ones); angles are degrees; distances kilometres.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sgp4.api import Satrec, jday

WGS84_A_KM = 6378.137
WGS84_F = 1 / 298.257223563
_E2 = WGS84_F * (2 - WGS84_F)
MIN_ELEVATION_RANGE = (0.0, 90.0)


@dataclass(frozen=True, slots=True)
class SubPoint:
    """The point on the ground straight below a satellite, and its height above it.

    ``lon`` in [-180, 180) and ``lat`` in [-90, 90] are geodetic degrees; ``alt_km`` is
    the height above the WGS 84 ellipsoid in kilometres; ``ecef_km`` the Earth-fixed
    position (x, y, z) in kilometres.
    """

    name: str
    lon: float
    lat: float
    alt_km: float
    ecef_km: tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Sighting:
    """A satellite above a station's horizon: elevation and azimuth (degrees), range (km)."""

    name: str
    elevation: float
    azimuth: float
    range_km: float


class PropagationError(ValueError):
    """The elements cannot be propagated to the time asked (decayed or malformed orbit)."""


def _julian(when: datetime) -> tuple[float, float]:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return jday(when.year, when.month, when.day, when.hour, when.minute,
                when.second + when.microsecond / 1e6)


def gmst_radians(jd: float, fraction: float = 0.0) -> float:
    """Greenwich mean sidereal time (IAU 1982) in radians, for a UT1 Julian date.

    Why: it is the angle between the TEME frame SGP4 works in and the Earth-fixed frame.
    """
    t = (jd - 2451545.0 + fraction) / 36525.0
    seconds = (-6.2e-6 * t ** 3 + 0.093104 * t ** 2
               + (876600.0 * 3600 + 8640184.812866) * t + 67310.54841)
    return math.radians(seconds / 240.0) % (2 * math.pi)


def geodetic(x: float, y: float, z: float) -> tuple[float, float, float]:
    """(lon, lat, height) in degrees and km on WGS 84 for an Earth-fixed (x, y, z) in km.

    Why: sub-satellite points are drawn and compared in geodetic coordinates.
    """
    lon = math.degrees(math.atan2(y, x))
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - _E2))
    height = 0.0
    for _ in range(6):  # converges to well under a metre in a few rounds
        n = WGS84_A_KM / math.sqrt(1 - _E2 * math.sin(lat) ** 2)
        height = p / math.cos(lat) - n if abs(lat) < math.radians(89) else (
            abs(z) / abs(math.sin(lat)) - n * (1 - _E2))
        lat = math.atan2(z, p * (1 - _E2 * n / (n + height)))
    lon = (lon + 180.0) % 360.0 - 180.0
    return lon, math.degrees(lat), height


def earth_fixed(lon: float, lat: float, height_km: float = 0.0) -> tuple[float, float, float]:
    """Earth-fixed (x, y, z) in km of a geodetic point (degrees, km above WGS 84).

    Why: a ground station's position in the frame satellites are compared in.
    """
    lam, phi = math.radians(lon), math.radians(lat)
    n = WGS84_A_KM / math.sqrt(1 - _E2 * math.sin(phi) ** 2)
    return ((n + height_km) * math.cos(phi) * math.cos(lam),
            (n + height_km) * math.cos(phi) * math.sin(lam),
            (n * (1 - _E2) + height_km) * math.sin(phi))


def subsatellite_point(name: str, line1: str, line2: str, when: datetime) -> SubPoint:
    """Where the satellite of a two-line element set is at ``when``.

    Raises PropagationError when SGP4 reports an error (an orbit that has decayed by then,
    or elements no orbit can have).
    """
    sat = Satrec.twoline2rv(line1, line2)
    jd, fraction = _julian(when)
    error, position, _velocity = sat.sgp4(jd, fraction)
    if error:
        raise PropagationError(f"{name}: SGP4 error {error} at {when.isoformat()}")
    theta = gmst_radians(jd, fraction)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    x, y, z = position
    fixed = (cos_t * x + sin_t * y, -sin_t * x + cos_t * y, z)
    lon, lat, alt = geodetic(*fixed)
    return SubPoint(name, lon, lat, alt, fixed)


def positions(elements: Iterable[tuple[str, str, str]], when: datetime
              ) -> tuple[list[SubPoint], list[str]]:
    """Sub-satellite points of (name, line1, line2) sets at ``when``.

    Returns the points and, separately, one message per set that would not propagate, so
    one decayed satellite does not hide the rest.
    """
    found: list[SubPoint] = []
    failed: list[str] = []
    for name, line1, line2 in elements:
        try:
            found.append(subsatellite_point(name, line1, line2, when))
        except (PropagationError, ValueError) as error:
            failed.append(str(error))
    return found, failed


def look_angle(station_lon: float, station_lat: float, point: SubPoint,
               station_height_km: float = 0.0) -> Sighting:
    """Elevation, azimuth (degrees, azimuth clockwise from north) and range (km).

    Why: a gateway can only use a satellite above its minimum elevation.
    """
    sx, sy, sz = earth_fixed(station_lon, station_lat, station_height_km)
    dx, dy, dz = (point.ecef_km[0] - sx, point.ecef_km[1] - sy, point.ecef_km[2] - sz)
    lam, phi = math.radians(station_lon), math.radians(station_lat)
    east = -math.sin(lam) * dx + math.cos(lam) * dy
    north = (-math.sin(phi) * math.cos(lam) * dx - math.sin(phi) * math.sin(lam) * dy
             + math.cos(phi) * dz)
    up = (math.cos(phi) * math.cos(lam) * dx + math.cos(phi) * math.sin(lam) * dy
          + math.sin(phi) * dz)
    distance = math.sqrt(dx * dx + dy * dy + dz * dz)
    elevation = math.degrees(math.asin(max(-1.0, min(1.0, up / distance))))
    azimuth = math.degrees(math.atan2(east, north)) % 360.0
    return Sighting(point.name, elevation, azimuth, distance)


def check_min_elevation(min_elevation: float) -> None:
    """Refuse a minimum elevation (degrees) outside 0–90, naming the allowed range.

    Why: a gateway's mask angle is an input people type; a wrong one must not pass quietly.
    """
    low, high = MIN_ELEVATION_RANGE
    if not (low <= min_elevation <= high):
        raise ValueError(f"min_elevation must lie in [{low:g}, {high:g}] degrees, "
                         f"got {min_elevation:g}")


def visible_from(station_lon: float, station_lat: float, points: Iterable[SubPoint],
                 min_elevation: float = 25.0) -> list[Sighting]:
    """The satellites a station sees at or above ``min_elevation`` degrees, highest first.

    Raises ValueError when ``min_elevation`` lies outside 0–90 degrees.
    """
    check_min_elevation(min_elevation)
    seen = [look_angle(station_lon, station_lat, p) for p in points]
    return sorted((s for s in seen if s.elevation >= min_elevation),
                  key=lambda s: -s.elevation)


def epoch(line1: str, line2: str) -> datetime:
    """The UTC epoch of an element set (how old the elements are decides how far to trust
    a position computed from them: days for low orbits)."""
    sat = Satrec.twoline2rv(line1, line2)
    days = sat.jdsatepoch + sat.jdsatepochF - 2440587.5  # Julian date of the Unix epoch
    return datetime.fromtimestamp(days * 86400.0, tz=UTC)
