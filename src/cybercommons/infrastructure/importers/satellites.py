"""Import satellite orbital elements (TLE) and ground stations.

A TLE file holds, per satellite, an optional name line and two element lines of 69
characters, each ending in a mod-10 checksum. Each set is checked (line numbers, matching
catalogue numbers, checksums); when the ``sgp4`` package is installed the elements are also
propagated once to their epoch, which catches values no orbit can have. Bad sets are
reported and skipped, good ones upserted by catalogue number into the constellation.

Ground stations come from a CSV with ``name``, ``constellation``, ``country`` and
optionally ``lon``/``lat``; each gives its country one more path to the core in the
analysis (a gateway fails as a unit, like a cable).
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext

from cybercommons.infrastructure.importers.countries import CountryIndex
from cybercommons.infrastructure.importers.report import ImportReport
from cybercommons.infrastructure.models import (
    Dataset,
    GroundStation,
    Satellite,
    SatelliteConstellation,
)

try:  # optional: propagation checks need the sgp4 package
    from sgp4.api import Satrec
except ImportError:  # pragma: no cover - depends on the installation
    Satrec = None


class SatelliteFileError(ValueError):
    """The file cannot be read as a TLE or ground-station file."""


def tle_checksum(line: str) -> int:
    """The TLE checksum of the first 68 characters: digits add, minus signs count one."""
    return sum(int(ch) if ch.isdigit() else 1 if ch == "-" else 0 for ch in line[:68]) % 10


def check_tle(line1: str, line2: str) -> str:
    """The reason a pair of element lines is invalid, or "" when it is valid."""
    if len(line1) < 69 or len(line2) < 69:
        return "element lines must be 69 characters long"
    if not (line1.startswith("1 ") and line2.startswith("2 ")):
        return "element lines must start with '1 ' and '2 '"
    if line1[2:7] != line2[2:7]:
        return "the two lines name different catalogue numbers"
    for n, line in ((1, line1), (2, line2)):
        if not line[68].isdigit() or int(line[68]) != tle_checksum(line):
            return f"line {n} fails its checksum"
    if Satrec is not None:
        sat = Satrec.twoline2rv(line1, line2)
        error, _, _ = sat.sgp4(sat.jdsatepoch, sat.jdsatepochF)
        if error:
            return f"the elements do not propagate (sgp4 error {error})"
    return ""


def import_tle(path: Path, constellation: str) -> ImportReport:
    """Upsert every valid element set of the file into ``constellation``."""
    path = Path(path)
    if not constellation.strip():
        raise SatelliteFileError("name the constellation the satellites belong to")
    try:
        lines = [ln.rstrip() for ln in path.read_text(encoding="utf-8").splitlines()
                 if ln.strip()]
    except (OSError, UnicodeDecodeError) as error:
        raise SatelliteFileError(gettext("cannot read %(file)s: %(error)s")
                                 % {"file": path.name, "error": error}) from None
    report = ImportReport(kind="tle", path=str(path))
    with transaction.atomic():
        group, _ = SatelliteConstellation.objects.get_or_create(name=constellation.strip())
        i = 0
        while i < len(lines):
            name = ""
            if not lines[i].startswith("1 "):
                name, i = lines[i].strip(), i + 1
            if i + 1 >= len(lines):
                report.problem(name or f"line {i + 1}", "incomplete element set at the end")
                break
            line1, line2 = lines[i], lines[i + 1]
            i += 2
            reason = check_tle(line1, line2)
            label = name or line1[2:7].strip() or f"line {i - 1}"
            if reason:
                report.problem(label, reason)
                continue
            _, created = Satellite.objects.update_or_create(
                norad_id=int(line1[2:7]),
                defaults={"constellation": group, "name": (name or label)[:200],
                          "tle_line1": line1[:80], "tle_line2": line2[:80]})
            report.counts["created" if created else "updated"] += 1
    return report


def import_ground_stations(path: Path) -> ImportReport:
    """Upsert ground stations by (constellation, name); unknown countries are skipped."""
    path = Path(path)
    report = ImportReport(kind="ground-stations", path=str(path))
    index = CountryIndex()
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise SatelliteFileError(gettext("cannot read %(file)s: %(error)s")
                                 % {"file": path.name, "error": error}) from None
    with handle, transaction.atomic():
        reader = csv.DictReader(handle)
        missing = [c for c in ("name", "constellation", "country")
                   if c not in (reader.fieldnames or [])]
        if missing:
            raise SatelliteFileError(gettext("%(file)s lacks the columns %(columns)s")
                                     % {"file": path.name, "columns": ", ".join(missing)})
        for n, row in enumerate(reader, start=2):
            code, reason = index.resolve(row.get("country") or "")
            if code is None or not (row.get("name") or "").strip():
                report.problem(f"line {n}", reason or "no name")
                continue
            try:
                lon = float(row["lon"]) if row.get("lon") else None
                lat = float(row["lat"]) if row.get("lat") else None
            except ValueError:
                report.problem(f"line {n}", "lon/lat are not numbers")
                continue
            group, _ = SatelliteConstellation.objects.get_or_create(
                name=(row.get("constellation") or "").strip() or "unnamed")
            _, created = GroundStation.objects.update_or_create(
                constellation=group, name=row["name"].strip()[:200],
                defaults={"country_id": code, "lon": lon, "lat": lat})
            report.counts["created" if created else "updated"] += 1
        # Ground stations change every dataset's network.
        Dataset.objects.update(revision=F("revision") + 1)
    return report
