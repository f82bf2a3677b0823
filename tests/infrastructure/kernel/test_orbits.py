"""Sub-satellite points and ground-station visibility from TLEs, checked by hand.

The element set is the International Space Station's of 20 September 2008 (a published
example set): inclination 51.6416°, right ascension of the ascending node 247.4627°,
eccentricity 0.0006703, argument of perigee 130.5360°, mean anomaly 325.0288°,
15.72125391 revolutions a day.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from cybercommons.infrastructure.kernel.orbits import (
    PropagationError,
    epoch,
    look_angle,
    positions,
    subsatellite_point,
    visible_from,
)

ISS_1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
ISS_2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
INCLINATION = 51.6416
EARTH_MU = 398600.4418  # km³/s²
EARTH_RADIUS = 6378.137  # km


def test_the_epoch_is_read_from_the_first_line() -> None:
    when = epoch(ISS_1, ISS_2)
    # Day 264.51782528 of 2008 is 20 September, 12:25:40 UTC.
    assert (when.year, when.month, when.day, when.hour, when.minute) == (2008, 9, 20, 12, 25)


def test_the_altitude_is_that_of_a_circular_orbit_with_its_mean_motion() -> None:
    # Kepler's third law: a = (mu / n²)^(1/3); a near-circular orbit stays near a - R.
    n = 15.72125391 * 2 * math.pi / 86400
    expected = (EARTH_MU / n ** 2) ** (1 / 3) - EARTH_RADIUS
    start = epoch(ISS_1, ISS_2)
    for minutes in range(0, 95, 5):
        point = subsatellite_point("ISS", ISS_1, ISS_2, start + timedelta(minutes=minutes))
        assert 300 < point.alt_km < 420
        # Earth's flattening and J2 move the height by some 25 km around an orbit.
        assert abs(point.alt_km - expected) < 30


def test_the_latitude_never_exceeds_the_inclination() -> None:
    start = epoch(ISS_1, ISS_2)
    lats = [subsatellite_point("ISS", ISS_1, ISS_2, start + timedelta(minutes=m)).lat
            for m in range(0, 95, 2)]
    # Geodetic latitude exceeds the geocentric one by up to ~0.2° at these latitudes.
    assert max(abs(lat) for lat in lats) <= INCLINATION + 0.3
    # Over one orbit the track reaches close to both extremes.
    assert max(lats) > INCLINATION - 1.5
    assert min(lats) < -(INCLINATION - 1.5)


def test_the_position_at_epoch_matches_a_hand_computation() -> None:
    # Argument of latitude u = ω + M (near-circular): sin(lat) = sin(i)·sin(u);
    # right ascension = Ω + atan2(cos i · sin u, cos u); longitude = RA - GMST, with GMST
    # from the linear formula 280.46061837° + 360.98564736629° per day since J2000.
    i = math.radians(INCLINATION)
    u = math.radians(130.5360 + 325.0288)
    geocentric_lat = math.degrees(math.asin(math.sin(i) * math.sin(u)))
    ra = 247.4627 + math.degrees(math.atan2(math.cos(i) * math.sin(u), math.cos(u)))
    start = epoch(ISS_1, ISS_2)
    days = start.timestamp() / 86400 + 2440587.5 - 2451545.0
    gmst = 280.46061837 + 360.98564736629 * days
    lon = (ra - gmst + 180) % 360 - 180
    point = subsatellite_point("ISS", ISS_1, ISS_2, start)
    assert point.lat == pytest.approx(geocentric_lat + 0.19, abs=0.3)
    assert point.lon == pytest.approx(lon, abs=0.5)


def test_a_station_below_the_satellite_sees_it_overhead_and_the_antipode_does_not() -> None:
    point = subsatellite_point("ISS", ISS_1, ISS_2, epoch(ISS_1, ISS_2))
    overhead = look_angle(point.lon, point.lat, point)
    assert overhead.elevation == pytest.approx(90.0, abs=0.01)
    assert overhead.range_km == pytest.approx(point.alt_km, abs=0.1)
    assert [s.name for s in visible_from(point.lon, point.lat, [point], 25)] == ["ISS"]
    assert visible_from(point.lon + 180, -point.lat, [point], 0) == []


def test_a_station_1000_km_away_sees_a_400_km_satellite_low_on_the_horizon() -> None:
    point = subsatellite_point("ISS", ISS_1, ISS_2, epoch(ISS_1, ISS_2))
    # Ten degrees of longitude along the satellite's parallel: about 700 km away at 51°N,
    # where a satellite 355 km up stands some 20-30° above the horizon.
    seen = look_angle(point.lon + 10, point.lat, point)
    assert 15 < seen.elevation < 35
    assert visible_from(point.lon + 10, point.lat, [point], 40) == []


def test_a_minimum_elevation_outside_0_to_90_degrees_is_refused() -> None:
    with pytest.raises(ValueError, match=r"min_elevation must lie in \[0, 90\]"):
        visible_from(0.0, 0.0, [], 95)


def test_a_set_that_does_not_propagate_is_reported_and_the_others_kept() -> None:
    start = epoch(ISS_1, ISS_2)
    # The same orbit with an eccentricity of 0.99: perigee deep inside the Earth.
    broken = ISS_2[:26] + "9900000" + ISS_2[33:]
    found, failed = positions([("ISS", ISS_1, ISS_2), ("BROKEN", ISS_1, broken)], start)
    assert [p.name for p in found] == ["ISS"]
    assert len(failed) == 1
    assert failed[0].startswith("BROKEN")
    with pytest.raises(PropagationError):
        subsatellite_point("BROKEN", ISS_1, broken, start)
