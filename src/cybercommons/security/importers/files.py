"""Import one file into a collection: a STIX 2.1 bundle, a MISP event or a CSV of indicators.

Every record is validated on its own: bad ones are reported with their reason and
skipped, good ones land. The store is idempotent (a version already held is not stored
again), so importing the same file twice adds nothing the second time. Each file is
written in one transaction by ``services.add_objects``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.security import policy, services
from cybercommons.security.envelope_reader import EnvelopeError, RawObject, read_objects
from cybercommons.security.importers import url_fetch
from cybercommons.security.kernel.formats import CsvFormatError, import_indicator_csv
from cybercommons.security.kernel.misp_conversion import MispFormatError, misp_event_to_bundle
from cybercommons.security.kernel.stix_validation import load_json
from cybercommons.security.models import Collection, StixObject

KINDS = ("stix", "misp", "csv")


@dataclass
class ImportReport:
    """What one file gave: objects stored, already held, and every record refused.

    ``accepted`` names each object kept (stored, or already held: ``duplicate`` is true);
    ``rejected`` names each record refused (an object id, a CSV line or a MISP attribute)
    with the reason. ``problems`` is the same refusals as one line each, for the CLI.
    """

    stored: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def refuse(self, record: str, reason: str) -> None:
        self.rejected.append({"record": record, "reason": reason})
        self.problems.append(f"{record}: {reason}")

    def as_dict(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates,
                "problems": self.problems, "notes": self.notes}

    def details(self, limit: int) -> dict[str, Any]:
        """The per-record report, each list cut at ``limit`` entries (with its full count)."""
        return {"stored": self.stored, "duplicates": self.duplicates, "notes": self.notes,
                "accepted_count": len(self.accepted), "rejected_count": len(self.rejected),
                "accepted": self.accepted[:limit], "rejected": self.rejected[:limit]}


def _report(outcome: services.AddOutcome, report: ImportReport) -> ImportReport:
    report.stored += outcome.stored
    report.duplicates += outcome.duplicates
    for success in outcome.successes:
        entry: dict[str, Any] = {"id": success["id"], "duplicate": "message" in success}
        if success.get("version"):
            entry["version"] = success["version"]
        report.accepted.append(entry)
    for failure in outcome.failures:
        report.refuse(failure.get("id") or "?", failure["message"])
    return report


_STAMPS = ("created", "modified", "valid_from")


def _changed_only(collection: Collection, indicators: list[dict[str, Any]]
                  ) -> tuple[list[dict[str, Any]], int]:
    """Drop CSV indicators identical to the stored latest version; date changed ones.

    A CSV row has no version of its own (its indicator id comes from type and value), so
    a re-import would otherwise add a new version at every run. An unchanged row is a
    duplicate; a changed row becomes a new version that keeps the first ``created``.
    """
    ids = [obj["id"] for obj in indicators]
    latest: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        rows = StixObject.objects.filter(collection=collection, stix_id__in=ids[start:start + 500],
                                         is_latest=True).values_list("stix_id", "raw")
        latest.update((stix_id, json.loads(raw)) for stix_id, raw in rows)
    fresh, unchanged = [], 0
    for obj in indicators:
        stored = latest.get(obj["id"])
        if stored is None:
            fresh.append(obj)
            continue
        same = ({k: v for k, v in obj.items() if k not in _STAMPS}
                == {k: v for k, v in stored.items() if k not in _STAMPS})
        if same:
            unchanged += 1
        else:
            fresh.append({**obj, "created": stored.get("created", obj["created"])})
    return fresh, unchanged


class _Counted(list[RawObject]):
    """The records handed to ``services.add_objects``; each one taken advances a tracker.

    The service checks every record before it stores any, so counting the records as it
    takes them shows how far a long import has got without the service knowing of
    progress. (A list, so that the service may also measure or index it.)
    """

    def __init__(self, items: list[RawObject], tracker: Tracker) -> None:
        super().__init__(items)
        self.tracker = tracker

    def __iter__(self) -> Iterator[RawObject]:
        for item in super().__iter__():
            yield item
            self.tracker.advance()


def _store(actor: User, collection: Collection, items: list[RawObject],
           report: ImportReport, tracker: Tracker | None) -> ImportReport:
    if tracker is not None:
        tracker.set_total(len(items))
        items = _Counted(items, tracker)
    return _report(services.add_objects(actor, collection, items, record_status=False),
                   report)


def _raw(objects: list[dict[str, Any]]) -> list[RawObject]:
    """Objects built here (from a MISP event or CSV rows): their raw text is their JSON."""
    return [RawObject(json.dumps(obj, ensure_ascii=False), obj) for obj in objects]


def import_file(actor: User, collection: Collection, kind: str, data: bytes | str, *,
                tracker: Tracker | None = None) -> ImportReport:
    """Import ``data`` of the given kind (``stix``, ``misp`` or ``csv``) into a collection.

    ``tracker``, if given, gets the number of records as its total and advances by one
    for each record checked.
    """
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ServiceError(_("The document is not UTF-8 text (byte %(at)d).")
                           % {"at": exc.start}) from None
    report = ImportReport()
    if kind == "stix":
        try:
            members, items = read_objects(text)
        except EnvelopeError as exc:
            raise ServiceError(_("Not a STIX bundle: %(error)s") % {"error": exc}) from None
        if not items and members.get("type") not in (None, "bundle") and "id" in members:
            # A file holding one object rather than a bundle: store that object.
            items = [RawObject(text.strip(), load_json(text))]
        elif members.get("type") != "bundle":
            raise ServiceError(_('Not a STIX bundle: "type" must be "bundle".'))
        return _store(actor, collection, items, report, tracker)
    if kind == "misp":
        try:
            conversion = misp_event_to_bundle(text)
        except MispFormatError as exc:
            raise ServiceError(_("Not a MISP event: %(error)s") % {"error": exc}) from None
        report.notes.extend(conversion.notes)
        for rejected in conversion.rejected:
            report.refuse(str(rejected.id or rejected.index),
                          "; ".join(str(p) for p in rejected.errors))
        objects = conversion.bundle.get("objects", [])
        return _store(actor, collection, _raw(objects), report, tracker)
    if kind == "csv":
        try:
            result = import_indicator_csv(text)
        except CsvFormatError as exc:
            raise ServiceError(_("Not a CSV of indicators: %(error)s") % {"error": exc}) from None
        for error in result.errors:
            report.refuse(_("line %(line)s") % {"line": error.line},
                          f"{error.column} {error.value!r}: {error.reason}")
        fresh, unchanged = _changed_only(collection, result.indicators)
        report.duplicates += unchanged
        return _store(actor, collection, _raw(fresh), report, tracker)
    raise unknown_format(kind)


def unknown_format(kind: str) -> ServiceError:
    return ServiceError(_("Unknown format %(kind)s: use stix, misp or csv.") % {"kind": kind},
                        field="kind")


_ACCEPT = {"stix": "application/stix+json, application/json",
           "misp": "application/json", "csv": "text/csv, text/plain"}


def import_url(actor: User, collection: Collection, kind: str, url: str, *,
               max_bytes: int = url_fetch.MAX_BYTES,
               timeout: float = url_fetch.TIMEOUT_SECONDS,
               tracker: Tracker | None = None) -> ImportReport:
    """Fetch a STIX bundle, a MISP event or a CSV from ``url`` and import it like a file."""
    check_url_import(actor, collection, kind, url)
    return import_file(actor, collection, kind,
                       url_fetch.fetch(url, max_bytes=max_bytes, timeout=timeout,
                                       accept=_ACCEPT[kind]), tracker=tracker)


def check_url_import(actor: User, collection: Collection, kind: str, url: str) -> None:
    """Refuse at once what an import by URL could never do: an unknown format, a URL of
    the wrong form, or an actor without the write right (checked before anything is
    fetched, so the server connects nowhere on behalf of someone who could not store the
    result)."""
    if kind not in KINDS:
        raise unknown_format(kind)
    if not policy.can_write(actor, collection):
        raise policy.PermissionDenied(_("You may not add objects to this collection."))
    url_fetch.check_url(url)
