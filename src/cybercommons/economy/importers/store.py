"""Write a stream of kernel observations into the database: batched, idempotent, per file.

Observations are upserted in batches on the unique key (indicator, place, year,
breakdown): a re-import updates values in place and never duplicates. The whole file is
one transaction, so a failure leaves nothing of it behind. Indicators are created on first
sight from the catalogue; country codes are resolved to core's countries once per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from cybercommons.core.models import Country
from cybercommons.core.progress import Tracker
from cybercommons.economy.catalogue import describe
from cybercommons.economy.kernel.observations import (
    GeoKind,
    ImportReport,
    Observation,
    Problem,
    Record,
)
from cybercommons.economy.models import Indicator
from cybercommons.economy.models import Observation as StoredObservation

BATCH_SIZE = 2000
MAX_PROBLEMS_KEPT = 100
UPDATED_FIELDS = ["value", "note", "source_file", "country", "geo_kind", "breakdown"]


def breakdown_key(breakdown: Mapping[str, str]) -> str:
    """The canonical text of a breakdown (``"sex=female"``); "" for the total."""
    return ";".join(f"{k}={v}" for k, v in sorted(breakdown.items()))[:200]


@dataclass
class FileResult:
    """What one file gave: the kernel's report plus what reached the database."""

    report: ImportReport
    written: int = 0
    created: int = 0
    updated: int = 0
    out_of_range: int = 0
    indicators: set[str] = field(default_factory=set)
    extra_problems: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.report.summary())
        data.update(written=self.written, created=self.created, updated=self.updated,
                    out_of_range=self.out_of_range, indicators=sorted(self.indicators))
        return data

    def problem_rows(self) -> list[dict[str, Any]]:
        rows = [{"line": p.line, "kind": p.kind.value, "message": p.message}
                for p in self.report.problems]
        return (rows + self.extra_problems)[:MAX_PROBLEMS_KEPT]


class ObservationWriter:
    """Upsert kernel observations; one writer per import run (it caches codes)."""

    def __init__(self, *, source_file: str) -> None:
        self.source_file = source_file[:300]
        self.indicator_ids: dict[str, int] = dict(Indicator.objects.values_list("code", "id"))
        self.indicators: dict[str, Indicator] = {}
        self.country_of: dict[str, str] = dict(Country.objects.values_list("alpha3", "code"))
        self._ranges: dict[int, tuple[float | None, float | None]] = {
            pk: (lo, hi) for pk, lo, hi in
            Indicator.objects.values_list("id", "valid_min", "valid_max")
        }

    def indicator_id(self, obs: Observation) -> int:
        pk = self.indicator_ids.get(obs.indicator)
        if pk is None:
            known = describe(obs.indicator, obs.unit)
            indicator, _ = Indicator.objects.get_or_create(code=obs.indicator, defaults={
                "name": known.name[:300], "unit": (known.unit or obs.unit)[:100],
                "source": obs.source[:200], "higher_is_better": known.higher_is_better,
                "valid_min": known.valid_min, "valid_max": known.valid_max,
                "sdg_indicator": known.sdg_indicator,
            })
            pk = self.indicator_ids[obs.indicator] = indicator.pk
            self._ranges[pk] = (indicator.valid_min, indicator.valid_max)
        return pk

    def in_range(self, pk: int, value: float) -> bool:
        low, high = self._ranges.get(pk, (None, None))
        return (low is None or value >= low) and (high is None or value <= high)

    def row(self, obs: Observation, pk: int) -> StoredObservation:
        country = self.country_of.get(obs.geo) if obs.geo_kind is GeoKind.COUNTRY else None
        kind = obs.geo_kind.value
        if obs.geo_kind is GeoKind.COUNTRY and country is None:
            # A code the kernel knows (Kosovo's XKX) that core has no country for: kept,
            # but outside maps and rankings.
            kind = GeoKind.UNKNOWN.value
        return StoredObservation(
            indicator_id=pk, geo=obs.geo[:60], geo_kind=kind, country_id=country,
            year=obs.year, value=obs.value, breakdown=dict(obs.breakdown),
            breakdown_key=breakdown_key(obs.breakdown), note=obs.note[:300],
            source_file=self.source_file,
        )

    def flush(self, rows: dict[tuple[int, str, int, str], StoredObservation]) -> int:
        if not rows:
            return 0
        StoredObservation.objects.bulk_create(
            list(rows.values()), batch_size=BATCH_SIZE, update_conflicts=True,
            unique_fields=["indicator", "geo", "year", "breakdown_key"],
            update_fields=UPDATED_FIELDS,
        )
        return len(rows)


def write_records(records: Iterable[Record], *, name: str,
                  tracker: Tracker | None = None) -> FileResult:
    """Import one file's records in one transaction and return its report.

    Bad records are counted and skipped by the parser; values outside the indicator's
    valid range are counted and skipped here; every good record lands.
    """
    report = ImportReport(name=name, keep_observations=False)
    result = FileResult(report=report)
    with transaction.atomic():
        writer = ObservationWriter(source_file=name)
        before = _count_for(writer.indicator_ids.values())
        touched: set[int] = set()
        batch: dict[tuple[int, str, int, str], StoredObservation] = {}
        for record in records:
            report.add(record)
            if isinstance(record, Problem):
                continue
            pk = writer.indicator_id(record)
            if not writer.in_range(pk, record.value):
                result.out_of_range += 1
                if len(result.extra_problems) < MAX_PROBLEMS_KEPT:
                    result.extra_problems.append({
                        "line": 0, "kind": "out_of_range",
                        "message": f"{record.indicator} {record.geo} {record.year}: "
                                   f"{record.value} is outside the valid range",
                    })
                continue
            touched.add(pk)
            row = writer.row(record, pk)
            # The last value of a cell within the file wins (and PostgreSQL refuses an
            # upsert that touches one row twice).
            batch[(pk, row.geo, row.year, row.breakdown_key)] = row
            if len(batch) >= BATCH_SIZE:
                result.written += writer.flush(batch)
                batch = {}
                if tracker is not None:
                    tracker.advance(BATCH_SIZE, message=name)
        result.written += writer.flush(batch)
        if tracker is not None and batch:
            tracker.advance(len(batch), message=name)
        after = _count_for(touched | set(writer.indicator_ids.values()))
        result.created = max(0, after - before)
        result.updated = result.written - result.created
        result.indicators = {code for code, pk in writer.indicator_ids.items() if pk in touched}
    return result


def _count_for(indicator_ids: Iterable[int]) -> int:
    ids = list(indicator_ids)
    if not ids:
        return 0
    return StoredObservation.objects.filter(indicator_id__in=ids).count()
