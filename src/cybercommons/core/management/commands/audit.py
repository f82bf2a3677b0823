"""``cybercommons audit verify``: recompute the audit hash chain and report any break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cybercommons.core import audit
from cybercommons.core.models import AuditHead


class Command(BaseCommand):
    help = "Work with the append-only audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the hash chain and report edited or removed "
                                      "entries (exit status 1 when the chain is broken)")
        sub.add_parser("head", help="print the last sequence number and hash (to anchor "
                                    "elsewhere)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            head = AuditHead.objects.filter(id=1).first()
            self.stdout.write(f"{head.seq} {head.hash}" if head else "0 (empty)")
            return
        count, problems = audit.verify()
        if problems:
            for problem in problems:
                self.stderr.write(f"entry #{problem.seq}: {problem.reason}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in "
                               f"{count} entries")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {count} entries verified"))
