"""TAXII paging when most objects have a newer version the viewer may not see.

    .venv/bin/python bench/sec_paging_hidden.py [--objects 1000000] [--hidden 0.9]
        [--lag 10000] [--database-url …] [--repeat 5]

Fills one collection with ``--objects`` indicators at TLP:GREEN, owned by the collection's
organisation; a share ``--hidden`` of them get a second, newer version at TLP:RED with no
recipient, written ``--lag`` objects later (so revisions are interleaved with new objects,
as in a live feed). A partner organisation, member of the collection's community, reads
TLP:GREEN but not the RED revisions: for its users ``match[version]=last`` (the TAXII
default) must fall back to the older GREEN version of most objects. The owner, who sees
every version, is timed alongside as the baseline.

Times GET objects at page 1, the middle page and the last page (limit 1,000), each the
median of ``--repeat`` runs, as wall time and as the CPU time of this process (on SQLite
that is all of the work; on PostgreSQL the server's share is not in it, so the page query
is also run under ``EXPLAIN ANALYZE`` and the server's execution time printed). A deep page is
asked for with the ``next`` token a client following ``next`` from page 1 holds there.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from array import array
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sec_common import TAXII, make_collection, setup_django

LIMIT = 1000
START = datetime(2025, 1, 1, tzinfo=UTC)
FIRST = ("2024-01-01T00:00:00.000Z", datetime(2024, 1, 1, tzinfo=UTC))
REVISED = ("2024-06-01T00:00:00.000Z", datetime(2024, 6, 1, tzinfo=UTC))


def stix_id(n: int) -> str:
    return f"indicator--00000000-0000-4000-8000-{n:012d}"


def layout(objects: int, hidden: float, lag: int) -> Iterator[tuple[int, bool, bool]]:
    """(object number, is the revision, has a revision) in the order the rows arrive."""
    step = round(1 / (1 - hidden)) if hidden < 1 else 0

    def revised(n: int) -> bool:
        return hidden > 0 and (step == 0 or n % step != 0)

    for n in range(objects + lag):
        if n < objects:
            yield n, False, revised(n)
        if n >= lag and revised(n - lag):
            yield n - lag, True, True


def row(collection_id: Any, seq: int, n: int, revision: bool, has_revision: bool,
        org_id: int, user_id: int) -> dict[str, Any]:
    key, moment = REVISED if revision else FIRST
    address = f"198.51.100.{n % 254 + 1}"
    obj = {"type": "indicator", "spec_version": "2.1", "id": stix_id(n),
           "created": FIRST[0], "modified": key, "name": f"Scanner {address} #{n}",
           "pattern": f"[ipv4-addr:value = '{address}']", "pattern_type": "stix",
           "valid_from": "2024-01-01T00:00:00Z", "labels": ["scanner"]}
    return {
        "collection_id": collection_id, "seq": seq,
        "date_added": START + timedelta(microseconds=seq), "stix_id": obj["id"],
        "type": "indicator", "spec_version": "2.1", "created": FIRST[1], "modified": moment,
        "version": moment, "version_key": key.replace(".000Z", ".000000Z"),
        "is_latest": revision or not has_revision, "is_first": not revision,
        "raw": json.dumps(obj), "name": obj["name"], "labels": "|scanner|",
        "created_by_ref": "", "marking_refs": "", "tlp": "red" if revision else "green",
        "tlp_rank": 4 if revision else 1, "owner_org_id": org_id, "added_by_id": user_id,
    }


def fill(collection_url: str, objects: int, hidden: float, lag: int) -> tuple[Any, array]:
    """Write the rows; returns the collection and the seq of every GREEN (first) version."""
    from django.db import connection, transaction

    from cybercommons.core.models import Organisation, User
    from cybercommons.security import version_rows
    from cybercommons.security.models import Collection

    collection = Collection.objects.get(pk=collection_url.split("/")[4])
    org = Organisation.objects.get(slug="bench-cert")
    user = User.objects.get(username="bench")
    green_seqs = array("q")
    batch: list[dict[str, Any]] = []
    seq = 0
    t0 = time.perf_counter()
    for n, revision, has_revision in layout(objects, hidden, lag):
        seq += 1
        if not revision:
            green_seqs.append(seq)
        batch.append(row(collection.pk, seq, n, revision, has_revision, org.pk, user.pk))
        if len(batch) == 10_000:
            with transaction.atomic():
                version_rows.insert(batch)
            batch = []
    with transaction.atomic():
        version_rows.insert(batch)
    Collection.objects.filter(pk=collection.pk).update(
        last_seq=seq, last_date_added=START + timedelta(microseconds=seq))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled {objects:,} objects, {seq:,} versions ({seq - objects:,} hidden "
          f"revisions) in {time.perf_counter() - t0:.1f} s")
    return collection, green_seqs


def partner_token(collection: Any) -> str:
    """A user of an organisation in the collection's community, with a read token."""
    from cybercommons.core import services as core_services
    from cybercommons.core.models import Membership, Organisation, Role, User

    user = User.objects.create_user("partner", "partner@example.org", "bench-password-1")
    org = Organisation.objects.create(name="Partner CERT", slug="partner-cert",
                                      stakeholder_type="technical")
    Membership.objects.create(user=user, organisation=org, role=Role.EDITOR)
    collection.api_root.members.add(org)
    _token, secret = core_services.create_token(user, name="bench", scopes=["read"])
    return secret


def token_after(collection: Any, seq: int) -> str:
    """The ``next`` token the server issues after the row at ``seq`` (no filters)."""
    from cybercommons.security import queries
    from cybercommons.security.kernel.taxii_filters import Endpoint, parse_filters
    from cybercommons.security.kernel.taxii_paging import PagePosition, encode_cursor

    spec = parse_filters({"limit": [str(LIMIT)]}, Endpoint.OBJECTS)
    scope = f"{collection.api_root.slug}/{collection.pk}/objects"
    added = START + timedelta(microseconds=seq)
    return encode_cursor(PagePosition(added, seq), spec.fingerprint(scope), queries.paging_key())


def timed(get: Callable[[], Any], repeat: int) -> tuple[float, float, int]:
    """Median wall ms, median CPU ms and object count of ``repeat`` calls."""
    walls, cpus, count = [], [], 0
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        response = get()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
        assert response.status_code == 200, response.content[:300]
        count = len(json.loads(response.content).get("objects", []))
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, count


def database_ms(get: Callable[[], Any], repeat: int) -> float | None:
    """PostgreSQL's own execution time of the page query a request runs (median, ms).

    The query is captured from one request and run under ``EXPLAIN ANALYZE``, so the
    figure is the server's work alone, apart from the client's CPU and the machine's load
    on the Python side. ``None`` on SQLite, where the CPU column already holds it.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return None
    with CaptureQueriesContext(connection) as captured:
        get()
    (sql,) = [q["sql"] for q in captured.captured_queries
              if f"LIMIT {LIMIT + 1}" in q["sql"] and '"raw"' in q["sql"]]
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            times.append(cursor.fetchone()[0][0]["Execution Time"])
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--hidden", type=float, default=0.9,
                        help="share of objects with a hidden TLP:RED revision")
    parser.add_argument("--lag", type=int, default=10_000,
                        help="objects written between a version and its revision")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    url, owner_token = make_collection()
    collection, green_seqs = fill(url, args.objects, args.hidden, args.lag)
    total = collection.__class__.objects.get(pk=collection.pk).last_seq
    from cybercommons.security.models import StixObject

    # The owner's newest versions are the rows flagged latest; the partner's are the GREEN
    # first versions (every revision is hidden from them).
    owner_rows = array("q", StixObject.objects.filter(collection=collection, is_latest=True)
                       .order_by("seq").values_list("seq", flat=True))
    viewers = [
        ("partner (RED hidden)", partner_token(collection), green_seqs),
        ("owner (sees all)", owner_token, owner_rows),
    ]
    print(f"\n## Cybercommons on {connection.vendor}: {args.objects:,} objects, "
          f"{args.hidden:.0%} with a hidden newer version, limit {LIMIT}")
    print(f"{'viewer':22} {'page':>6} {'wall ms':>9} {'CPU ms':>8} {'db ms':>8} {'objects':>8}")
    for who, token, seqs in viewers:
        client = Client(headers={"Accept": TAXII, "Authorization": "Bearer " + token})
        pages = -(-len(seqs) // LIMIT)
        for page in (1, max(2, pages // 2), pages):
            query = {"limit": str(LIMIT)}
            if page > 1:
                query["next"] = token_after(collection, seqs[(page - 1) * LIMIT - 1])
            def get(query: dict[str, str] = query, client: Client = client) -> Any:
                return client.get(url, query)

            wall, cpu, n = timed(get, args.repeat)
            db = database_ms(get, args.repeat)
            db_text = "—" if db is None else f"{db:.1f}"
            print(f"{who:22} {page:>6} {wall:>9.1f} {cpu:>8.1f} {db_text:>8} {n:>8}")
    print(f"({total:,} version rows in the collection)")


if __name__ == "__main__":
    main()
