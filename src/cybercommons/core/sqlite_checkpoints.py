"""SQLite's write-ahead log is copied back into the database beside the requests.

In WAL mode a commit that leaves the log longer than ``wal_autocheckpoint`` pages runs a
checkpoint itself: it copies the logged pages into the database file and waits for the
disk. A large write (a TAXII envelope of 1,000 objects in a collection of a million
dirties about a thousand scattered index pages) then waits some 35 ms for a copy that no
reader needs. SQLite's documentation suggests running checkpoints from another thread
instead; each process that opens a file database starts one thread for it, which runs a
PASSIVE checkpoint (it never blocks readers or writers) after other connections commit. The
automatic checkpoint stays, at a higher threshold, as a backstop should the thread fall
behind.

Durability is unchanged: with ``synchronous=NORMAL`` commits in WAL mode never waited for
the disk; only where the copy happens moves.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

# Pages the log may hold before a commit checkpoints by itself (SQLite's default is 1,000).
BACKSTOP_PAGES = 10_000


@dataclass
class _Worker:
    """One process's checkpoint thread for one database file."""

    stop: threading.Event
    thread: threading.Thread | None = None
    # Complete checkpoints so far: how a status page or a test sees the thread at work.
    completed: int = 0


_workers: dict[tuple[int, str], _Worker] = {}
_lock = threading.Lock()


def database_file(settings_dict: dict[str, Any]) -> str | None:
    """The file of a SQLite database, or ``None`` for an in-memory one."""
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return name.removeprefix("file:").split("?", 1)[0]


def checkpoint(path: str, db: sqlite3.Connection | None = None) -> tuple[int, int, int]:
    """One PASSIVE checkpoint of ``path``: (busy, pages in the log, pages copied back)."""
    own = db is None
    db = db or sqlite3.connect(path, timeout=1)
    try:
        busy, logged, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(logged), int(copied)
    finally:
        if own:
            db.close()


def _run(path: str, interval: float, worker: _Worker) -> None:
    """Checkpoint after every commit of another connection, until told to stop.

    ``PRAGMA data_version`` changes when another connection has committed, which is what
    puts new pages in the log (the log's file size does not tell: after a restart the
    log is written over from its start).
    """
    db = sqlite3.connect(path, timeout=1, check_same_thread=False)
    seen = None
    try:
        while not worker.stop.wait(interval):
            try:
                version = db.execute("PRAGMA data_version").fetchone()[0]
                if version == seen:
                    continue
                busy, logged, copied = checkpoint(path, db)
            except sqlite3.Error as error:  # locked, or the file went away: try again later
                log.debug("background checkpoint of %s failed: %s", path, error)
                continue
            if not busy and copied == logged:
                seen = version
                worker.completed += 1
    finally:
        db.close()


def start_for(connection: Any) -> _Worker | None:
    """Raise the automatic checkpoint's threshold and start this process's thread.

    Connected to ``connection_created``: it runs once per new connection, and starts one
    thread per process and database file (a forked worker starts its own). Returns the
    file's worker, or ``None`` where none runs (not SQLite, in memory, not in WAL mode,
    or ``SQLITE_BACKGROUND_CHECKPOINTS`` off).
    """
    if connection.vendor != "sqlite" or not getattr(settings, "SQLITE_BACKGROUND_CHECKPOINTS",
                                                    True):
        return None
    path = database_file(connection.settings_dict)
    if path is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() != "wal":
            return None
        cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
    key = (os.getpid(), os.path.abspath(path))
    with _lock:
        worker = _workers.get(key)
        if worker is not None and worker.thread is not None and worker.thread.is_alive():
            return worker
        interval = int(getattr(settings, "SQLITE_CHECKPOINT_INTERVAL_MS", 200)) / 1000
        worker = _Worker(threading.Event())
        worker.thread = threading.Thread(target=_run, args=(key[1], interval, worker),
                                         daemon=True, name="sqlite-checkpoints")
        _workers[key] = worker
        worker.thread.start()
        return worker


def stop(path: str) -> None:
    """Stop this process's thread for ``path`` (tests; a database file about to go)."""
    with _lock:
        worker = _workers.pop((os.getpid(), os.path.abspath(path)), None)
    if worker is not None:
        worker.stop.set()
        if worker.thread is not None:
            worker.thread.join(timeout=5)
