"""Import terrestrial links from GeoJSON or CSV into a dataset.

Each record names its two countries (ISO codes or names) and optionally a capacity and its
landing points. GeoJSON routes are checked by the kernel (malformed geometry is reported
and the record skipped); a record whose country cannot be mapped is kept for review in the
unresolved-names list and not added to the network. Records are upserted by ``id``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from cybercommons.core.progress import Tracker
from cybercommons.infrastructure.importers.countries import CountryIndex
from cybercommons.infrastructure.importers.report import ImportReport
from cybercommons.infrastructure.kernel.telegeography import validate_lines
from cybercommons.infrastructure.models import (
    Dataset,
    LandingPoint,
    TerrestrialLink,
    UnresolvedName,
)

CSV_COLUMNS = ("id", "country_a", "country_b")
TRUE = {"1", "true", "yes", "y"}


class LinkFileError(ValueError):
    """The file cannot be read as a link file at all."""


def _geojson_records(path: Path, report: ImportReport) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LinkFileError(gettext("cannot read %(file)s as JSON: %(error)s")
                            % {"file": path.name, "error": error}) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise LinkFileError(gettext("%(file)s is not a GeoJSON FeatureCollection")
                            % {"file": path.name})
    for n, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            report.problem(f"feature {n}", "feature has no properties")
            continue
        label = str(props.get("id") or f"feature {n}")
        try:
            lines = validate_lines(feature.get("geometry"))
        except ValueError as error:
            report.problem(label, f"malformed geometry: {error}")
            continue
        yield label, {**props, "route": [[list(p) for p in line] for line in lines]}


def _csv_records(path: Path, report: ImportReport) -> Iterator[tuple[str, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise LinkFileError(gettext("cannot read %(file)s: %(error)s")
                            % {"file": path.name, "error": error}) from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise LinkFileError(gettext("%(file)s lacks the columns %(columns)s")
                                % {"file": path.name, "columns": ", ".join(missing)})
        for n, row in enumerate(reader, start=2):
            yield str(row.get("id") or f"line {n}"), dict(row)


def import_links(path: Path, fmt: str, dataset: Dataset, *,
                 tracker: Tracker | None = None) -> ImportReport:
    """Import a ``geojson`` or ``csv`` link file into ``dataset``."""
    path = Path(path)
    report = ImportReport(kind=fmt, path=str(path), dataset_id=dataset.pk)
    records = _geojson_records(path, report) if fmt == "geojson" else _csv_records(path, report)
    index = CountryIndex()
    points = {p.source_id: p for p in LandingPoint.objects.filter(dataset=dataset)}
    with transaction.atomic():
        for label, record in records:
            _store(label, record, dataset, index, points, report)
            if tracker is not None:
                tracker.advance()
        dataset.revision += 1
        dataset.updated_at = timezone.now()
        dataset.save(update_fields=["revision", "updated_at"])
    return report


def _store(label: str, record: dict[str, Any], dataset: Dataset, index: CountryIndex,
           points: dict[str, LandingPoint], report: ImportReport) -> None:
    if not record.get("id"):
        report.problem(label, "record has no id")
        return
    codes = []
    for side in ("country_a", "country_b"):
        raw = str(record.get(side) or "")
        code, reason = index.resolve(raw)
        if code is None:
            UnresolvedName.objects.get_or_create(
                dataset=dataset, record_type="terrestrial link", record_id=label,
                source_name=raw[:200], defaults={"reason": reason[:300]})
            report.problem(label, f"{side} not mapped: {reason}; kept for review")
            return
        codes.append(code)
    if codes[0] == codes[1]:
        report.problem(label, "both ends are in the same country; not an international link")
        return
    capacity = record.get("capacity_gbps")
    try:
        capacity_value = float(capacity) if capacity not in (None, "") else None
    except (TypeError, ValueError):
        report.problem(label, f"capacity {capacity!r} is not a number; left empty", kept=True)
        capacity_value = None
    values = {
        "name": str(record.get("name") or "")[:300],
        "country_a_id": codes[0], "country_b_id": codes[1],
        "landing_point_a": points.get(str(record.get("landing_point_a") or "")),
        "landing_point_b": points.get(str(record.get("landing_point_b") or "")),
        "capacity_gbps": capacity_value,
        "route": record.get("route") or [],
        "is_planned": str(record.get("is_planned") or "").strip().lower() in TRUE
        or record.get("is_planned") is True,
    }
    _, created = TerrestrialLink.objects.update_or_create(
        dataset=dataset, source_id=str(record["id"])[:120], defaults=values)
    report.counts["links_created" if created else "links_updated"] += 1
