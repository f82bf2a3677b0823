"""Write a stream of kernel observations into the database: batched, idempotent, per file.

Observations are upserted in batches on the unique key (indicator, place, year,
breakdown): a re-import updates values in place and never duplicates. The whole file is
one transaction, so a failure leaves nothing of it behind. Indicators are created on first
sight from the catalogue; country codes are resolved to core's countries once per run.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

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
COLUMNS = ("indicator_id", "geo", "geo_kind", "country_id", "year", "value", "breakdown",
           "breakdown_key", "note", "source_file")
KEY_COLUMNS = ("indicator_id", "geo", "year", "breakdown_key")
Row = tuple[int, str, str, str | None, int, float, str, str, str, str]


# SQLite before 3.32 allowed 999 parameters per statement; later versions and
# PostgreSQL allow far more. Rows per statement are chosen to fit the backend.
ROWS_PER_STATEMENT_SQLITE_OLD = 999 // len(COLUMNS)


def rows_per_statement() -> int:
    """How many rows one multi-row INSERT may carry on this database."""
    if connection.vendor == "sqlite":
        import sqlite3

        if sqlite3.sqlite_version_info < (3, 32):
            return ROWS_PER_STATEMENT_SQLITE_OLD
    return BATCH_SIZE


# PostgreSQL receives each column as one array and unnests them: ten parameters per
# batch instead of ten per row (the same trick Django's bulk_create uses there).
PG_TYPES = ("bigint", "varchar", "varchar", "varchar", "smallint", "double precision",
            "jsonb", "varchar", "varchar", "varchar")


def upsert_sql_unnest() -> str:
    """PostgreSQL's form of the upsert: the rows arrive as one array per column."""
    quote = connection.ops.quote_name
    table = quote(StoredObservation._meta.db_table)
    columns = ", ".join(quote(c) for c in COLUMNS)
    arrays = ", ".join(f"%s::{kind}[]" for kind in PG_TYPES)
    key = ", ".join(quote(c) for c in KEY_COLUMNS)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in COLUMNS
                        if c not in KEY_COLUMNS)
    return (f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays}) "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


def upsert_sql(rows: int) -> str:
    """One multi-row INSERT … ON CONFLICT DO UPDATE for the observation table.

    Why raw SQL: building a model instance per row cost more than the parsing itself,
    and one statement per batch saves a round trip per row on PostgreSQL. SQLite (3.24+)
    and PostgreSQL share this statement. Only identifiers quoted by the backend and
    placeholders are interpolated; values always travel as parameters.
    """
    quote = connection.ops.quote_name
    table = quote(StoredObservation._meta.db_table)
    columns = ", ".join(quote(c) for c in COLUMNS)
    one_row = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    key = ", ".join(quote(c) for c in KEY_COLUMNS)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in COLUMNS
                        if c not in KEY_COLUMNS)
    values = ", ".join([one_row] * rows)
    return (f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


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
        self.chunk = rows_per_statement()
        self._sql: dict[int, str] = {}
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

    def row(self, obs: Observation, pk: int) -> Row:
        country = self.country_of.get(obs.geo) if obs.geo_kind is GeoKind.COUNTRY else None
        kind = obs.geo_kind.value
        if obs.geo_kind is GeoKind.COUNTRY and country is None:
            # A code the kernel knows (Kosovo's XKX) that core has no country for: kept,
            # but outside maps and rankings.
            kind = GeoKind.UNKNOWN.value
        if obs.breakdown:
            breakdown_json, key = json.dumps(dict(obs.breakdown)), breakdown_key(obs.breakdown)
        else:
            breakdown_json, key = "{}", ""
        return (pk, obs.geo[:60], kind, country, obs.year, obs.value, breakdown_json, key,
                obs.note[:300], self.source_file)

    def flush(self, rows: dict[tuple[int, str, int, str], Row]) -> int:
        if not rows:
            return 0
        values = list(rows.values())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(upsert_sql_unnest(), [list(column) for column in zip(*values,
                                                                                     strict=True)])
            return len(values)
        with connection.cursor() as cursor:
            for start in range(0, len(values), self.chunk):
                chunk = values[start:start + self.chunk]
                sql = self._sql.get(len(chunk))
                if sql is None:
                    sql = self._sql[len(chunk)] = upsert_sql(len(chunk))
                cursor.execute(sql, [cell for row in chunk for cell in row])
        return len(values)


def write_records(records: Iterable[Record], *, name: str,
                  tracker: Tracker | None = None) -> FileResult:
    """Import one file's records in one transaction and return its report.

    Bad records are counted and skipped by the parser; values outside the indicator's
    valid range are counted and skipped here; every good record lands.
    """
    report = ImportReport(name=name, keep_observations=False)
    result = FileResult(report=report)
    with collector_paused(), transaction.atomic():
        writer = ObservationWriter(source_file=name)
        before = _count_for(writer.indicator_ids.values())
        touched: set[int] = set()
        batch: dict[tuple[int, str, int, str], Row] = {}
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
            batch[(pk, row[1], row[4], row[7])] = row
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector during an import.

    Why: every record is a few short-lived, non-cyclic objects; the collector's passes
    over a batch of them cost about a third of the importer's CPU time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _count_for(indicator_ids: Iterable[int]) -> int:
    ids = list(indicator_ids)
    if not ids:
        return 0
    return StoredObservation.objects.filter(indicator_id__in=ids).count()
