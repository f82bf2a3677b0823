"""Bulk import of works from CSV or JSON, with their files.

CSV: one work a row. Columns: ``key`` (the work's identifier in the source: re-importing
the same key updates the work instead of adding one), ``organisation`` (short name),
``kind``, ``licence``, ``language``, ``title``, ``description``, and optionally
``creator``, ``creator_url``, ``source_url``, ``subjects`` (separated by ``;``),
``country`` (ISO alpha-2), ``place``, ``period``, ``year_start``, ``year_end``,
``age_rating``, ``content_warning``, ``visibility``, ``publish`` (yes/no), ``file`` (a path
relative to the CSV file) and ``alt_text``. Translations: ``title_<lang>``,
``description_<lang>`` and ``translator_<lang>`` for each other language.

JSON: a list of objects (or ``{"works": [...]}``) with the same fields, translations given
as ``texts: [{language, title, description, translator}]``.

Records are read one at a time; each is checked and written in its own savepoint, so a bad
record is reported (with its number and the reason) and skipped while the good ones land;
the whole file is one transaction, so an interrupted import leaves nothing half done.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import Organisation, User
from cybercommons.exchange import services
from cybercommons.exchange.models import Work
from cybercommons.exchange.services import TextInput
from cybercommons.exchange.version_notes import NoteCode

FIELDS = ("creator", "creator_url", "source_url", "subjects", "country", "place", "period",
          "year_start", "year_end", "age_rating", "content_warning", "visibility")
MAX_FILE_BYTES = 500 * 1024 * 1024


class ImportFormatError(ValueError):
    """The file as a whole cannot be read (not CSV/JSON, or no usable header)."""


@dataclass
class WorksReport:
    file: str
    created: int = 0
    updated: int = 0
    held: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "created": self.created, "updated": self.updated,
                "held": self.held, "skipped": len(self.errors),
                "errors": [{"record": n, "message": m} for n, m in self.errors]}


def _records(path: Path) -> Iterator[dict[str, Any]]:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise ImportFormatError(_("%(file)s is not JSON: %(error)s")
                                    % {"file": path.name, "error": error}) from None
        if isinstance(data, dict):
            data = data.get("works")
        if not isinstance(data, list):
            raise ImportFormatError(_("%(file)s holds no list of works") % {"file": path.name})
        for item in data:
            yield item if isinstance(item, dict) else {"__invalid__": item}
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "title" not in reader.fieldnames:
            raise ImportFormatError(_("%(file)s has no header row with a 'title' column")
                                    % {"file": path.name})
        for row in reader:
            yield _from_csv(row)


def _from_csv(row: dict[str, str | None]) -> dict[str, Any]:
    record: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k}
    texts = [{"language": record.get("language", ""), "title": record.get("title", ""),
              "description": record.get("description", "")}]
    for code, _name in settings.LANGUAGES:
        title = record.get(f"title_{code}") or record.get(f"title_{code.replace('-', '_')}")
        if title:
            texts.append({"language": code, "title": title,
                          "description": record.get(f"description_{code}", ""),
                          "translator": record.get(f"translator_{code}", "")})
    record["texts"] = texts
    record["subjects"] = [s for s in record.get("subjects", "").split(";") if s.strip()]
    record["publish"] = record.get("publish", "").lower() in ("yes", "true", "1")
    return record


def _int_or_none(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError(_("%(name)s must be a whole number, not %(value)r")
                           % {"name": name, "value": value}) from None


def _import_one(actor: User, record: dict[str, Any], folder: Path,
                report: WorksReport) -> None:
    if "__invalid__" in record:
        raise ServiceError(_("the record is not an object"))
    key = str(record.get("key") or "").strip()
    if not key:
        raise ServiceError(_("the record has no key"))
    organisation = Organisation.objects.filter(slug=record.get("organisation", "")).first()
    if organisation is None:
        raise ServiceError(_("unknown organisation %(slug)r")
                           % {"slug": record.get("organisation")})
    fields = {name: record[name] for name in FIELDS if name in record}
    for name in ("year_start", "year_end"):
        if name in fields:
            fields[name] = _int_or_none(fields[name], name)
    if fields.get("country") == "":
        fields["country"] = None
    for name in ("age_rating", "visibility"):
        if fields.get(name) == "":
            fields.pop(name)
    texts_raw = record.get("texts") or []
    if not isinstance(texts_raw, list) or not texts_raw:
        raise ServiceError(_("the record has no title"))
    texts = [TextInput(str(t.get("language", "")), str(t.get("title", "")),
                       str(t.get("description", "")), str(t.get("translator", "")))
             for t in texts_raw if isinstance(t, dict)]
    data: bytes | None = None
    if record.get("file"):
        path = (folder / str(record["file"])).resolve()
        if folder.resolve() not in path.parents:
            raise ServiceError(_("the file must be inside the import's folder"))
        if not path.is_file():
            raise ServiceError(_("file not found: %(file)s") % {"file": record["file"]})
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ServiceError(_("file too large: %(file)s") % {"file": record["file"]})
        data = path.read_bytes()
    existing = Work.objects.filter(organisation=organisation, external_key=key).first()
    if existing is None:
        work = services.create_work(actor, organisation, texts=texts,
                                    kind=record.get("kind", ""), licence=record.get("licence", ""),
                                    external_key=key, **fields)
        report.created += 1
    else:
        work = existing
        services.update_work(actor, work, note_code=NoteCode.REIMPORTED,
                             kind=record.get("kind", work.kind),
                             licence=record.get("licence", work.licence), **fields)
        for text in texts:
            current = work.texts.filter(language=text.language).first()
            if current is None or (current.title, current.description) != (
                    text.title, services.sanitise(text.description)):
                services.save_text(actor, work, text)
        report.updated += 1
    if data is not None and not work.media.filter(
            sha256=hashlib.sha256(data).hexdigest()).exists():
        services.add_media(actor, work, data=data, filename=Path(str(record["file"])).name,
                           alt_text=str(record.get("alt_text", "")))
    if record.get("publish"):
        work.refresh_from_db()
        services.publish_work(actor, work)
    work.refresh_from_db()
    if work.status == "held":
        report.held += 1


def import_works(actor: User, path: Path,
                 progress: Callable[[int], None] | None = None) -> WorksReport:
    """Import one file; returns the per-record report."""
    report = WorksReport(path.name)
    folder = path.parent
    with transaction.atomic():
        for number, record in enumerate(_records(path), start=1):
            try:
                with transaction.atomic():
                    _import_one(actor, record, folder, report)
            except (ServiceError, PermissionDenied) as error:
                report.errors.append((number, getattr(error, "message", str(error))))
            if progress is not None:
                progress(number)
    return report
