"""Where a constellation's satellites are now and what its ground stations see.

Reads go through policy; the orbital computation is the kernel's (``kernel.orbits``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cybercommons.core.policy import Viewer
from cybercommons.infrastructure import policy
from cybercommons.infrastructure.kernel.orbits import (
    Sighting,
    SubPoint,
    check_min_elevation,
    epoch,
    positions,
    visible_from,
)
from cybercommons.infrastructure.models import GroundStation, SatelliteConstellation

# SGP4 positions from low-orbit elements drift by kilometres a day; for a time this far
# from the elements' epoch a position is shown with a warning to refresh them.
STALE_AFTER = timedelta(days=14)
# A common gateway mask angle for low-orbit constellations (degrees).
DEFAULT_MIN_ELEVATION = 25.0


@dataclass(slots=True)
class StationView:
    station: GroundStation
    visible: list[Sighting] = field(default_factory=list)


@dataclass(slots=True)
class ConstellationView:
    constellation: SatelliteConstellation
    when: datetime
    min_elevation: float
    points: list[SubPoint]
    failed: list[str]
    stations: list[StationView]
    oldest_epoch: datetime | None
    stale: bool


def current_view(viewer: Viewer, constellation: SatelliteConstellation, when: datetime,
                 min_elevation: float) -> ConstellationView:
    """Positions of every satellite at ``when`` and, per located ground station, the
    satellites above ``min_elevation`` degrees (ValueError outside 0–90)."""
    check_min_elevation(min_elevation)
    rows = list(policy.satellites(viewer).filter(constellation=constellation)
                .order_by("name", "norad_id")
                .values_list("name", "tle_line1", "tle_line2"))
    points, failed = positions(rows, when)
    stations = []
    for station in policy.ground_stations(viewer).filter(constellation=constellation
                                                          ).order_by("name"):
        lon, lat = station.lon, station.lat
        stations.append(StationView(station, [] if lon is None or lat is None
                                    else visible_from(lon, lat, points, min_elevation)))
    epochs = []
    for _name, line1, line2 in rows:
        try:
            epochs.append(epoch(line1, line2))
        except ValueError:
            continue
    oldest = min(epochs) if epochs else None
    stale = any(abs(when - e) > STALE_AFTER for e in epochs)
    return ConstellationView(constellation, when, min_elevation, points, failed, stations,
                             oldest, stale)
