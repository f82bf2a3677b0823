"""``cybercommons security …``: import files, list collections, run TAXII subscriptions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import TerminalBar, Tracker
from cybercommons.security import federation
from cybercommons.security.importers.files import KINDS, import_file, import_url
from cybercommons.security.models import Collection, StixObject, Subscription


class Command(BaseCommand):
    help = "Threat intelligence: import STIX/MISP/CSV files, list collections, run subscriptions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import files into a collection (one report each)")
        imp.add_argument("kind", choices=KINDS)
        imp.add_argument("files", nargs="+",
                         help="files, or http(s) URLs of STIX bundles or MISP events")
        imp.add_argument("--collection", required=True, help="collection id or alias")
        imp.add_argument("--user", required=True, help="the account the import acts for")
        imp.add_argument("--json", action="store_true", help="print the reports as JSON")
        lst = sub.add_parser("collections", help="list collections with their object counts")
        lst.add_argument("--json", action="store_true")
        run = sub.add_parser("sync", help="run TAXII subscriptions now (all, or those named)")
        run.add_argument("ids", nargs="*", type=int)
        run.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            self._import(options)
        elif action == "collections":
            self._collections(options)
        else:
            self._sync(options)

    def _import(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no account {options['user']!r}")
        key = options["collection"]
        collection = Collection.objects.filter(alias=key).first()
        if collection is None and len(key) in (32, 36):
            collection = Collection.objects.filter(pk=key).first()
        if collection is None:
            raise CommandError(f"no collection {key!r} (give its id or alias)")
        stream: Any = getattr(self.stderr, "_out", None)
        reports = []
        failed = False
        for path in options["files"]:
            # One bar per file, counting its records as they are checked: a large bundle
            # takes minutes, and the bar shows it is moving.
            name = path.rsplit("/", 1)[-1] or path
            try:
                with Tracker(f"Importing {name}", terminal=TerminalBar(stream)) as tracker:
                    if path.startswith(("http://", "https://")):
                        report = import_url(user, collection, options["kind"], path,
                                            tracker=tracker)
                    else:
                        report = import_file(user, collection, options["kind"],
                                             Path(path).read_bytes(), tracker=tracker)
            except (OSError, ServiceError) as error:
                failed = True
                reports.append({"file": str(path), "error": str(error)})
            except PermissionDenied as error:
                raise CommandError(str(error)) from None
            else:
                reports.append({"file": str(path), **report.as_dict()})
        if options["json"]:
            self.stdout.write(json.dumps(reports, indent=2))
        else:
            self.stdout.write(f"{'file':40} {'stored':>8} {'held':>8} {'refused':>8}")
            for item in reports:
                if "error" in item:
                    self.stdout.write(f"{item['file'][-40:]:40} error: {item['error']}")
                    continue
                self.stdout.write(f"{item['file'][-40:]:40} {item['stored']:>8} "
                                  f"{item['duplicates']:>8} {len(item['problems']):>8}")
                for problem in item["problems"][:20]:
                    self.stdout.write(f"    {problem}")
        if failed:
            raise CommandError("some files could not be imported")

    def _collections(self, options: dict[str, Any]) -> None:
        rows: list[dict[str, Any]] = [{"id": str(c.pk), "api_root": c.api_root.slug,
                 "alias": c.alias,
                 "title": c.title, "tlp": c.tlp,
                 "objects": StixObject.objects.filter(collection=c).count()}
                for c in Collection.objects.select_related("api_root").order_by("title")]
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['id']}  {row['api_root']:20} {row['title'][:30]:30} "
                              f"{row['tlp']:12} {row['objects']:>9}")

    def _sync(self, options: dict[str, Any]) -> None:
        subscriptions = Subscription.objects.select_related("owner", "organisation",
                                                            "local_collection")
        if options["ids"]:
            subscriptions = subscriptions.filter(pk__in=options["ids"])
        results: list[dict[str, Any]] = []
        for subscription in subscriptions:
            try:
                result = federation.run(subscription)
            except Exception as error:  # report every subscription, then fail
                results.append({"id": subscription.pk, "name": subscription.name,
                                "error": str(error)})
            else:
                results.append({"id": subscription.pk, "name": subscription.name,
                                "moved": result.moved, "pages": result.pages,
                                "refused": result.refused})
        if options["json"]:
            self.stdout.write(json.dumps(results, indent=2))
        else:
            for item in results:
                self.stdout.write(json.dumps(item))
        if any("error" in item for item in results):
            raise CommandError("some subscriptions failed")
