"""Import speed of every real indicator file under ``digital_indicators/``: rows per second.

The figure is rows per second INTO THE DATABASE: each file goes through
``cybercommons economy import``'s service (kernel parser, per-record report, batched
idempotent upsert, one transaction per file) on a fresh SQLite database and a fresh
PostgreSQL database, first as new rows, then again as a re-import that updates every
row in place. Each backend runs in its own process.

Before that, the parse-only table: each file parsed with the kernel's streaming parser
and drained into a per-file report, best of three runs, beside the standard library's
``csv.reader`` alone (the floor of any Python CSV parser). No peer tool is named.

Usage: python bench/econ_import.py [--data ../shared/data] [--runs 3]
       [--db sqlite,postgres] [--pg-url postgres://postgres@127.0.0.1:5432/econ_bench]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cybercommons.economy.kernel.observations import ImportReport, Record, collect
from cybercommons.economy.kernel.sources import (
    load_gapminder_iso3,
    read_ddf_datapoints,
    read_owid_csv,
    read_wb_population,
)

PROJECT = Path(__file__).resolve().parent.parent


def default_data() -> Path:
    """The shared data folder, from CYBERCOMMONS_SHARED_DATA or ../shared/data."""
    configured = os.environ.get("CYBERCOMMONS_SHARED_DATA")
    return Path(configured) if configured else (PROJECT / ".." / "shared" / "data").resolve()


def indicator_files(data: Path) -> list[tuple[Path, Callable[[Path], Iterator[Record]]]]:
    """Every indicator file and the parser that reads it."""
    root = data / "digital_indicators"
    gapminder = root / "gapminder_systema_globalis"
    iso3 = load_gapminder_iso3(gapminder / "ddf--entities--geo--country.csv")
    files: list[tuple[Path, Callable[[Path], Iterator[Record]]]] = []
    for path in sorted((gapminder / "datapoints").glob("ddf--datapoints--*.csv")):
        files.append((path, lambda p: read_ddf_datapoints(p, gapminder_iso3=iso3)))
    for path in sorted((root / "un_sdg_ict_series").glob("ddf--datapoints--*.csv")):
        files.append((path, read_ddf_datapoints))
    files.append((root / "worldbank_population" / "population.csv", read_wb_population))
    for path in sorted((root / "owid").glob("*/data.csv")):
        files.append((path, read_owid_csv))
    return files


def csv_only(path: Path) -> int:
    """Rows read by csv.reader alone (the floor)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def import_file(path: Path, reader: Callable[[Path], Iterator[Record]]) -> ImportReport:
    """Parse one file completely into its report."""
    return collect(reader(path), path.name)


def best_time(work: Callable[[], object], runs: int) -> tuple[float, object]:
    """Fastest of ``runs`` wall-clock timings, and the last result."""
    best = float("inf")
    result: object = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def short_name(path: Path) -> str:
    """A readable name: the DDF indicator, or the folder for data.csv files."""
    name = path.name
    if name.startswith("ddf--datapoints--"):
        return name.removeprefix("ddf--datapoints--").split("--by--")[0]
    if name == "data.csv":
        return path.parent.name[:40]
    return name


KIND_OF_FOLDER = {"gapminder_systema_globalis": "ddf", "un_sdg_ict_series": "sdg",
                  "worldbank_population": "population"}


def import_kind(path: Path) -> str:
    """The ``economy import`` format of a shared-data file."""
    for part in path.parts:
        if part in KIND_OF_FOLDER:
            return KIND_OF_FOLDER[part]
    return "owid"


def database_child(data: Path) -> None:
    """Run inside a fresh process whose environment names the database: import twice."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cybercommons.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cybercommons.core.countries import sync_countries
    from cybercommons.economy import services

    call_command("migrate", verbosity=0)
    sync_countries()
    results = []
    for label in ("insert", "re-import"):
        for path, _reader in indicator_files(data):
            start, cpu = time.perf_counter(), time.process_time()
            run = services.import_file(None, import_kind(path), path, system=True)
            seconds = time.perf_counter() - start
            results.append({"pass": label, "file": short_name(path),
                            "rows": run.rows_written, "created": run.created,
                            "updated": run.updated, "seconds": seconds,
                            "cpu": time.process_time() - cpu})
    print(json.dumps({"vendor": connection.vendor, "results": results}))


def drop_scratch(folder: str, pg_url: str) -> None:
    """Remove the scratch data folder and, for PostgreSQL, the scratch database."""
    shutil.rmtree(folder, ignore_errors=True)
    if pg_url:
        import psycopg

        base, _, name = pg_url.rpartition("/")
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def database_figures(data: Path, backends: list[str], pg_url: str) -> None:
    """Import every file into each backend (each in its own process) and print rows/s."""
    for backend in backends:
        env = dict(os.environ)
        folder = tempfile.mkdtemp(prefix="econ-bench-")
        env["CYBERCOMMONS_DATA_DIR"] = folder
        env.pop("DATABASE_URL", None)
        if backend == "postgres":
            import psycopg

            base, _, name = pg_url.rpartition("/")
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = pg_url
        try:
            completed = subprocess.run(
                [sys.executable, __file__, "--child", "--data", str(data)],
                env=env, capture_output=True, text=True, check=True)
        finally:
            drop_scratch(folder, pg_url if backend == "postgres" else "")
        report = json.loads(completed.stdout.strip().splitlines()[-1])
        print()
        print(f"Into the database: {report['vendor']}")
        header = (f"{'pass':10} {'file':42} {'rows':>7} {'new':>7} {'updated':>7} {'s':>7} "
                  f"{'rows/s':>9}")
        print(header)
        print("-" * len(header))
        for label in ("insert", "re-import"):
            rows = [r for r in report["results"] if r["pass"] == label]
            for r in rows:
                print(f"{label:10} {r['file']:42} {r['rows']:7d} {r['created']:7d} "
                      f"{r['updated']:7d} {r['seconds']:7.3f} {r['rows'] / r['seconds']:9,.0f}")
            total = sum(r["rows"] for r in rows)
            seconds = sum(r["seconds"] for r in rows)
            cpu = sum(r["cpu"] for r in rows)
            print(f"{label:10} {'all ' + str(len(rows)) + ' files':42} {total:7d} {'':7} {'':7} "
                  f"{seconds:7.3f} {total / seconds:9,.0f}   (importer process: "
                  f"{cpu:.2f} CPU-s, {total / cpu:,.0f} rows per CPU-s)")


def main() -> None:
    """Parse every file, print rows/s per file and in total; then import into databases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/econ_bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-parse", action="store_true", help="skip the parse-only table")
    args = parser.parse_args()
    if args.child:
        database_child(args.data)
        return
    if not args.no_parse:
        parse_figures(args)
    database_figures(args.data, [b for b in args.db.split(",") if b], args.pg_url)


def parse_figures(args: argparse.Namespace) -> None:
    """The parse-only table (kernel parsers, no database)."""
    files = indicator_files(args.data)
    header = (
        f"{'file':42} {'rows':>7} {'country':>7} {'aggr':>5} {'unkn':>5} {'skip':>5} "
        f"{'s':>7} {'rows/s':>9} {'csv-only rows/s':>15}"
    )
    print(header)
    print("-" * len(header))
    total_rows = 0
    total_seconds = 0.0
    total_csv_seconds = 0.0
    for path, reader in files:
        seconds, result = best_time(partial(import_file, path, reader), args.runs)
        assert isinstance(result, ImportReport)
        csv_seconds, rows = best_time(partial(csv_only, path), args.runs)
        assert isinstance(rows, int)
        total_rows += rows
        total_seconds += seconds
        total_csv_seconds += csv_seconds
        print(
            f"{short_name(path):42} {rows:7d} {len(result.countries):7d} "
            f"{len(result.aggregates):5d} {len(result.unknown):5d} {result.skipped_count:5d} "
            f"{seconds:7.3f} {rows / seconds:9,.0f} {rows / csv_seconds:15,.0f}"
        )
    print("-" * len(header))
    print(
        f"{'all ' + str(len(files)) + ' files':42} {total_rows:7d} {'':7} {'':5} {'':5} {'':5} "
        f"{total_seconds:7.3f} {total_rows / total_seconds:9,.0f} "
        f"{total_rows / total_csv_seconds:15,.0f}"
    )


if __name__ == "__main__":
    main()
