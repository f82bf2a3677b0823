"""The constellation page: where the satellites are and what the ground stations see."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import Client

from cybercommons.infrastructure import constellations, services
from cybercommons.infrastructure.kernel.orbits import epoch, subsatellite_point
from cybercommons.infrastructure.models import SatelliteConstellation

pytestmark = pytest.mark.django_db

# The International Space Station's published elements of 20 September 2008.
ISS_1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
ISS_2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
AT = epoch(ISS_1, ISS_2)


@pytest.fixture
def station_group(countries: None, tmp_path: Path) -> SatelliteConstellation:
    """The ISS as a one-satellite constellation, one station below it, one far away."""
    tle = tmp_path / "station.tle"
    tle.write_text(f"ISS (ZARYA)\n{ISS_1}\n{ISS_2}\n", encoding="utf-8")
    services.import_file(None, "tle", tle, system=True, constellation="Station")
    below = subsatellite_point("ISS", ISS_1, ISS_2, AT)
    stations = tmp_path / "stations.csv"
    stations.write_text(
        "name,constellation,country,lon,lat\n"
        f"Below,Station,RU,{below.lon:.4f},{below.lat:.4f}\n"
        "Far,Station,AR,-60.0,-35.0\n"
        "Unplaced,Station,FR,,\n", encoding="utf-8")
    services.import_file(None, "ground-stations", stations, system=True)
    return SatelliteConstellation.objects.get(name="Station")


def _params(**extra: Any) -> dict[str, Any]:
    return {"at": AT.strftime("%Y-%m-%d %H:%M:%S"), **extra}


def test_it_computes_positions_and_the_stations_that_see_the_satellite(
        station_group: SatelliteConstellation, cast: Any) -> None:
    view = constellations.current_view(cast.outsider, station_group, AT, 25.0)
    assert [p.name for p in view.points] == ["ISS (ZARYA)"]
    assert 300 < view.points[0].alt_km < 420
    assert abs(view.points[0].lat) <= 51.6416 + 0.3
    seen = {row.station.name: [s.name for s in row.visible] for row in view.stations}
    assert seen == {"Below": ["ISS (ZARYA)"], "Far": [], "Unplaced": []}
    assert not view.stale
    later = constellations.current_view(cast.outsider, station_group,
                                        AT + timedelta(days=30), 25.0)
    assert later.stale


def test_the_constellation_page_draws_the_map_and_lists_what_each_station_sees(
        station_group: SatelliteConstellation) -> None:
    response = Client().get(f"/infrastructure/satellites/{station_group.pk}/", _params())
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert "ISS (ZARYA)" in body
    assert "Below" in body
    assert "location unknown" in body
    assert "positions.csv?" in body


def test_the_positions_download_as_csv(station_group: SatelliteConstellation) -> None:
    response = Client().get(f"/infrastructure/satellites/{station_group.pk}/positions.csv",
                            _params())
    assert response["Content-Type"].startswith("text/csv")
    header, row = response.content.decode().strip().splitlines()
    assert header == "satellite,lon,lat,altitude_km,time_utc"
    name, lon, lat, altitude, _time = row.split(",")
    point = subsatellite_point("ISS", ISS_1, ISS_2,
                               datetime.fromisoformat(_params()["at"]).replace(tzinfo=UTC))
    assert (name, float(lat)) == ("ISS (ZARYA)", pytest.approx(point.lat, abs=1e-3))
    assert float(lon) == pytest.approx(point.lon, abs=1e-3)
    assert 300 < float(altitude) < 420


def test_the_list_counts_satellites_and_stations(station_group: SatelliteConstellation
                                                 ) -> None:
    body = Client().get("/infrastructure/satellites/").content.decode()
    assert f"/infrastructure/satellites/{station_group.pk}/" in body
    assert "<td>1</td><td>3</td>" in body


def test_an_absurd_minimum_elevation_is_refused(station_group: SatelliteConstellation
                                                ) -> None:
    response = Client().get(f"/infrastructure/satellites/{station_group.pk}/",
                            _params(min_elevation="120"))
    assert response.status_code == 400
    assert "90" in response.content.decode()


def test_an_unknown_constellation_is_not_found(countries: None) -> None:
    assert Client().get("/infrastructure/satellites/999999/").status_code == 404



def test_the_api_gives_positions_and_visibility(station_group: SatelliteConstellation
                                                ) -> None:
    url = f"/api/v1/infrastructure/constellations/{station_group.pk}/positions"
    response = Client().get(url, {"at": AT.isoformat(), "min_elevation": 25})
    assert response.status_code == 200
    data = response.json()
    assert [s["name"] for s in data["satellites"]] == ["ISS (ZARYA)"]
    assert 300 < data["satellites"][0]["alt_km"] < 420
    visible = {s["name"]: s["visible"] for s in data["ground_stations"]}
    assert visible["Below"] == ["ISS (ZARYA)"]
    assert visible["Far"] == []


def test_the_api_refuses_bad_elevations_and_unknown_constellations(
        station_group: SatelliteConstellation) -> None:
    url = f"/api/v1/infrastructure/constellations/{station_group.pk}/positions"
    assert Client().get(url, {"min_elevation": -5}).status_code in (400, 422)
    missing = Client().get("/api/v1/infrastructure/constellations/999999/positions")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")


def _infra(*args: str) -> str:
    out = io.StringIO()
    call_command("infra", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_prints_positions_and_visibility(station_group: SatelliteConstellation
                                                     ) -> None:
    at = AT.isoformat()
    table = _infra("satellites", "Station", "--at", at)
    assert "ISS (ZARYA)" in table
    assert "station Below: 1 in view" in table
    data = json.loads(_infra("satellites", "Station", "--at", at, "--json"))
    assert 300 < data["satellites"][0]["alt_km"] < 420
    assert data["ground_stations"] == {"Below": ["ISS (ZARYA)"], "Far": [], "Unplaced": []}


def test_the_command_refuses_unknown_names_and_bad_elevations(
        station_group: SatelliteConstellation) -> None:
    with pytest.raises(CommandError, match="no constellation"):
        _infra("satellites", "Nowhere")
    with pytest.raises(CommandError, match=r"min_elevation must lie in \[0, 90\]"):
        _infra("satellites", "Station", "--min-elevation", "-1")
    with pytest.raises(CommandError, match="ISO 8601"):
        _infra("satellites", "Station", "--at", "yesterday")


def test_the_demo_constellation_is_valid_and_flies_at_about_550_km(countries: None) -> None:
    from cybercommons.infrastructure import demo
    from cybercommons.infrastructure.importers.satellites import check_tle
    from cybercommons.infrastructure.models import Satellite

    demo.load()
    demo.load()
    group = SatelliteConstellation.objects.get(name=demo.CONSTELLATION)
    satellites = list(Satellite.objects.filter(constellation=group))
    assert len(satellites) == 12
    assert group.ground_stations.count() == 1
    for sat in satellites:
        assert check_tle(sat.tle_line1, sat.tle_line2) == ""
    view = constellations.current_view(AnonymousUser(), group, datetime.now(UTC), 25.0)
    assert not view.stale
    assert len(view.points) == 12
    for point in view.points:
        assert 500 < point.alt_km < 600
        assert abs(point.lat) <= 53.3
