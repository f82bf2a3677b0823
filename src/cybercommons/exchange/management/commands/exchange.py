"""``cybercommons exchange …``: import works and hash lists, run federation deliveries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import TerminalBar, Tracker


class Command(BaseCommand):
    help = "Cultural exchange: import works and hash lists, deliver federation activities."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import works (CSV/JSON with files) or a hash list")
        imp.add_argument("kind", choices=["works", "hashes"])
        imp.add_argument("files", nargs="+", type=Path)
        imp.add_argument("--as", dest="username", required=True,
                         help="the account the import acts as (an editor, or a moderator for "
                              "hash lists)")
        imp.add_argument("--name", default="", help="the hash list's name (hashes only)")
        imp.add_argument("--source", default="", help="where the hash list comes from")
        imp.add_argument("--json", action="store_true", help="print the reports as JSON")
        sub.add_parser("deliver", help="post every federation delivery that is due")
        follow = sub.add_parser("follow", help="make an organisation follow a remote actor")
        follow.add_argument("organisation", help="the organisation's short name")
        follow.add_argument("actor", help="the remote actor's address (https://…)")
        follow.add_argument("--as", dest="username", required=True,
                            help="an administrator of the organisation")
        sub.add_parser("process-inbox", help="handle every received activity not yet handled")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "deliver":
            from cybercommons.exchange.federation import outbound

            self.stdout.write(f"{outbound.deliver_due()} deliveries attempted")
            return
        if action == "process-inbox":
            from cybercommons.exchange.federation import inbound

            self.stdout.write(f"{inbound.process_pending()} activities handled")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no account named {options['username']!r}")
        if action == "follow":
            self._follow(user, options["organisation"], options["actor"])
            return
        reports = []
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"file not found: {path}")
            try:
                reports.append(self._import(options["kind"], user, path, options))
            except ServiceError as error:
                raise CommandError(error.message) from None
            except PermissionError as error:
                raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(json.dumps(reports, ensure_ascii=False, indent=2))
            return
        for report in reports:
            self.stdout.write(
                f"{report['file']}: {report['created']} created, {report['updated']} updated, "
                f"{report['held']} held, {len(report['errors'])} skipped")
            for problem in report["errors"][:50]:
                self.stdout.write(f"  record {problem['record']}: {problem['message']}")

    def _follow(self, user: User, slug: str, actor_url: str) -> None:
        from django.core.exceptions import PermissionDenied

        from cybercommons.core.models import Organisation
        from cybercommons.exchange import services

        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"no organisation named {slug!r}")
        try:
            following = services.follow_remote(user, organisation, actor_url)
        except ServiceError as error:
            raise CommandError(error.message) from None
        except PermissionDenied as error:
            raise CommandError(str(error) or "permission denied") from None
        self.stdout.write(f"follow request sent to {following.remote.ap_id}")

    def _import(self, kind: str, user: User, path: Path, options: dict[str, Any]
                ) -> dict[str, Any]:
        from django.core.exceptions import PermissionDenied

        from cybercommons.exchange import services
        from cybercommons.exchange.importers.works import ImportFormatError, import_works

        try:
            if kind == "hashes":
                with path.open(encoding="utf-8", errors="replace") as handle:
                    report = services.import_hash_list(
                        user, name=options["name"] or path.stem, lines=handle,
                        source=options["source"])
                return {"file": path.name, "created": report.created,
                        "updated": report.updated, "held": report.held,
                        "errors": [{"record": e["line"], "code": e["code"],
                                    "params": e["params"], "message": e["message"]}
                                   for e in report.skipped]}
            bar = TerminalBar()
            with Tracker(f"Importing works from {path.name}", terminal=bar) as tracker:
                works = import_works(user, path, progress=lambda n: tracker.advance())
                tracker.finish(result=works.as_dict())
            return works.as_dict()
        except ImportFormatError as error:
            raise CommandError(str(error)) from None
        except PermissionDenied as error:
            raise CommandError(str(error) or "permission denied") from None
