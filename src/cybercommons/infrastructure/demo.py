"""The infrastructure demo: a small Pacific network written by the project.

Every name carries "Sample" and the positions are rounded, hand-placed approximations: this
is not the TeleGeography map and must not be read as it. Ten cables join twenty landing
points in sixteen countries and territories, with Australia, New Zealand and the United
States as the global core, so that the map, a country page, a scenario and the planner
have something to show at once. Loading twice changes nothing.
"""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from typing import IO

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cybercommons.core.models import Country, User
from cybercommons.infrastructure.importers.segments import infer_segments
from cybercommons.infrastructure.models import (
    Cable,
    CableLanding,
    CandidateProject,
    Dataset,
    GroundStation,
    LandingPoint,
    Population,
    Satellite,
    SatelliteConstellation,
    Scenario,
)

SLUG = "sample-pacific"
HUBS = ["AU", "NZ", "US"]

# id, name, country, lon, lat
LANDING_POINTS = [
    ("sample-suva", "Suva (sample)", "FJ", 178.4, -18.1),
    ("sample-lautoka", "Lautoka (sample)", "FJ", 177.4, -17.6),
    ("sample-nukualofa", "Nuku'alofa (sample)", "TO", -175.2, -21.1),
    ("sample-vavau", "Vava'u (sample)", "TO", -174.0, -18.6),
    ("sample-apia", "Apia (sample)", "WS", -171.8, -13.8),
    ("sample-port-vila", "Port Vila (sample)", "VU", 168.3, -17.7),
    ("sample-noumea", "Noumea (sample)", "NC", 166.4, -22.3),
    ("sample-papeete", "Papeete (sample)", "PF", -149.6, -17.5),
    ("sample-rarotonga", "Rarotonga (sample)", "CK", -159.8, -21.2),
    ("sample-alofi", "Alofi (sample)", "NU", -169.9, -19.1),
    ("sample-honiara", "Honiara (sample)", "SB", 160.0, -9.4),
    ("sample-port-moresby", "Port Moresby (sample)", "PG", 147.2, -9.5),
    ("sample-sydney", "Sydney (sample)", "AU", 151.2, -33.9),
    ("sample-brisbane", "Brisbane (sample)", "AU", 153.1, -27.4),
    ("sample-auckland", "Auckland (sample)", "NZ", 174.8, -36.8),
    ("sample-oahu", "Oahu (sample)", "US", -158.1, 21.4),
    ("sample-funafuti", "Funafuti (sample)", "TV", 179.2, -8.5),
    ("sample-tarawa", "Tarawa (sample)", "KI", 173.0, 1.4),
    ("sample-pago-pago", "Pago Pago (sample)", "AS", -170.7, -14.3),
    ("sample-wallis", "Wallis (sample)", "WF", -176.2, -13.3),
]

# id, name, owners, rfs year, landing points in route order
CABLES = [
    ("sample-coral-sea-trunk", "Coral Sea Sample Trunk", ["Sample Cable Co"], 2019,
     ["sample-sydney", "sample-port-moresby", "sample-honiara"]),
    ("sample-tasman-link", "Tasman Sample Link", ["Sample Cable Co"], 2017,
     ["sample-sydney", "sample-auckland"]),
    ("sample-blue-lagoon-trunk", "Blue Lagoon Sample Trunk", ["Sample Ocean Networks"], 2000,
     ["sample-auckland", "sample-lautoka", "sample-suva", "sample-oahu"]),
    ("sample-melanesia-ring", "Melanesia Sample Ring", ["Sample Ocean Networks"], 2022,
     ["sample-brisbane", "sample-noumea", "sample-port-vila", "sample-suva"]),
    ("sample-tonga-cable", "Tonga Sample Cable", ["Sample Tonga Cable Ltd"], 2013,
     ["sample-suva", "sample-nukualofa"]),
    ("sample-tonga-domestic", "Tonga Sample Domestic Extension", ["Sample Tonga Cable Ltd"],
     2018, ["sample-nukualofa", "sample-vavau"]),
    ("sample-samoa-link", "Samoa Sample Link", ["Sample Samoa Submarine"], 2018,
     ["sample-suva", "sample-wallis", "sample-apia", "sample-pago-pago"]),
    ("sample-polynesia-trunk", "Polynesia Sample Trunk", ["Sample Polynesia Fibre"], 2010,
     ["sample-auckland", "sample-rarotonga", "sample-papeete", "sample-oahu"]),
    ("sample-niue-branch", "Niue Sample Branch", ["Sample Polynesia Fibre"], 2021,
     ["sample-alofi", "sample-rarotonga"]),
    ("sample-central-pacific", "Central Pacific Sample Cable", ["Sample Ocean Networks"], 2020,
     ["sample-suva", "sample-funafuti", "sample-tarawa", "sample-oahu"]),
]

# Rounded figures for the sample only (people); a real import replaces them.
POPULATION = {"FJ": 900_000, "TO": 100_000, "WS": 200_000, "VU": 300_000, "NC": 270_000,
              "PF": 280_000, "CK": 17_000, "NU": 2_000, "SB": 700_000, "PG": 10_000_000,
              "TV": 11_000, "KI": 130_000, "AS": 45_000, "WF": 11_000}

# name, kind, cost (million USD), links
CANDIDATES = [
    ("Sample second cable for Tonga", "cable", 40.0, {"endpoints": ["TO", "WS"]}),
    ("Sample Niue–Tonga cable", "cable", 25.0, {"endpoints": ["NU", "TO"]}),
    ("Sample Tuvalu ground station", "ground_station", 5.0, {"country": "TV"}),
    ("Sample Kiribati–Hawaii cable", "cable", 60.0, {"endpoints": ["KI", "US"]}),
    ("Sample Solomons–Vanuatu cable", "cable", 35.0, {"endpoints": ["SB", "VU"]}),
    ("Sample Cook Islands ground station", "ground_station", 6.0, {"country": "CK"}),
]


def _route(points: list[tuple[float, float]]) -> list[list[list[float]]]:
    """Straight legs between landings, split where they cross the antimeridian."""
    lines: list[list[list[float]]] = [[list(points[0])]]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(points):
        if abs(lon2 - lon1) > 180:
            # Cross the antimeridian: end this line at ±180 and start a new one at ∓180.
            shifted = lon2 + (360 if lon2 < lon1 else -360)
            edge = 180.0 if shifted > lon1 else -180.0
            lat = lat1 + (lat2 - lat1) * (edge - lon1) / (shifted - lon1)
            lines[-1].append([edge, round(lat, 4)])
            lines.append([[-edge, round(lat, 4)]])
        lines[-1].append([lon2, lat2])
    return [line for line in lines if len(line) >= 2]


def _length(points: list[tuple[float, float]]) -> float:
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(points):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dl = math.radians(lon2 - lon1)
        h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * 6371.0 * math.asin(math.sqrt(h))
    return round(total * 1.1, -1)  # cables wander around the straight line


# A made-up constellation: three planes of four satellites at 53° and about 550 km (15.06
# revolutions a day), with elements dated the day the demo is loaded so that the positions
# shown "now" are as good as SGP4 makes them. Catalogue numbers 99901- are no real object's.
CONSTELLATION = "Sample LEO constellation"
FIRST_NORAD = 99901
# A gateway in a core country: it shows the visibility table without changing any
# country's resilience in the sample.
GROUND_STATIONS = [("Sydney sample gateway", "AU", 151.2, -33.9)]


def _tle_checksum(line: str) -> str:
    return str(sum(int(c) if c.isdigit() else 1 if c == "-" else 0 for c in line) % 10)


def sample_elements(when: datetime) -> list[tuple[int, str, str, str]]:
    """(catalogue number, name, line 1, line 2) of the sample constellation at ``when``."""
    day = when.timetuple().tm_yday + (when.hour * 3600 + when.minute * 60 + when.second) / 86400
    epoch = f"{when.year % 100:02d}{day:012.8f}"
    out = []
    for plane, slot in itertools.product(range(3), range(4)):
        norad = FIRST_NORAD + plane * 4 + slot
        body1 = f"1 {norad:05d}U 26001A   {epoch}  .00000000  00000-0  00000-0 0  999"
        body2 = (f"2 {norad:05d}  53.0000 {plane * 120.0:8.4f} 0001000  90.0000 "
                 f"{(slot * 90.0 + plane * 30.0) % 360:8.4f} 15.06000000    1")
        out.append((norad, f"SAMPLE-LEO {plane + 1}-{slot + 1}",
                    body1 + _tle_checksum(body1), body2 + _tle_checksum(body2)))
    return out


def _load_satellites() -> None:
    group, _ = SatelliteConstellation.objects.get_or_create(
        name=CONSTELLATION, defaults={"operator": "Sample operator"})
    for norad, name, line1, line2 in sample_elements(timezone.now()):
        Satellite.objects.update_or_create(norad_id=norad, defaults={
            "constellation": group, "name": name, "tle_line1": line1, "tle_line2": line2})
    for name, code, lon, lat in GROUND_STATIONS:
        _, created = GroundStation.objects.get_or_create(
            constellation=group, name=name,
            defaults={"country_id": code, "lon": lon, "lat": lat})
        if created:  # a gateway is one more path out in every dataset's network
            Dataset.objects.update(revision=F("revision") + 1)


def load(stdout: IO[str] | None = None) -> None:
    """Create or refresh the sample network, population, candidates and one scenario."""
    codes = {lp[2] for lp in LANDING_POINTS}
    if Country.objects.filter(code__in=codes).count() != len(codes):
        if stdout is not None:
            stdout.write("Infrastructure sample skipped: load the countries first.\n")
        return
    with transaction.atomic():
        dataset, created = Dataset.objects.get_or_create(slug=SLUG, defaults={
            "name": "Sample Pacific network", "kind": Dataset.Kind.SAMPLE,
            "source": "written by the Cybercommons project for the demo", "hubs": HUBS,
            "is_active": not Dataset.objects.filter(is_active=True).exists()})
        positions = {}
        points = {}
        for source_id, name, code, lon, lat in LANDING_POINTS:
            points[source_id], _ = LandingPoint.objects.update_or_create(
                dataset=dataset, source_id=source_id,
                defaults={"name": name, "country_id": code, "raw_country": code,
                          "lon": lon, "lat": lat})
            positions[source_id] = (lon, lat)
        for source_id, name, owners, year, stops in CABLES:
            path = [positions[s] for s in stops]
            cable, _ = Cable.objects.update_or_create(
                dataset=dataset, source_id=source_id,
                defaults={"name": name, "owners": owners, "suppliers": ["Sample Marine"],
                          "rfs_year": year, "length_km": _length(path),
                          "route": _route(path), "notes": "Sample data for the demo."})
            for stop in stops:
                CableLanding.objects.get_or_create(cable=cable, landing_point=points[stop])
        for code, people in POPULATION.items():
            Population.objects.get_or_create(country_id=code, defaults={
                "population": people, "source": "rounded sample figures"})
        for name, kind, cost, links in CANDIDATES:
            CandidateProject.objects.get_or_create(name=name, defaults={
                "kind": kind, "cost": cost, "links": links, "is_public": True,
                "description": "Sample candidate for the demo."})
        _load_satellites()
        if created:
            dataset.revision = 1
            dataset.save(update_fields=["revision"])
            infer_segments(dataset)
    author = User.objects.filter(is_superuser=True).order_by("pk").first()
    title = "Sample: the Tonga cable is cut"
    if author is not None and dataset.is_active and not Scenario.objects.filter(
            title=title).exists():
        from cybercommons.infrastructure import services

        services.save_scenario(author, title=title, kind="cut",
                               parameters={"cables": ["sample-tonga-cable"]}, is_public=True)
    if stdout is not None:
        stdout.write(f"Infrastructure sample: {len(CABLES)} cables, {len(LANDING_POINTS)} "
                     "landing points.\n")
