"""``cybercommons governance …``: import a Pol.is export, recount a published ballot file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cybercommons.core.errors import ServiceError
from cybercommons.core.progress import TerminalBar, Tracker
from cybercommons.governance import tallies
from cybercommons.governance.explanations import explain
from cybercommons.governance.importers import polis as polis_importer
from cybercommons.governance.kernel.ballot_file import BallotFileError, recount
from cybercommons.governance.kernel.decision_rules import BallotError
from cybercommons.governance.models import Process


class Command(BaseCommand):
    help = "Consultations: import a Pol.is export into an opinion map; recount a ballot file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-polis", help="import a Pol.is export folder")
        imp.add_argument("folder", type=Path,
                         help="folder with comments.csv, votes.csv, participants-votes.csv")
        imp.add_argument("--process", required=True, help="short name of the consultation")
        imp.add_argument("--json", action="store_true", help="print the report as JSON")
        rec = sub.add_parser("recount", help="recount a published ballot file")
        rec.add_argument("file", type=Path)
        rec.add_argument("--sha256", default=None,
                         help="the published hash: the file must match it")
        rec.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import-polis":
            self._import(options)
        else:
            self._recount(options)

    def _import(self, options: dict[str, Any]) -> None:
        process = Process.objects.filter(slug=options["process"]).first()
        if process is None:
            raise CommandError(f"no consultation has the short name {options['process']}")
        try:
            conversation = polis_importer.read_folder(options["folder"])
            stream: Any = getattr(self.stderr, "_out", None)
            bar = TerminalBar(stream)
            with Tracker(f"Importing {options['folder'].name}", terminal=bar) as tracker:
                report = polis_importer.import_conversation(None, process, conversation,
                                                            system=True, tracker=tracker)
        except ServiceError as error:
            raise CommandError(error.message) from None
        data = report.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        for key, value in data.items():
            if key != "errors":
                self.stdout.write(f"{key:22} {value}")
        rejected = report.errors
        self.stdout.write(f"{'rejected records':22} {len(rejected)}")
        for record in rejected[:20]:
            self.stdout.write(f"  {record.source}:{record.line}: {record.message}")

    def _recount(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = recount(path, options["sha256"])
        except (BallotFileError, BallotError, ValueError) as error:
            raise CommandError(str(error)) from None
        data = tallies.result_json(result)
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(f"rule      {data['rule']}")
        self.stdout.write(f"outcome   {data['outcome']}")
        self.stdout.write(f"eligible  {data['eligible']}")
        if result.winner or result.tied:
            self.stdout.write(f"winner    {result.winner or '-'}")
            self.stdout.write(f"tied      {', '.join(result.tied) or '-'}")
        else:
            self.stdout.write(f"yes       {data['yes']['fraction']}")
            self.stdout.write(f"no        {data['no']['fraction']}")
            self.stdout.write(f"abstain   {data['abstain']}")
        for name, part in data["parts"].items():
            self.stdout.write(f"  {name}: yes {part['yes']['fraction']}, "
                              f"no {part['no']['fraction']}")
        self.stdout.write(f"why       {explain(data['why'])}")
