"""Ingest rate of the TAXII server at size: objects per second added by POST, envelopes of 1,000.

    .venv/bin/python bench/sec_ingest.py [--objects 1000000] [--envelopes 100] [--every 10]
        [--database-url postgres://postgres@127.0.0.1:5432/sec_bench]
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
machine's load. ``--peer`` runs OASIS medallion (memory backend) at each of
``--peer-sizes``: filled by POST (it has no bulk path), then timed the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sec_common import TAXII, indicators, make_collection, medallion_client, setup_django

ENVELOPE = 1000
# Large transactions for the fill: commits are rare and each insert batch is big.
FILL_TRANSACTION = 20


def clock_ticks() -> int:
    return os.sysconf("SC_CLK_TCK")


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
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / clock_ticks()

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

    timed_posts(post_ours, f"Cybercommons on {connection.vendor}", collection.last_seq,
                args.envelopes, args.every, backend_clock)
    if args.peer:
        run_peer([int(s) for s in args.peer_sizes.split(",") if s], args.peer_envelopes)


if __name__ == "__main__":
    main()
