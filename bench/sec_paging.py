"""TAXII paging: time to fetch page 1 and a deep page (limit 1,000) of a large collection.

    .venv/bin/python bench/sec_paging.py [--objects 1000000] [--database-url …] [--peer]

Fills one collection with ``--objects`` indicator versions (written straight into the
store, 10 % of them of another type so that filters select a subset), then times GET
objects at page 1, a middle page and the last page, each the median of ``--repeat`` runs,
without a filter, with ``match[type]`` and with ``added_after``. A deep page is reached
with the ``next`` token the server would have handed out there (the same token a client
following ``next`` from page 1 receives). ``--peer`` runs OASIS medallion's memory
backend at ``--peer-objects`` objects, following ``next`` page by page.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import UTC, datetime, timedelta

from sec_common import TAXII, indicators, make_collection, medallion_client, setup_django

LIMIT = 1000


def fill(collection_url: str, count: int) -> object:
    """Write ``count`` versions into the collection; returns the collection."""
    from django.db import transaction

    from cybercommons.core.models import Organisation, User
    from cybercommons.security import version_rows
    from cybercommons.security.models import Collection

    collection = Collection.objects.get(pk=collection_url.split("/")[4])
    org = Organisation.objects.get(slug="bench-cert")
    user = User.objects.get(username="bench")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    made = 0
    t0 = time.perf_counter()
    while made < count:
        batch = min(10_000, count - made)
        rows = []
        for obj in indicators(batch, made):
            made += 1
            kind = "indicator" if made % 10 else "malware"
            stix_id = obj["id"].replace("indicator", kind)
            added = start + timedelta(microseconds=made)
            obj["type"], obj["id"] = kind, stix_id
            rows.append({
                "collection_id": collection.pk, "seq": made, "date_added": added,
                "stix_id": stix_id, "type": kind, "spec_version": "2.1",
                "created": start, "modified": start, "version": start,
                "version_key": "2024-01-01T00:00:00.000000Z", "is_latest": True,
                "is_first": True, "raw": json.dumps(obj), "name": obj["name"],
                "labels": "|scanner|", "created_by_ref": "", "marking_refs": "",
                "tlp": "green", "tlp_rank": 1, "owner_org_id": org.pk, "added_by_id": user.pk,
            })
        with transaction.atomic():
            version_rows.insert(rows)
    Collection.objects.filter(pk=collection.pk).update(
        last_seq=made, last_date_added=start + timedelta(microseconds=made))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"filled {count:,} versions in {time.perf_counter() - t0:.1f} s")
    return collection


def token_at(collection: object, params: dict[str, str], seq: int, added: datetime) -> str:
    """The ``next`` token the server issues after the row at ``seq`` for these filters."""
    from cybercommons.security import queries
    from cybercommons.security.kernel.taxii_filters import Endpoint, parse_filters
    from cybercommons.security.kernel.taxii_paging import PagePosition, encode_cursor

    spec = parse_filters(params, Endpoint.OBJECTS)
    scope = f"bench/{collection.pk}/objects"  # type: ignore[attr-defined]
    return encode_cursor(PagePosition(added, seq), spec.fingerprint(scope), queries.paging_key())


def timed(get, repeat: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = get()
        times.append(time.perf_counter() - t0)
        count = len(json.loads(response.content).get("objects", []))
    return statistics.median(times) * 1000, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--peer", action="store_true")
    parser.add_argument("--peer-objects", type=int, default=10_000)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    url, token = make_collection()
    collection = fill(url, args.objects)
    client = Client(headers={"Accept": TAXII, "Authorization": "Bearer " + token})
    print(f"\n## Cybercommons on {connection.vendor}, {args.objects:,} versions, limit {LIMIT}")
    print(f"{'filter':28} {'page':>8} {'ms (median)':>12} {'objects':>8}")
    half = args.objects // 2
    cases = [
        # (label, filters, rows selected, seq of the k-th selected row)
        ("none", {}, args.objects, lambda k: k),
        ("match[type]=malware", {"match[type]": "malware"}, args.objects // 10,
         lambda k: k * 10),
        ("added_after=middle", {"added_after": (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(
            microseconds=half)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}, args.objects - half,
         lambda k: half + k),
    ]
    for label, params, selected, seq_of in cases:
        base = {**params, "limit": str(LIMIT)}
        ms, n = timed(lambda base=base: client.get(url, base), args.repeat)
        print(f"{label:28} {1:>8} {ms:>12.1f} {n:>8}")
        last_page = max(1, selected // LIMIT)
        for page in sorted({last_page // 2, last_page}):
            if page <= 1:
                continue
            # A client following next from page 1 holds this token when it asks for page.
            seq = seq_of((page - 1) * LIMIT)
            added = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(microseconds=seq)
            query = {**base, "next": token_at(collection, params, seq, added)}
            ms, n = timed(lambda query=query: client.get(url, query), args.repeat)
            print(f"{label:28} {page:>8} {ms:>12.1f} {n:>8}")

    if args.peer:
        flask_client, peer_url, headers = medallion_client(max_page_size=LIMIT)
        print(f"\n## OASIS medallion 3.0.0 (memory backend), {args.peer_objects:,} objects")
        t0 = time.perf_counter()
        for start in range(0, args.peer_objects, LIMIT):
            body = json.dumps({"objects": indicators(LIMIT, start)})
            flask_client.post(peer_url, data=body, headers={**headers, "Content-Type": TAXII})
        print(f"filled in {time.perf_counter() - t0:.1f} s")
        print(f"{'filter':28} {'page':>8} {'ms':>12} {'objects':>8}")
        t0 = time.perf_counter()
        response = flask_client.get(peer_url, query_string={"limit": str(LIMIT)},
                                    headers=headers)
        body = response.get_json()
        print(f"{'none':28} {1:>8} {(time.perf_counter() - t0) * 1000:>12.1f} "
              f"{len(body.get('objects', [])):>8}")
        page = 1
        while body.get("more") and body.get("next"):
            page += 1
            t0 = time.perf_counter()
            response = flask_client.get(peer_url, headers=headers, query_string={
                "limit": str(LIMIT), "next": body["next"]})
            body = response.get_json()
            elapsed = (time.perf_counter() - t0) * 1000
            if page in (2, args.peer_objects // LIMIT // 2) or not body.get("more"):
                print(f"{'none':28} {page:>8} {elapsed:>12.1f} "
                      f"{len(body.get('objects', [])):>8}")


if __name__ == "__main__":
    main()
