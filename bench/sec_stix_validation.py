"""STIX 2.1 validation throughput: the kernel validator beside the OASIS JSON schemas and
the ``stix2`` library's parser, on the real bundles (ATT&CK for ICS, APT1, Poison Ivy).

What each one checks differs: the OASIS schemas (via ``jsonschema``) check structure and
syntax only; ``stix2.parse`` builds Python objects and checks properties and patterns;
the kernel checks the specification's rules (ids, timestamps and their order, references
and their target types, TLP ids, patterns) and reports every problem per object.

Usage: python bench/sec_stix_validation.py [--data ../shared/data] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import stix2
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from cybercommons.security.kernel.formats import indicator_for
from cybercommons.security.kernel.stix_validation import validate_objects

BUNDLES = [
    "mitre_attack/ics-attack.json",
    "stix21/examples/threat-reports/apt1.json",
    "stix21/examples/threat-reports/poisonivy.json",
]


ENVELOPE = "envelope-1000"  # a TAXII POST of 1,000 single-comparison indicators
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def shared_data(default: str | None) -> Path:
    """The shared data folder, from the option, CYBERCOMMONS_SHARED_DATA or ../shared/data."""
    configured = default or os.environ.get("CYBERCOMMONS_SHARED_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def schema_checker(folder: Path) -> Callable[[dict[str, Any]], bool]:
    registry: Registry = Registry()
    validators: dict[str, Draft202012Validator] = {}
    schemas = {}
    for path in folder.rglob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
        schemas[path.stem] = schema
    for name, schema in schemas.items():
        validators[name] = Draft202012Validator(schema, registry=registry)
    core = validators["core"]

    def check(obj: dict[str, Any]) -> bool:
        # Custom types (x-mitre-*) have no schema; the common core schema applies.
        return validators.get(obj["type"], core).is_valid(obj)

    return check


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in seconds.

    CPU time is reported beside wall time because the reference machine is shared: it
    shows what one core delivers when it is not waiting for others.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = shared_data(args.data) / "threat_intel"
    schema_ok = schema_checker(data / "stix21" / "schemas")
    envelope = [
        indicator_for("ipv4-addr", f"10.{n // 65536}.{n // 256 % 256}.{n % 256}", now=NOW)
        for n in range(1000)
    ]
    # One in four is a file hash, as in real feeds.
    envelope[::4] = [
        indicator_for("sha-256", f"{n + 1:064x}", now=NOW) for n in range(len(envelope[::4]))
    ]

    print(
        f"{'bundle':<16}{'objects':>8}  {'tool':<34}{'median':>10}"
        f"{'objects/s':>12}{'per CPU-s':>14}{'refused':>9}"
    )
    for name in [*BUNDLES, ENVELOPE]:
        if name == ENVELOPE:
            objects = envelope
        else:
            objects = json.loads((data / name).read_text(encoding="utf-8"))["objects"]
        count = len(objects)
        kernel_refused = sum(not r.ok for r in validate_objects(objects))
        schema_refused = sum(not schema_ok(o) for o in objects)

        def stix2_parse(objs: list[dict[str, Any]] = objects) -> int:
            refused = 0
            for obj in objs:
                try:
                    stix2.parse(obj, allow_custom=True)
                except Exception:
                    refused += 1
            return refused

        stix2_refused = stix2_parse()
        runs = [
            (
                "cybercommons kernel validator",
                lambda o=objects: list(validate_objects(o)),
                kernel_refused,
            ),
            (
                "OASIS JSON schemas (jsonschema)",
                lambda o=objects: [schema_ok(x) for x in o],
                schema_refused,
            ),
            ("stix2.parse (allow_custom)", stix2_parse, stix2_refused),
        ]
        for tool, function, refused in runs:
            seconds, cpu = timed(function, args.repeat)
            print(
                f"{Path(name).stem:<16}{count:>8}  {tool:<34}{seconds * 1000:>8.1f}ms"
                f"{count / seconds:>12,.0f}{count / cpu:>14,.0f}{refused:>9}"
            )


if __name__ == "__main__":
    main()
