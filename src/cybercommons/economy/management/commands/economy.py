"""``cybercommons economy …``: import indicator files, list index rankings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cybercommons.core.errors import ServiceError
from cybercommons.core.progress import TerminalBar, Tracker
from cybercommons.economy import queries, services
from cybercommons.economy.importers.formats import FormatError, ImportKind, parse_column_map

REPORT_COLUMNS = ("file", "written", "created", "updated", "countries", "aggregates",
                  "unknown_places", "skipped", "footnote_marker", "non_numeric", "missing_value",
                  "out_of_range")


class Command(BaseCommand):
    help = "Digital-economy observatory: import indicator files, show index rankings."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import indicator files (one report per file)")
        imp.add_argument("kind", choices=[k.value for k in ImportKind])
        imp.add_argument("files", nargs="+", type=Path)
        imp.add_argument("--map", dest="column_map", default=None,
                         help="column map for 'csv': JSON text or a JSON file, e.g. "
                              '{"geo": "iso3", "year": "year", "value": "v", '
                              '"indicator": "MY.CODE"}')
        imp.add_argument("--json", action="store_true", help="print the reports as JSON")
        rank = sub.add_parser("rank", help="rank countries by an index for one year")
        rank.add_argument("index", nargs="?", default="itu-idi-2023")
        rank.add_argument("--year", type=int, default=None)
        rank.add_argument("--top", type=int, default=20)
        rank.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
        else:
            self._rank(options)

    def _import(self, options: dict[str, Any]) -> None:
        column_map = None
        if options["column_map"]:
            try:
                column_map = parse_column_map(options["column_map"])
            except FormatError as error:
                raise CommandError(str(error)) from None
        elif options["kind"] == ImportKind.CSV:
            raise CommandError("a plain CSV import needs --map")
        reports = []
        failed = False
        for path in options["files"]:
            stream: Any = getattr(self.stderr, "_out", None)
            bar = TerminalBar(stream)
            try:
                with Tracker(f"Importing {path.name}", terminal=bar) as tracker:
                    run = services.import_file(None, options["kind"], path,
                                               column_map=column_map, tracker=tracker,
                                               system=True)
            except ServiceError as error:
                failed = True
                reports.append({"file": str(path), "error": error.message})
                self.stderr.write(f"{path}: {error.message}")
                continue
            reports.append({**run.counts, "file": run.file_name, "problems": run.problems[:10]})
        if options["json"]:
            self.stdout.write(json.dumps(reports, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(" | ".join(REPORT_COLUMNS))
            for report in reports:
                if "error" in report:
                    self.stdout.write(f"{report['file']} | failed: {report['error']}")
                    continue
                self.stdout.write(" | ".join(str(report.get(c, "")) for c in REPORT_COLUMNS))
        if failed:
            raise CommandError("some files could not be imported")

    def _rank(self, options: dict[str, Any]) -> None:
        services.ensure_built_in_indices()
        row = queries.index_definition(None, options["index"])
        if row is None:
            raise CommandError(f"no index with the code {options['index']}")
        table = queries.ranking(None, row, year=options["year"])
        rows = table.rows[: options["top"]]
        if options["json"]:
            self.stdout.write(json.dumps({
                "index": row.code, "year": table.year,
                "rows": [{"rank": r.rank, "country": r.country.code, "name": r.country.name,
                          "score": r.score} for r in rows]}, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"{row.name} — {table.year}")
        for r in rows:
            self.stdout.write(f"{r.rank:>5g}  {r.country.code}  {r.score:6.1f}  {r.country.name}")
