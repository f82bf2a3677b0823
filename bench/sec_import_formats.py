"""Import conversion speed: CSV rows to STIX indicators, and the real MISP events to STIX.

CSV: 100,000 rows of mixed types (IPv4, IPv6, domains, URLs, MD5/SHA-1/SHA-256, e-mail),
1 % of them malformed, converted and validated (the per-row path an importer runs before
storing). MISP: the ten real events through ``misp-stix`` plus the kernel's clean-up and
validation. Wall and CPU time are both shown because the reference machine is shared.

Usage: python bench/sec_import_formats.py [--data ../shared/data] [--rows 100000]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cybercommons.security.kernel.formats import import_indicator_csv, misp_event_to_bundle


def shared_data(default: str | None) -> Path:
    """The shared data folder, from the option, CYBERCOMMONS_SHARED_DATA or ../shared/data."""
    configured = default or os.environ.get("CYBERCOMMONS_SHARED_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def make_csv(rows: int) -> str:
    rng = random.Random(1)
    out = io.StringIO()
    out.write("type,value,tlp\n")
    for n in range(rows):
        kind = n % 8
        if n % 100 == 99:
            out.write("ipv4-addr,300.1.2.3,\n")  # malformed on purpose
        elif kind == 0:
            out.write(
                f"ipv4-addr,{'.'.join(str(rng.randint(1, 254)) for _ in range(4))},TLP:GREEN\n"
            )
        elif kind == 1:
            out.write(f"ipv6-addr,2001:db8:{n % 65536:x}::{rng.randint(1, 65535):x},\n")
        elif kind == 2:
            out.write(f"domain-name,host{n}.example-{rng.randint(0, 999)}.org,\n")
        elif kind == 3:
            out.write(f"url,https://c2-{n}.example.net/gate.php?id={n},TLP:AMBER\n")
        elif kind == 4:
            out.write(f"md5,{rng.getrandbits(128):032x},\n")
        elif kind == 5:
            out.write(f"sha-1,{rng.getrandbits(160):040x},\n")
        elif kind == 6:
            out.write(f"sha-256,{rng.getrandbits(256):064x},\n")
        else:
            out.write(f"email-addr,user{n}@mail-{rng.randint(0, 99)}.example.com,\n")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    text = make_csv(args.rows)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    start, start_cpu = time.perf_counter(), time.process_time()
    result = import_indicator_csv(text, now=now)
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(
        f"CSV {args.rows:,} rows: {len(result.indicators):,} indicators, "
        f"{len(result.errors):,} row errors; {args.rows / wall:,.0f} rows/s wall, "
        f"{args.rows / cpu:,.0f} rows/CPU-s"
    )

    folder = shared_data(args.data) / "threat_intel" / "misp_events"
    events = sorted(folder.glob("5*.json"))
    misp_event_to_bundle(events[0].read_text("utf-8"))  # import misp-stix once, untimed
    total = 0
    start, start_cpu = time.perf_counter(), time.process_time()
    for path in events:
        conversion = misp_event_to_bundle(path.read_text("utf-8"))
        total += len(conversion.bundle["objects"])
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    print(
        f"MISP {len(events)} real events -> {total:,} STIX objects: {wall:.2f} s wall, "
        f"{cpu:.2f} s CPU ({total / cpu:,.0f} objects/CPU-s)"
    )


if __name__ == "__main__":
    main()
