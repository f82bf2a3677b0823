"""Store a TeleGeography submarine-cable-map snapshot (API v3 or v2) in the database.

The kernel parsers read the folder record by record and report malformed records; this
module maps country names to ISO codes, keeps unmapped names for review with their
record, and upserts everything by source id inside one transaction: a re-import updates
rows in place, removes what the new snapshot no longer has, and never duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cybercommons.core.models import Country
from cybercommons.core.progress import Tracker
from cybercommons.infrastructure.importers.report import ImportReport
from cybercommons.infrastructure.importers.segments import infer_segments
from cybercommons.infrastructure.kernel.country_names import resolve_country
from cybercommons.infrastructure.kernel.telegeography import (
    Dataset as ParsedDataset,
)
from cybercommons.infrastructure.kernel.telegeography import (
    detect_version,
    load_v2,
    load_v3,
)
from cybercommons.infrastructure.models import (
    Cable,
    CableLanding,
    Dataset,
    LandingPoint,
    UnresolvedName,
)

BATCH = 500
LP_FIELDS = ("name", "country_id", "raw_country", "lon", "lat", "is_tbd")
CABLE_FIELDS = ("name", "owners", "suppliers", "length_km", "rfs_year", "is_planned", "route")


class SnapshotError(ValueError):
    """The folder is not a snapshot of the expected version."""


def read_snapshot(folder: Path, version: int) -> ParsedDataset:
    """Parse the folder with the kernel, checking it has the version asked for."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SnapshotError(gettext("%(folder)s is not a folder") % {"folder": folder})
    try:
        found = detect_version(folder)
    except ValueError as error:
        raise SnapshotError(str(error)) from None
    if found != version:
        raise SnapshotError(gettext("%(folder)s looks like a v%(found)s snapshot, not v%(version)s")
                            % {"folder": folder, "found": found, "version": version})
    return load_v3(folder) if version == 3 else load_v2(folder)


def _changed(row: Any, values: dict[str, Any]) -> bool:
    return any(getattr(row, k) != v for k, v in values.items())


def import_snapshot(
    folder: Path,
    version: int,
    *,
    slug: str = "",
    activate: bool | None = None,
    tracker: Tracker | None = None,
    segments: bool = True,
) -> ImportReport:
    """Import one snapshot folder into the dataset ``slug`` (derived from the snapshot)."""
    parsed = read_snapshot(folder, version)
    report = ImportReport(kind=f"telegeography-v{version}", path=str(folder))
    for error in parsed.errors:
        report.problem(error.record_id or "-", error.reason, kept=error.kept,
                       source=Path(error.source).name)
    day = (parsed.creation_time or "")[:10]
    slug = slug or f"telegeography-v{version}" + (f"-{day}" if day else "")
    if tracker is not None:
        tracker.set_total(len(parsed.landing_points) + len(parsed.cables))
    known_codes = set(Country.objects.values_list("code", flat=True))
    with transaction.atomic():
        dataset, created = Dataset.objects.get_or_create(slug=slug, defaults={
            "name": f"TeleGeography submarine cable map (v{version}"
                    + (f", {day})" if day else ")"),
            "kind": Dataset.Kind.TELEGEOGRAPHY_V3 if version == 3
            else Dataset.Kind.TELEGEOGRAPHY_V2,
            "licence": "CC BY-NC-SA 3.0",
        })
        dataset.source = str(folder)
        dataset.creation_time = parsed.creation_time or ""
        report.dataset_id = dataset.pk
        UnresolvedName.objects.filter(dataset=dataset).delete()
        lp_rows = _store_landing_points(dataset, parsed, known_codes, report, tracker)
        _store_cables(dataset, parsed, lp_rows, report, tracker)
        if activate or (activate is None and not Dataset.objects.filter(is_active=True)
                        .exclude(pk=dataset.pk).exists()):
            Dataset.objects.exclude(pk=dataset.pk).update(is_active=False)
            dataset.is_active = True
        dataset.revision += 1
        dataset.updated_at = timezone.now()
        dataset.save()
        if segments:
            report.counts["segments"] = infer_segments(dataset)
    report.counts["dataset_created"] = int(created)
    return report


def _store_landing_points(
    dataset: Dataset,
    parsed: ParsedDataset,
    known_codes: set[str],
    report: ImportReport,
    tracker: Tracker | None,
) -> dict[str, LandingPoint]:
    existing = {row.source_id: row for row in LandingPoint.objects.filter(dataset=dataset)}
    new: list[LandingPoint] = []
    changed: list[LandingPoint] = []
    unresolved: list[UnresolvedName] = []
    for point in parsed.landing_points.values():
        raw = point.country or ""
        match = resolve_country(raw, point.name)
        code = match.alpha2
        if code is not None and code not in known_codes:
            match_reason = f"{raw!r} maps to {code}, which is not in the country table"
            code = None
        else:
            match_reason = match.reason
        if code is None:
            report.counts["unresolved_country"] += 1
            unresolved.append(UnresolvedName(
                dataset=dataset, source_name=raw[:200], place=point.name[:300],
                record_type="landing point", record_id=point.id,
                reason=(match_reason or "no country name in the record")[:300]))
            report.problem(point.id, f"country not mapped: {match_reason or 'no name'}",
                           kept=True)
        values = {"name": point.name[:300], "country_id": code, "raw_country": raw[:200],
                  "lon": point.lon, "lat": point.lat, "is_tbd": point.is_tbd}
        row = existing.get(point.id)
        if row is None:
            new.append(LandingPoint(dataset=dataset, source_id=point.id, **values))
        elif _changed(row, values):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
        else:
            report.counts["landing_points_unchanged"] += 1
        if tracker is not None:
            tracker.advance()
    LandingPoint.objects.bulk_create(new, batch_size=BATCH)
    LandingPoint.objects.bulk_update(changed, LP_FIELDS, batch_size=BATCH)
    UnresolvedName.objects.bulk_create(unresolved, batch_size=BATCH, ignore_conflicts=True)
    gone = LandingPoint.objects.filter(dataset=dataset).exclude(
        source_id__in=list(parsed.landing_points))
    report.counts["landing_points_removed"] = gone.count()
    gone.delete()
    report.counts["landing_points_created"] = len(new)
    report.counts["landing_points_updated"] = len(changed)
    return {row.source_id: row for row in LandingPoint.objects.filter(dataset=dataset)}


def _route_json(route: Iterable[Iterable[tuple[float, float]]]) -> list[list[list[float]]]:
    return [[[lon, lat] for lon, lat in line] for line in route]


def _store_cables(
    dataset: Dataset,
    parsed: ParsedDataset,
    lp_rows: dict[str, LandingPoint],
    report: ImportReport,
    tracker: Tracker | None,
) -> None:
    existing = {row.source_id: row for row in Cable.objects.filter(dataset=dataset)}
    new: list[Cable] = []
    changed: list[Cable] = []
    for cable in parsed.cables.values():
        values = {"name": cable.name[:300], "owners": list(cable.owners),
                  "suppliers": list(cable.suppliers), "length_km": cable.length_km,
                  "rfs_year": cable.rfs_year, "is_planned": cable.is_planned,
                  "route": _route_json(cable.route)}
        row = existing.get(cable.id)
        if row is None:
            new.append(Cable(dataset=dataset, source_id=cable.id, **values))
        elif _changed(row, values):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
        else:
            report.counts["cables_unchanged"] += 1
        if tracker is not None:
            tracker.advance()
    Cable.objects.bulk_create(new, batch_size=BATCH)
    Cable.objects.bulk_update(changed, CABLE_FIELDS, batch_size=BATCH)
    gone = Cable.objects.filter(dataset=dataset).exclude(source_id__in=list(parsed.cables))
    report.counts["cables_removed"] = gone.count()
    gone.delete()
    report.counts["cables_created"] = len(new)
    report.counts["cables_updated"] = len(changed)
    cable_rows = {row.source_id: row.pk for row in Cable.objects.filter(dataset=dataset)}
    wanted: set[tuple[int, int]] = set()
    for cable in parsed.cables.values():
        for lp_id in cable.landing_point_ids:
            point = lp_rows.get(lp_id)
            if point is None:
                report.problem(f"{cable.id}/{lp_id}",
                               "the cable names a landing point the snapshot does not describe",
                               kept=True)
                continue
            wanted.add((cable_rows[cable.id], point.pk))
    have = set(CableLanding.objects.filter(cable__dataset=dataset)
               .values_list("cable_id", "landing_point_id"))
    stale = have - wanted
    if stale:
        for cable_pk, lp_pk in stale:
            CableLanding.objects.filter(cable_id=cable_pk, landing_point_id=lp_pk).delete()
    CableLanding.objects.bulk_create(
        [CableLanding(cable_id=c, landing_point_id=p) for c, p in sorted(wanted - have)],
        batch_size=BATCH)
    report.counts["landings"] = len(wanted)
