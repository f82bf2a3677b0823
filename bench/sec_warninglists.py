"""MISP warninglist lookups: load time of the 127 real lists and values checked per second.

The values are a realistic mix of indicator kinds (IPv4, IPv6, domains, URLs, hashes,
e-mail addresses), half of them on some list and half not, each checked against every
list (no attribute type given, the slowest case) and against the lists MISP would use for
its attribute type. No peer tool is named for this figure; MISP does the same lookup in
PHP inside its web application.

Usage: python bench/sec_warninglists.py [--data ../shared/data] [--values 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cybercommons.security.kernel.warninglists import load_warninglists


def shared_data(default: str | None) -> Path:
    """The shared data folder, from the option, CYBERCOMMONS_SHARED_DATA or ../shared/data."""
    configured = default or os.environ.get("CYBERCOMMONS_SHARED_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def sample_values(count: int) -> list[tuple[str, str]]:
    rng = random.Random(42)
    known = [
        ("8.8.8.8", "ip-dst"),
        ("10.1.2.3", "ip-src"),
        ("www.google.com", "domain"),
        ("https://bit.ly/x1", "url"),
        ("d41d8cd98f00b204e9800998ecf8427e", "md5"),
        ("2001:4860:4860::8888", "ip-dst"),
        ("abuse@example.org", "email-dst"),
    ]
    values = []
    for n in range(count):
        if n % 2 == 0:
            values.append(known[n % len(known)])
            continue
        kind = n % 5
        if kind == 0:
            values.append(
                (
                    ".".join(str(rng.randint(1, 223)) for _ in range(4)),
                    "ip-dst",
                )
            )
        elif kind == 1:
            values.append((f"host{rng.randint(0, 10**9)}.evil-{n}.xyz", "domain"))
        elif kind == 2:
            values.append((f"http://c2-{n}.badsite.top/gate.php", "url"))
        elif kind == 3:
            values.append((f"{rng.getrandbits(256):064x}", "sha256"))
        else:
            values.append((f"2001:db8:{n % 65536:x}::{rng.randint(1, 9999):x}", "ip-src"))
    return values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--values", type=int, default=20000)
    args = parser.parse_args()
    folder = shared_data(args.data) / "threat_intel" / "misp_warninglists"

    start, start_cpu = time.perf_counter(), time.process_time()
    index = load_warninglists(folder)
    load_wall, load_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    entries = sum(
        len(w.entries)
        + len(w.substrings)
        + len(w.regexes)
        + sum(len(r.starts) for r in w.ranges.values())
        for w in index.lists
    )
    print(f"loaded {len(index.lists)} lists ({entries:,} indexed entries after merging ranges)")
    print(f"load time: {load_wall:.2f} s wall, {load_cpu:.2f} s CPU; errors: {len(index.errors)}")

    values = sample_values(args.values)
    for label, typed in (
        ("all lists, no attribute type", False),
        ("lists for the MISP attribute type", True),
    ):
        start, start_cpu = time.perf_counter(), time.process_time()
        flagged = sum(bool(index.check(value, kind if typed else None)) for value, kind in values)
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        print(
            f"{label:<36} {len(values):>7,} values  {len(values) / wall:>9,.0f}/s wall"
            f"  {len(values) / cpu:>9,.0f}/CPU-s  flagged {flagged:,}"
        )


if __name__ == "__main__":
    main()
