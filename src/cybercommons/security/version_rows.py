"""Bulk reads and writes of STIX version rows in plain SQL, for the ingest path.

A TAXII envelope carries up to thousands of objects; building a model instance and an
ORM expression per value costs more than validating them. These two statements do the
same work as ``bulk_create`` and an ``__in`` lookup, with the values adapted by the
database backend's own operations so SQLite and PostgreSQL store identical data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from cybercommons.security.models import StixObject

# Stay well under SQLite's limit on bound parameters per statement.
_CHUNK = 900

INSERT_COLUMNS = (
    "collection_id", "seq", "date_added", "stix_id", "type", "spec_version", "created",
    "modified", "version", "version_key", "is_latest", "is_first", "raw", "name", "labels",
    "created_by_ref", "marking_refs", "tlp", "tlp_rank", "owner_org_id", "added_by_id",
)
_DATETIME_COLUMNS = frozenset({"date_added", "created", "modified", "version"})


def _table() -> str:
    return connection.ops.quote_name(StixObject._meta.db_table)


def _collection_value(collection_id: Any) -> Any:
    field = StixObject._meta.get_field("collection").target_field
    return field.get_db_prep_value(collection_id, connection)


def existing_versions(collection_id: Any, stix_ids: Sequence[str]) -> list[tuple[str, str]]:
    """(stix_id, version_key) of every stored version of these ids in one collection."""
    found: list[tuple[str, str]] = []
    collection_value = _collection_value(collection_id)
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
    adapt = connection.ops.adapt_datetimefield_value
    columns = ", ".join(connection.ops.quote_name(c) for c in INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
    sql = f"INSERT INTO {_table()} ({columns}) VALUES ({marks})"  # noqa: S608
    values = []
    for row in rows:
        record = []
        for column in INSERT_COLUMNS:
            value = row[column]
            if column == "collection_id":
                value = _collection_value(value)
            elif column in _DATETIME_COLUMNS and value is not None:
                value = adapt(value)
            record.append(value)
        values.append(record)
    with connection.cursor() as cursor:
        for start in range(0, len(values), 500):
            cursor.executemany(sql, values[start:start + 500])
