"""Import speed of every real indicator file under ``digital_indicators/``: rows per second.

Each file is parsed with the economy kernel's streaming parser and drained into a
per-file report (countries apart from aggregates, problems counted); best of three
runs. Side by side, the same file read with the standard library's ``csv.reader``
alone: the floor any CSV parser in Python starts from, so the cost of validation,
classification and record building is visible. No peer tool is named for this figure.

Usage: python bench/econ_import.py [--data ../shared/data] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
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


def main() -> None:
    """Parse every file, print rows/s per file and in total."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
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
