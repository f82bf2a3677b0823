"""Ingest rate of the TAXII server at size: objects per second added by POST, envelopes of 1,000.

    .venv/bin/python bench/sec_ingest.py [--objects 1000000] [--envelopes 100] [--every 10]
        [--database-url postgres://postgres@127.0.0.1:5432/sec_bench]
        [--http-clients 1,2,4] [--http-envelopes 60] [--http-workers 2]
        [--peer] [--peer-sizes 10000,20000] [--peer-envelopes 5]

First fills one collection to ``--objects`` versions by a bulk path: the rows are built by
the same function the TAXII add path uses (``services.build_version_row``), with the same
side rows (references, one audit entry, event and status resource per 1,000 objects), and
written with large batched inserts; on PostgreSQL the random-key indexes are dropped for
the fill and built again after it, as a restore would. Before the fill, one small envelope
is posted and its stored rows are compared column by column with what the fill would have
written for the same objects, so the fill is known to write what POST writes.

Then times ``--envelopes`` POSTs of 1,000 new indicators through the TAXII endpoint at
that size and prints, every ``--every`` envelopes, the mean wall time per envelope, the
CPU time of this process (the whole server on SQLite), and on PostgreSQL also the CPU
time of the database backend serving the connection, so flatness is visible whatever the
machine's load.

``--http-clients`` then measures the same ingest as a deployment serves it: the production
server (``cybercommons serve``: gunicorn, ``--http-workers`` sync workers, one thread each)
is started on the very database just filled, and for each client count N of the list, N
producer threads post ``--http-envelopes`` envelopes of 1,000 new indicators at once over
loopback HTTP (bearer token, TAXII media type), each envelope encoded before the clock
starts. Every answer must be 202 with 1,000 stored, or the run stops with it. Printed per
N: collection size before and after, wall seconds, objects/s of all producers together,
median and p95 latency of an envelope, and the CPU seconds of the server's master and
workers and, on PostgreSQL, of the database backends serving the benchmark's database
(autovacuum apart), read from ``/proc`` every half second so that connections closed and
opened during the run count too; the load average at start and end. One envelope per
worker is posted first, untimed. On SQLite this process's own checkpoint thread is stopped
first, so that the server's workers copy their log back themselves, on the CPU counted.
The server is stopped (SIGTERM) however the run ends.

``--peer`` runs OASIS medallion (memory backend) at each of
``--peer-sizes``: filled by POST (it has no bulk path), then timed the same way.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from sec_common import (
    TAXII,
    CpuWatch,
    DatabaseBackends,
    ProductionServer,
    indicators,
    make_collection,
    medallion_client,
    process_cpu,
    process_tree,
    setup_django,
)

ENVELOPE = 1000
# Large transactions for the fill: commits are rare and each insert batch is big.
FILL_TRANSACTION = 20


class BackendClock:
    """CPU seconds used by the PostgreSQL backend serving Django's connection.

    The server runs on this machine, so its process's /proc entry is readable. ``start``
    is read before a request and ``since`` after it; when Django opened a new connection
    in between (connections are recycled after ``CONN_MAX_AGE``), the new backend's whole
    CPU time is what the request used. On SQLite there is no other process: 0.
    """

    def __init__(self) -> None:
        from django.db import connection

        self.enabled = connection.vendor == "postgresql"
        self.pid = 0
        self.before = 0.0

    def _backend(self) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return int(cursor.fetchone()[0])

    @staticmethod
    def _cpu(pid: int) -> float:
        return process_cpu(pid) or 0.0

    def start(self) -> None:
        if self.enabled:
            self.pid = self._backend()
            self.before = self._cpu(self.pid)

    def since(self) -> float:
        if not self.enabled:
            return 0.0
        pid = self._backend()
        return self._cpu(pid) - (self.before if pid == self.pid else 0.0)


# --- The bulk fill -------------------------------------------------------------------------


def _random_key_constraints() -> list[tuple[Any, Any, str]]:
    """(model, constraint or index, kind) whose B-trees are keyed by random STIX ids."""
    from cybercommons.security.models import StixObject, StixReference

    out: list[tuple[Any, Any, str]] = []
    out.extend((StixObject, c, "constraint") for c in StixObject._meta.constraints
               if c.name == "one_row_per_version")
    out.extend((StixReference, i, "index") for i in StixReference._meta.indexes
               if i.name == "sec_ref_target")
    return out


def _alter(items: list[tuple[Any, Any, str]], action: str) -> None:
    """Run the schema editor's ``add_…`` or ``remove_…`` (``action``) for each item's kind."""
    from django.db import connection

    with connection.schema_editor() as editor:
        for model, item, kind in items:
            getattr(editor, f"{action}_{kind}")(model, item)


def _drop_random_key_indexes() -> list[tuple[Any, Any, str]]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return []  # SQLite keeps unique constraints inside the table definition
    dropped = _random_key_constraints()
    _alter(dropped, "remove")
    return dropped


def _restore_indexes(dropped: list[tuple[Any, Any, str]]) -> None:
    _alter(dropped, "add")


def wal_position() -> int | None:
    """PostgreSQL's current WAL position in bytes (``None`` on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(cursor.fetchone()[0])


def fill_rows(collection: Any, owner_id: int, actor_id: int, objects: list[dict[str, Any]],
              first_seq: int, added: list[Any]) -> list[dict[str, Any]]:
    """The rows the add path stores for new objects, built by its own function."""
    from cybercommons.security import services

    return [services.build_version_row(obj, json.dumps(obj), collection=collection,
                                       owner_id=owner_id, actor_id=actor_id,
                                       stamps=services.version_stamps(obj),
                                       seq=first_seq + n, added=added[n])
            for n, obj in enumerate(objects)]


def _store_envelope(collection: Any, actor: Any, owner: Any, objects: list[dict[str, Any]]
                    ) -> None:
    """Write one envelope's worth of new objects the way ``services.add_objects`` does."""
    from django.utils import timezone

    from cybercommons.security import services, version_rows
    from cybercommons.security.models import StixObject
    from cybercommons.security.stix_references import referenced_ids

    now = timezone.now()
    last = collection.last_date_added
    added = []
    for _ in objects:
        moment = now if last is None or now > last else last + services.ONE_MICROSECOND
        added.append(moment)
        last = moment
    first_seq = collection.last_seq + 1
    rows = fill_rows(collection, owner.pk, actor.pk, objects, first_seq, added)
    version_rows.insert(rows)
    named = {row["seq"]: referenced_ids(obj) for row, obj in zip(rows, objects, strict=True)}
    if any(named.values()):
        pk_of = dict(StixObject.objects.filter(
            collection=collection, seq__gte=first_seq, seq__lt=first_seq + len(rows))
            .values_list("seq", "pk"))
        version_rows.insert_references([(pk_of[seq], target) for seq, targets in named.items()
                                        for target in sorted(targets)])
    outcome = services.AddOutcome(stored=len(rows), successes=[
        {"id": obj["id"], "version": obj["modified"]} for obj in objects])
    services.record_add_request(actor, collection, owner, outcome, rows, now)
    collection.last_seq = first_seq + len(rows) - 1
    collection.last_date_added = last


def fill(collection: Any, actor: Any, owner: Any, count: int) -> None:
    from django.db import connection, transaction

    started, c0 = time.perf_counter(), time.process_time()
    dropped = _drop_random_key_indexes()
    made, shown = 0, 0
    while made < count:
        with transaction.atomic():
            for _ in range(FILL_TRANSACTION):
                if made >= count:
                    break
                size = min(ENVELOPE, count - made)
                _store_envelope(collection, actor, owner,
                                indicators(size, 10_000_000 + made, distinct_times=True))
                made += size
            collection.save(update_fields=["last_seq", "last_date_added"])
        if made - shown >= 100_000 or made == count:
            shown = made
            elapsed = time.perf_counter() - started
            print(f"  filled {made:>9,} objects  {elapsed:7.1f} s  "
                  f"{made / elapsed:8,.0f} objects/s", flush=True)
    if dropped:
        t0 = time.perf_counter()
        _restore_indexes(dropped)
        print(f"  random-key indexes built again in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            # The timed run starts right after a checkpoint: every index page it first
            # touches writes a full-page image to the WAL, the costly part of PostgreSQL's
            # checkpoint cycle, so the figures include it rather than dodge it.
            cursor.execute("CHECKPOINT")
    print(f"filled {count:,} objects in {time.perf_counter() - started:.1f} s wall, "
          f"{time.process_time() - c0:.1f} s CPU of this process")


def check_fill_matches_post(client: Any, url: str, collection: Any, owner: Any,
                            actor: Any) -> None:
    """Post a small envelope and check the fill would have stored the very same rows."""
    from cybercommons.security import version_rows
    from cybercommons.security.models import StixObject

    objects = indicators(5, 20_000_000, distinct_times=True)
    objects[0]["created_by_ref"] = "identity--0d7b4a6e-4b6c-4d2a-9b0e-2b7e0c9d3f11"
    objects[1]["object_marking_refs"] = [
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]  # TLP:GREEN
    body = "{" + '"objects": [' + ", ".join(json.dumps(o) for o in objects) + "]}"
    response = client.post(url, body, content_type=TAXII)
    if response.status_code != 202 or response.json()["success_count"] != len(objects):
        raise SystemExit(f"check POST answered {response.status_code}: {response.content!r}")
    stored = list(StixObject.objects.filter(collection=collection).order_by("seq")
                  .values(*version_rows.INSERT_COLUMNS))
    built = fill_rows(collection, owner.pk, actor.pk, objects, stored[0]["seq"],
                      [row["date_added"] for row in stored])
    for row, expected in zip(stored, built, strict=True):
        for column in version_rows.INSERT_COLUMNS:
            if row[column] != expected[column]:
                raise SystemExit(f"the fill would store {column}={expected[column]!r}, "
                                 f"POST stored {row[column]!r}")
    collection.refresh_from_db()
    print(f"check: rows the fill builds equal the rows POST stored ({len(objects)} objects, "
          f"{len(version_rows.INSERT_COLUMNS)} columns each)")


# --- The timed run -------------------------------------------------------------------------


def timed_posts(post: Callable[[str], tuple[int, int]], label: str, size: int, envelopes: int,
                every: int, backend_clock: BackendClock | None = None,
                start_index: int = 0) -> dict[str, float]:
    print(f"\n## {label}: {envelopes} envelopes of {ENVELOPE:,} new indicators"
          f" from {size:,} objects (load average {os.getloadavg()[0]:.1f})")
    print(f"{'objects in collection':>22} {'wall ms/env':>12} {'CPU ms/env':>11}"
          f" {'DB CPU ms/env':>14} {'objects/s wall':>15} {'objects/s CPU':>14}")
    walls: list[float] = []
    cpus: list[float] = []
    db_cpus: list[float] = []
    total = size
    for n in range(envelopes):
        body = json.dumps({"objects": indicators(ENVELOPE, start_index + n * ENVELOPE,
                                                 distinct_times=True)})
        if backend_clock is not None:
            backend_clock.start()
        t0, c0 = time.perf_counter(), time.process_time()
        status, stored = post(body)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        db_cpus.append(backend_clock.since() if backend_clock is not None else 0.0)
        if status != 202 or stored != ENVELOPE:
            raise SystemExit(f"{label}: POST answered {status} with {stored} stored")
        total += ENVELOPE
        if (n + 1) % every == 0 or n + 1 == envelopes:
            block = slice(n + 1 - ((n % every) + 1), n + 1)
            wall, cpu = statistics.mean(walls[block]), statistics.mean(cpus[block])
            db = statistics.mean(db_cpus[block])
            print(f"{total:>22,} {wall * 1000:>12.1f} {cpu * 1000:>11.1f} {db * 1000:>14.1f}"
                  f" {ENVELOPE / wall:>15,.0f} {ENVELOPE / (cpu + db):>14,.0f}", flush=True)
    wall, cpu, db = sum(walls), sum(cpus), sum(db_cpus)
    objects = envelopes * ENVELOPE
    print(f"total {objects:,} objects: {objects / wall:,.0f} objects/s wall, "
          f"{objects / (cpu + db):,.0f} objects/s of CPU (this process {cpu * 1000 / envelopes:.1f}"
          f" ms + database {db * 1000 / envelopes:.1f} ms per envelope); "
          f"median wall {statistics.median(walls) * 1000:.1f} ms; load average now "
          f"{os.getloadavg()[0]:.1f}")
    return {"wall": wall, "cpu": cpu, "db": db}


# --- Through the production server, several producers at once -----------------------------

# First indicator number of the HTTP envelopes: none shares a name or a timestamp with the
# fill's (10,000,000 on), the check's (20,000,000) or the in-process run's (0 on).
HTTP_START = 50_000_000


def http_envelopes(count: int, first: int) -> list[bytes]:
    """``count`` envelopes of 1,000 new indicators, encoded, numbered from ``first``."""
    return [json.dumps({"objects": indicators(ENVELOPE, first + n * ENVELOPE,
                                              distinct_times=True)}).encode()
            for n in range(count)]


def _stored(answer: bytes) -> int:
    try:
        return int(json.loads(answer).get("success_count", -1))
    except (ValueError, AttributeError):
        return -1


def post_concurrently(port: int, url: str, token: str, bodies: list[bytes],
                      clients: int) -> list[float]:
    """POST every body from ``clients`` threads at once; each envelope's latency, seconds.

    Each thread keeps one connection and takes the next body from a shared queue until
    none is left. (gunicorn's sync workers close the connection after each answer;
    ``http.client`` then connects again for the next request, inside its latency, as any
    client of such a server does.) The first answer that is not 202 with every object
    stored stops all threads, and the run with it.
    """
    pending = deque(bodies)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    headers = {"Accept": TAXII, "Content-Type": TAXII, "Authorization": "Bearer " + token}

    def producer() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            while not failures:
                with lock:
                    if not pending:
                        return
                    body = pending.popleft()
                t0 = time.perf_counter()
                connection.request("POST", url, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
                elapsed = time.perf_counter() - t0
                with lock:
                    if response.status != 202 or _stored(answer) != ENVELOPE:
                        failures.append(f"{response.status}: {answer[:3000]!r}")
                        return
                    latencies.append(elapsed)
        except (OSError, http.client.HTTPException) as error:
            with lock:
                failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=producer, name=f"producer-{n}") for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"POST {url} answered {failures[0]}")
    return latencies


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def collection_size(collection: Any) -> int:
    from cybercommons.security.models import StixObject

    return StixObject.objects.filter(collection=collection).count()


def request_limits(largest: int, root_limit: int) -> dict[str, str]:
    """Server settings so that no body limit refuses an envelope; printed either way.

    Two limits apply to a TAXII POST: the API root's ``max_content_length`` (the bench's
    root takes 50 MB) and, unless ``/taxii2/`` is exempt from it, the site-wide
    ``CYBERCOMMONS_MAX_BODY_BYTES``. No request-rate limit applies to token requests.
    """
    from django.conf import settings

    if largest > root_limit:
        raise SystemExit(f"an envelope of {largest:,} bytes is over the API root's "
                         f"max_content_length ({root_limit:,} bytes)")
    site_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    exempt = "/taxii2/".startswith(tuple(settings.BODY_LIMIT_EXEMPT_PREFIXES))
    print(f"request limits: largest envelope {largest:,} bytes; API root takes {root_limit:,};"
          f" /taxii2/ {'is exempt from' if exempt else 'falls under'} "
          f"CYBERCOMMONS_MAX_BODY_BYTES ({site_limit:,})")
    if exempt or largest <= site_limit:
        return {}
    print(f"request limits: the server runs with CYBERCOMMONS_MAX_BODY_BYTES={largest}")
    return {"CYBERCOMMONS_MAX_BODY_BYTES": str(largest)}


def leave_checkpoints_to_server() -> None:
    """Stop this process's SQLite checkpoint thread for the HTTP runs.

    Every process that opens the database file runs one (core/sqlite_checkpoints.py); left
    running here, it would copy the server's logged pages back on this process's CPU,
    which the server's CPU figure would then miss. The server's workers run their own.
    """
    from django.conf import settings
    from django.db import connection

    from cybercommons.core import sqlite_checkpoints

    path = sqlite_checkpoints.database_file(connection.settings_dict)
    if connection.vendor == "sqlite" and path is not None:
        settings.SQLITE_BACKGROUND_CHECKPOINTS = False
        sqlite_checkpoints.stop(path)


def timed_http(server: ProductionServer, url: str, token: str, collection: Any,
               bodies: list[bytes], clients: int, backends: DatabaseBackends | None) -> None:
    def processes() -> dict[int, str]:
        out = dict.fromkeys(process_tree(server.process.pid), "server")
        if backends is not None:
            out.update(backends())
        return out

    size, load = collection_size(collection), os.getloadavg()[0]
    watch = CpuWatch(processes)
    watch.start()
    t0, c0 = time.perf_counter(), time.process_time()
    latencies = post_concurrently(server.port, url, token, bodies, clients)
    wall, client_cpu = time.perf_counter() - t0, time.process_time() - c0
    used = watch.stop()
    objects = len(bodies) * ENVELOPE
    server_cpu, workers = used.get("server", (0.0, 0))
    db_cpu, db_count = used.get("database", (0.0, 0))
    autovacuum, _ = used.get("autovacuum", (0.0, 0))
    print(f"\n{clients} client{'s' if clients > 1 else ''}: {len(bodies)} envelopes, "
          f"{objects:,} objects; collection {size:,} → {collection_size(collection):,} "
          f"versions")
    print(f"  wall {wall:.1f} s: {objects / wall:,.0f} objects/s; per envelope median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95(latencies) * 1000:.0f} ms")
    database = (f"database {db_cpu:.1f} s ({db_count} backends), autovacuum "
                f"{autovacuum:.1f} s, " if backends is not None else "")
    print(f"  CPU: server {server_cpu:.1f} s ({workers} processes), {database}producers "
          f"{client_cpu:.1f} s; server{' + database' if database else ''} "
          f"{(server_cpu + db_cpu) * 1000 / len(bodies):.0f} ms per envelope = "
          f"{objects / max(server_cpu + db_cpu, 1e-9):,.0f} objects/s of CPU")
    print(f"  load average {load:.1f} at start, {os.getloadavg()[0]:.1f} at end", flush=True)


def run_http(url: str, token: str, collection: Any, client_counts: list[int],
             envelopes: int, workers: int, exclude_backend: int) -> None:
    """The HTTP runs: one production server, one timed run per client count."""
    from django.db import connection

    first = HTTP_START
    warm_up = http_envelopes(workers, first)
    first += workers * ENVELOPE
    runs = []
    for clients in client_counts:
        runs.append((clients, http_envelopes(envelopes, first)))
        first += envelopes * ENVELOPE
    largest = max(len(body) for body in warm_up + [b for _, bodies in runs for b in bodies])
    extra_env = request_limits(largest, collection.api_root.max_content_length)
    leave_checkpoints_to_server()
    print(f"\n## Cybercommons on {connection.vendor} through `cybercommons serve`: {workers} "
          f"sync workers, {envelopes} envelopes of {ENVELOPE:,} per client count "
          f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})", flush=True)
    backends = (DatabaseBackends({exclude_backend}) if connection.vendor == "postgresql"
                else None)
    server = ProductionServer(workers, threads=1, extra_env=extra_env)
    try:
        server.wait_until_up("/taxii2/", {"Accept": TAXII, "Authorization": "Bearer " + token})
        post_concurrently(server.port, url, token, warm_up, workers)
        print(f"server up on 127.0.0.1:{server.port} (pid {server.process.pid}); warm-up: "
              f"{len(warm_up)} envelopes, untimed", flush=True)
        for clients, bodies in runs:
            timed_http(server, url, token, collection, bodies, clients, backends)
    finally:
        server.stop()
        if backends is not None:
            backends.close()


def run_peer(sizes: list[int], envelopes: int) -> None:
    for size in sizes:
        flask_client, peer_url, headers = medallion_client()

        def post(body: str, client: Any = flask_client, url: str = peer_url,
                 sent: dict[str, str] = {**headers, "Content-Type": TAXII}  # noqa: B006
                 ) -> tuple[int, int]:
            response = client.post(url, data=body, headers=sent)
            return response.status_code, response.get_json().get("success_count", 0)

        t0 = time.perf_counter()
        for n in range(size // ENVELOPE):
            post(json.dumps({"objects": indicators(ENVELOPE, n * ENVELOPE,
                                                   distinct_times=True)}))
        print(f"\nmedallion filled to {size:,} objects by POST in "
              f"{time.perf_counter() - t0:.1f} s")
        timed_posts(post, "OASIS medallion 3.0.0 (memory backend)", size, envelopes,
                    envelopes, start_index=size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=1_000_000,
                        help="collection size reached by the bulk fill before timing")
    parser.add_argument("--envelopes", type=int, default=100, help="timed POSTs")
    parser.add_argument("--every", type=int, default=10, help="envelopes per printed block")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--http-clients", default="",
                        help="client counts for the runs through `cybercommons serve`, "
                        "e.g. 1,2,4 (default: none)")
    parser.add_argument("--http-envelopes", type=int, default=60,
                        help="envelopes posted per client count")
    parser.add_argument("--http-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--peer", action="store_true", help="also run OASIS medallion")
    parser.add_argument("--peer-sizes", default="10000,20000")
    parser.add_argument("--peer-envelopes", type=int, default=5)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    from cybercommons.core.models import Organisation, User
    from cybercommons.security.models import Collection

    url, token = make_collection()
    client = Client(headers={"Accept": TAXII, "Authorization": "Bearer " + token})
    collection = Collection.objects.get(pk=url.split("/")[4])
    actor = User.objects.get(username="bench")
    owner = Organisation.objects.get(slug="bench-cert")
    check_fill_matches_post(client, url, collection, owner, actor)
    fill(collection, actor, owner, args.objects - collection.last_seq)
    backend_clock = BackendClock()

    def post_ours(body: str) -> tuple[int, int]:
        response = client.post(url, body, content_type=TAXII)
        return response.status_code, response.json().get("success_count", 0)

    wal_before = wal_position()
    timed_posts(post_ours, f"Cybercommons on {connection.vendor}", collection.last_seq,
                args.envelopes, args.every, backend_clock)
    if wal_before is not None:
        written = (wal_position() or 0) - wal_before
        print(f"WAL written: {written / args.envelopes / 1e6:.2f} MB per envelope "
              f"({written / 1e6:,.0f} MB in all)")
    client_counts = [int(n) for n in args.http_clients.split(",") if n]
    if client_counts:
        run_http(url, token, collection, client_counts, args.http_envelopes,
                 args.http_workers, backend_clock.pid)
    if args.peer:
        run_peer([int(s) for s in args.peer_sizes.split(",") if s], args.peer_envelopes)


if __name__ == "__main__":
    main()
