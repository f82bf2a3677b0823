"""The background checkpoints of SQLite's write-ahead log, on real database files."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from cybercommons.core import sqlite_checkpoints


def _wal_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # only the code under test copies the log
    db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, text TEXT)")
    return db


def _fill(db: sqlite3.Connection, rows: int, start: int = 0) -> None:
    db.execute("BEGIN")
    db.executemany("INSERT INTO t VALUES (?, ?)",
                   [(start + n, "x" * 500) for n in range(rows)])
    db.execute("COMMIT")


@pytest.mark.parametrize(("name", "expected"), [
    ("", None),
    (":memory:", None),
    ("file:memorydb_default?mode=memory&cache=shared", None),
    ("/srv/data/cybercommons.sqlite3", "/srv/data/cybercommons.sqlite3"),
    ("file:/srv/data/db.sqlite3?mode=rwc", "/srv/data/db.sqlite3"),
])
def test_database_file_names_the_file_or_none_in_memory(name: str, expected: str | None) -> None:
    assert sqlite_checkpoints.database_file({"NAME": name}) == expected


def test_a_checkpoint_copies_every_logged_page(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    db = _wal_database(path)
    _fill(db, 2000)
    size_before = path.stat().st_size
    busy, logged, copied = sqlite_checkpoints.checkpoint(str(path))
    assert busy == 0
    assert logged > 200  # 2,000 rows of 500 bytes: a thousand-odd 4 KiB pages
    assert copied == logged
    assert path.stat().st_size > size_before  # the pages reached the database file
    db.close()


@pytest.fixture
def unblocked(django_db_blocker: object) -> Iterator[None]:
    """Connections of our own to database files made here, outside the test database."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        yield


def _django_wrapper(path: Path) -> DatabaseWrapper:
    settings_dict = connections.settings["default"].copy() if (
        connections.settings["default"]["ENGINE"] == "django.db.backends.sqlite3") else {}
    settings_dict.update({
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "TEST": {},
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    })
    for key, value in {"ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0,
                       "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "USER": "",
                       "PASSWORD": "", "HOST": "", "PORT": ""}.items():
        settings_dict.setdefault(key, value)
    return DatabaseWrapper(settings_dict, alias="checkpoint-test")


def test_a_new_file_connection_starts_one_thread_that_copies_commits_back(
        tmp_path: Path, settings: object, unblocked: None) -> None:
    settings.SQLITE_BACKGROUND_CHECKPOINTS = True  # type: ignore[attr-defined]
    settings.SQLITE_CHECKPOINT_INTERVAL_MS = 20  # type: ignore[attr-defined]
    path = tmp_path / "app.sqlite3"
    _wal_database(path).close()
    first, second = _django_wrapper(path), _django_wrapper(path)
    try:
        first.ensure_connection()  # connection_created starts the thread
        second.ensure_connection()
        worker = sqlite_checkpoints._workers[(os.getpid(), str(path))]
        assert worker.thread is not None
        assert worker.thread.is_alive()
        assert sum(1 for key in sqlite_checkpoints._workers if key[1] == str(path)) == 1
        with first.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone()[0] == sqlite_checkpoints.BACKSTOP_PAGES
        done = worker.completed
        with first.cursor() as cursor:
            cursor.executemany("INSERT INTO t VALUES (%s, %s)",
                               [(n, "y" * 500) for n in range(500)])
        deadline = time.monotonic() + 10
        while worker.completed == done and time.monotonic() < deadline:
            time.sleep(0.02)
        assert worker.completed > done
        # Everything the commit logged is in the database file: a new checkpoint finds
        # nothing left to copy.
        _busy, logged, copied = sqlite_checkpoints.checkpoint(str(path))
        assert copied == logged
    finally:
        first.close()
        second.close()
        sqlite_checkpoints.stop(str(path))
    assert (os.getpid(), str(path)) not in sqlite_checkpoints._workers


def test_no_thread_for_an_in_memory_database_or_when_switched_off(
        tmp_path: Path, settings: object, unblocked: None) -> None:
    memory = _django_wrapper(tmp_path / "unused")
    memory.settings_dict["NAME"] = ":memory:"
    memory.ensure_connection()
    assert sqlite_checkpoints.start_for(memory) is None
    memory.close()
    settings.SQLITE_BACKGROUND_CHECKPOINTS = False  # type: ignore[attr-defined]
    path = tmp_path / "off.sqlite3"
    _wal_database(path).close()
    wrapper = _django_wrapper(path)
    wrapper.ensure_connection()
    assert sqlite_checkpoints.start_for(wrapper) is None
    assert not any(key[1] == str(path) for key in sqlite_checkpoints._workers)
    wrapper.close()
