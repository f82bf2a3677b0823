"""Ingest rate of the TAXII server: objects per second added by POST, envelopes of 1,000.

    .venv/bin/python bench/sec_ingest.py [--seconds 240] [--max-objects 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/sec_bench] [--peer]

Posts envelopes of 1,000 new indicators into one collection until the time budget or the
object count is reached, and prints, every ``--every`` envelopes, the collection size and
the mean time per envelope of the last stretch (wall clock, and the CPU time of this
process, which is all of the work on SQLite and stays meaningful on a busy machine): flat
times mean ingest does not slow down as the collection grows. ``--peer`` runs OASIS
medallion (memory backend) the same way, side by side, under its own budget.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from sec_common import TAXII, indicators, make_collection, medallion_client, setup_django

ENVELOPE = 1000


def run(post, label: str, seconds: float, max_objects: int, every: int) -> None:
    print(f"\n## {label}")
    print(f"{'objects in collection':>22} {'ms/envelope (mean of last)':>28} {'objects/s':>10}"
          f" {'CPU ms/envelope':>16}")
    started = time.perf_counter()
    total = 0
    stretch: list[float] = []
    cpu_stretch: list[float] = []
    all_times: list[float] = []
    while total < max_objects and time.perf_counter() - started < seconds:
        body = json.dumps({"objects": indicators(ENVELOPE, total)})
        t0, c0 = time.perf_counter(), time.process_time()
        status, stored = post(body)
        elapsed = time.perf_counter() - t0
        cpu_stretch.append(time.process_time() - c0)
        if status != 202 or stored != ENVELOPE:
            raise SystemExit(f"{label}: POST answered {status} with {stored} stored")
        total += ENVELOPE
        stretch.append(elapsed)
        all_times.append(elapsed)
        if len(stretch) == every:
            mean = statistics.mean(stretch)
            cpu = statistics.mean(cpu_stretch)
            print(f"{total:>22,} {mean * 1000:>28.1f} {ENVELOPE / mean:>10,.0f}"
                  f" {cpu * 1000:>16.1f}")
            stretch, cpu_stretch = [], []
    wall = time.perf_counter() - started
    server = sum(all_times)
    print(f"total {total:,} objects in {wall:.1f} s wall; server time {server:.1f} s = "
          f"{total / server:,.0f} objects/s; first 10 envelopes "
          f"{statistics.mean(all_times[:10]) * 1000:.1f} ms, last 10 "
          f"{statistics.mean(all_times[-10:]) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=240)
    parser.add_argument("--max-objects", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--peer", action="store_true", help="also run OASIS medallion")
    parser.add_argument("--peer-seconds", type=float, default=120)
    parser.add_argument("--peer-max-objects", type=int, default=100_000)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    url, token = make_collection()
    client = Client(headers={"Accept": TAXII, "Authorization": "Bearer " + token})

    def post_ours(body: str) -> tuple[int, int]:
        response = client.post(url, body, content_type=TAXII)
        return response.status_code, response.json().get("success_count", 0)

    run(post_ours, f"Cybercommons on {connection.vendor}", args.seconds, args.max_objects,
        args.every)

    if args.peer:
        flask_client, peer_url, headers = medallion_client()

        def post_medallion(body: str) -> tuple[int, int]:
            response = flask_client.post(peer_url, data=body,
                                         headers={**headers, "Content-Type": TAXII})
            return response.status_code, response.get_json().get("success_count", 0)

        run(post_medallion, "OASIS medallion 3.0.0 (memory backend)", args.peer_seconds,
            args.peer_max_objects, max(1, args.every // 5))


if __name__ == "__main__":
    main()
