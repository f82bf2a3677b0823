"""Bulk reads and writes of STIX version rows in plain SQL, for the ingest path.

A TAXII envelope carries up to thousands of objects; building a model instance and an
ORM expression per value costs more than validating them. These statements do the same
work as ``bulk_create`` and an ``__in`` lookup, with the values adapted as the database
backend's own operations adapt them, so SQLite and PostgreSQL store identical data.

On PostgreSQL rows go in by ``COPY … FROM STDIN``: Django's cursors bind parameters on
the client, so ``executemany`` sends one INSERT statement per row, and the server parses
and plans each of them; ``COPY`` streams all rows to one statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db import connection

from cybercommons.security.models import StixObject, StixReference

# Stay well under SQLite's limit on bound parameters per statement (999 before 3.32).
_CHUNK = 900
# Rows sent per executemany call: large enough to amortise the call, small enough that a
# failed batch is cheap to report.
_INSERT_BATCH = 1000

INSERT_COLUMNS = (
    "collection_id", "seq", "date_added", "stix_id", "type", "spec_version", "created",
    "modified", "version", "version_key", "is_latest", "is_first", "raw", "name", "labels",
    "created_by_ref", "marking_refs", "tlp", "tlp_rank", "owner_org_id", "added_by_id",
)
_DATETIME_POSITIONS = tuple(INSERT_COLUMNS.index(c)
                            for c in ("date_added", "created", "modified", "version"))
_COLLECTION_POSITION = INSERT_COLUMNS.index("collection_id")
_row_values = itemgetter(*INSERT_COLUMNS)
# "varchar(300)" → "varchar": the type name psycopg knows, without its length.
_BASE_TYPE = re.compile(r"\(.*\)$")


def _table(model: Any = StixObject) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _collection_value(collection_id: Any) -> Any:
    field = StixObject._meta.get_field("collection").target_field
    return field.get_db_prep_value(collection_id, connection)


def _datetime_adapter() -> Callable[[datetime], Any]:
    """The backend's ``adapt_datetimefield_value`` for aware datetimes, without its checks.

    SQLite stores the naive text in the connection's time zone (what Django's adapter
    returns for an aware value with ``USE_TZ``); every other backend gets the value as it
    is, and Django's own adapter runs when neither holds.
    """
    if connection.vendor == "sqlite" and settings.USE_TZ:
        zone = connection.timezone
        zone_is_utc = zone is UTC or str(zone) == "UTC"

        def to_sqlite(value: datetime) -> Any:
            if value.tzinfo is UTC and zone_is_utc:
                return str(value.replace(tzinfo=None))
            if value.tzinfo is None:
                return connection.ops.adapt_datetimefield_value(value)
            return str(value.astimezone(zone).replace(tzinfo=None))

        return to_sqlite
    return connection.ops.adapt_datetimefield_value


def existing_versions(collection_id: Any, stix_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(stix_id, version_key) of every stored version of these ids in one collection."""
    found: list[tuple[str, str]] = []
    collection_value = _collection_value(collection_id)
    if connection.vendor == "postgresql":
        # One array parameter: psycopg adapts it in one go, not 1,000 values one by one.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT stix_id, version_key FROM {_table()} "  # noqa: S608
                "WHERE collection_id = %s AND stix_id = ANY(%s)",
                [collection_value, list(stix_ids)])
            return [(stix_id, key) for stix_id, key in cursor.fetchall()]
    with connection.cursor() as cursor:
        for start in range(0, len(stix_ids), _CHUNK):
            chunk = list(stix_ids[start:start + _CHUNK])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT stix_id, version_key FROM {_table()} "  # noqa: S608
                f"WHERE collection_id = %s AND stix_id IN ({marks})",
                [collection_value, *chunk])
            found.extend((stix_id, key) for stix_id, key in cursor.fetchall())
    return found


def insert(rows: Sequence[dict[str, Any]]) -> None:
    """Insert version rows given as dicts keyed by ``INSERT_COLUMNS``."""
    if not rows:
        return
    adapt = _datetime_adapter()
    # One collection per request: its database form is computed once, not per row; a
    # version's created, modified and version are mostly one instant, adapted once.
    collection_values: dict[Any, Any] = {}
    adapted: dict[datetime, Any] = {}
    columns = ", ".join(connection.ops.quote_name(c) for c in INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
    sql = f"INSERT INTO {_table()} ({columns}) VALUES ({marks})"  # noqa: S608
    values = []
    for row in rows:
        record = list(_row_values(row))
        collection_id = record[_COLLECTION_POSITION]
        if collection_id not in collection_values:
            collection_values[collection_id] = _collection_value(collection_id)
        record[_COLLECTION_POSITION] = collection_values[collection_id]
        for position in _DATETIME_POSITIONS:
            value = record[position]
            if value is not None:
                if value not in adapted:
                    if len(adapted) > 4096:
                        adapted.clear()
                    adapted[value] = adapt(value)
                record[position] = adapted[value]
        values.append(record)
    if connection.vendor == "postgresql":
        _copy(StixObject, INSERT_COLUMNS, values)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(values), _INSERT_BATCH):
            cursor.executemany(sql, values[start:start + _INSERT_BATCH])


def _copy(model: Any, columns: Sequence[str], values: Iterable[Sequence[Any]]) -> None:
    """Stream rows into ``model``'s table with PostgreSQL's binary ``COPY``.

    Binary, because the text format escapes every character of the stored JSON and spells
    out every timestamp, which cost psycopg more than the rest of the row. The column
    types come from the model's fields. Django's cursor wrapper has no ``copy``; the
    statement runs on psycopg's cursor of Django's connection, inside the caller's
    transaction.
    """
    by_column = {field.column: field for field in model._meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    types = [_BASE_TYPE.sub("", by_column[c].db_type(connection)) for c in columns]
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {_table(model)} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(types)
        for record in values:
            copy.write_row(record)


def insert_references(edges: Sequence[tuple[int, str]]) -> None:
    """Insert (source version pk, target STIX id) rows of the references table."""
    if not edges:
        return
    if connection.vendor == "postgresql":
        _copy(StixReference, ("source_id", "target_id"), edges)
        return
    sql = (f"INSERT INTO {_table(StixReference)} "  # noqa: S608
           f"({connection.ops.quote_name('source_id')}, "
           f"{connection.ops.quote_name('target_id')}) VALUES (%s, %s)")
    with connection.cursor() as cursor:
        for start in range(0, len(edges), _INSERT_BATCH):
            cursor.executemany(sql, [list(edge) for edge in edges[start:start + _INSERT_BATCH]])
