"""Inbound federation: activities per second accepted and verified by the shared inbox.

Each request goes through the whole stack a remote server meets: Django's middleware and
URL routing, the size and server-policy checks, the HTTP signature verification (RSA-2048,
RFC 9421 with Content-Digest, or draft-cavage with Digest), storing the activity and
enqueuing its processing on the database task queue, and the 202 answer. The sender's key
is already known (the steady state: keys are fetched once per remote actor). Requests are
signed beforehand so that only the receiving side is timed. A second figure times the
background handler (storing each received work) that the queue then runs.

The database is the embedded default (SQLite, WAL) in a temporary folder, or PostgreSQL
with ``--postgres`` (database ``cc_bench_exchange_inbox`` created at 127.0.0.1:5432).

Usage: python bench/exch_inbox.py [--activities 2000] [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

BASE = "http://localhost"


def setup(postgres: bool) -> str:
    os.environ["CYBERCOMMONS_DATA_DIR"] = tempfile.mkdtemp(prefix="cc-inbox-")
    os.environ["CYBERCOMMONS_SITE_URL"] = BASE
    os.environ["DJANGO_SETTINGS_MODULE"] = "cybercommons.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    label = "SQLite (WAL)"
    if postgres:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres",
                             autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS cc_bench_exchange_inbox")
            connection.execute("CREATE DATABASE cc_bench_exchange_inbox")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/cc_bench_exchange_inbox"
        label = "PostgreSQL"
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return label


def signed_requests(count: int, scheme: str, private_key: str, actor: str
                    ) -> list[tuple[bytes, dict[str, str]]]:
    from cybercommons.exchange.kernel import httpsig

    url = BASE + "/ap/inbox"
    prepared = []
    for number in range(count):
        note = {"id": f"{actor}/notes/{scheme}-{number}", "type": "Note", "attributedTo": actor,
                "content": f"<p>Work number {number}</p>", "contentMap": {"en": "<p>Work</p>"},
                "name": f"Work {number}", "license": "https://creativecommons.org/licenses/by/4.0/"}
        activity = {"@context": "https://www.w3.org/ns/activitystreams",
                    "id": f"{actor}/activities/{uuid.uuid4().hex}", "type": "Create",
                    "actor": actor, "object": note}
        body = json.dumps(activity).encode()
        headers = {"Host": "localhost", "Date": httpsig.http_date(time.time()),
                   "Content-Type": "application/activity+json"}
        if scheme == "cavage":
            headers["Digest"] = httpsig.digest_header(body)
            headers.update(httpsig.sign_cavage("POST", url, headers, body,
                                               key_id=actor + "#main-key",
                                               private_key=private_key))
        else:
            headers.update(httpsig.sign_rfc9421("POST", url, headers, body,
                                                key_id=actor + "#main-key",
                                                private_key=private_key))
        meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()
                if k != "Content-Type"}
        prepared.append((body, meta))
    return prepared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    label = setup(args.postgres)

    from django.test import Client

    from cybercommons.exchange.federation import inbound, outbound
    from cybercommons.exchange.kernel import httpsig
    from cybercommons.exchange.models import InboxItem, RemoteActor, RemoteWork

    private, public = outbound.new_key_pair()
    actor = "https://remote.example/users/alice"
    RemoteActor.objects.create(ap_id=actor, domain="remote.example",
                               inbox=actor + "/inbox", key_id=actor + "#main-key",
                               public_key_pem=public, username="alice")
    client = Client()
    # Warm up (URL resolver, lazy imports, the database's caches) outside the timing.
    for body, meta in signed_requests(50, "rfc9421", private, actor):
        client.post("/ap/inbox", body, content_type="application/activity+json", **meta)
    print(f"{label}; {args.activities} Create activities per scheme, RSA-2048 keys\n")
    print(f"{'scheme':<12}{'verify only /s':>16}{'inbox accepted /s':>20}{'p50 ms':>9}"
          f"{'p95 ms':>9}")
    for scheme in ("rfc9421", "cavage"):
        requests = signed_requests(args.activities, scheme, private, actor)
        started = time.perf_counter()
        for body, meta in requests:
            headers = {k[5:].replace("_", "-"): v for k, v in meta.items()}
            httpsig.verify_request("POST", BASE + "/ap/inbox", headers, body, public_key=public)
        verify_rate = len(requests) / (time.perf_counter() - started)
        latencies = []
        started = time.perf_counter()
        for body, meta in requests:
            began = time.perf_counter()
            answer = client.post("/ap/inbox", body, content_type="application/activity+json",
                                 **meta)
            latencies.append((time.perf_counter() - began) * 1000)
            if answer.status_code != 202:
                raise SystemExit(f"refused: {answer.status_code} {answer.content[:200]!r}")
        rate = len(requests) / (time.perf_counter() - started)
        latencies.sort()
        print(f"{scheme:<12}{verify_rate:>16,.0f}{rate:>20,.0f}"
              f"{latencies[len(latencies) // 2]:>9.2f}"
              f"{latencies[int(len(latencies) * 0.95)]:>9.2f}")
    stored = InboxItem.objects.count()
    started = time.perf_counter()
    handled = inbound.process_pending()
    seconds = time.perf_counter() - started
    print(f"\nstored {stored:,} activities; background handler: {handled / seconds:,.0f} "
          f"activities/s ({RemoteWork.objects.count():,} works stored)")


if __name__ == "__main__":
    main()
