"""Imports as background work: asked for in a request, read and stored by a task.

A document may be fetched from a URL or uploaded as a file. Fetching may take up to the
fetch time limit, and storing a large document a while longer, so the request only checks
what can be checked at once (format, URL form or file size, write right), records an
``ImportJob`` with its ``Progress`` (and, for a file, its bytes in an ``ImportUpload``) and
enqueues the task; the page and the API then follow the progress. The task checks the
write right again, fetches under the protections of ``url_fetch`` or takes the uploaded
bytes (dropping them from the database at once), and keeps the per-record report in the
progress result.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cybercommons.core import audit
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.security import policy
from cybercommons.security.importers.files import (
    KINDS,
    check_url_import,
    import_file,
    import_url,
    unknown_format,
)
from cybercommons.security.models import Collection, ImportJob, ImportUpload
from cybercommons.security.services import SecurityAction

# The report keeps this many accepted and refused records (with the full counts).
REPORT_LIMIT = 1000


def max_document_bytes() -> int:
    """The largest document an import takes, uploaded or fetched (20 MB unless the site
    sets ``CYBERCOMMONS_IMPORT_MAX_BYTES``): one limit, whichever way it arrives."""
    return int(settings.CYBERCOMMONS_IMPORT_MAX_BYTES)


def start_url_import(actor: User, collection: Collection, kind: str, url: str) -> ImportJob:
    """Check and record an import of ``url`` into ``collection``; the task does the rest."""
    url = url.strip()
    check_url_import(actor, collection, kind, url)
    with transaction.atomic():
        job = _create_job(actor, collection, kind, _url_label(kind), url=url)
        audit.record(SecurityAction.IMPORT_BY_URL_STARTED, actor=actor, obj=job,
                     data={"collection": str(collection.pk), "kind": kind, "url": url})
    return job


def start_file_import(actor: User, collection: Collection, kind: str,
                      upload: File[Any]) -> ImportJob:
    """Check and record an import of an uploaded file; its bytes wait for the task.

    Refused at once (nothing recorded): an unknown format, an actor without the write
    right, an empty file, and a file over the limit (status 413).
    """
    if kind not in KINDS:
        raise unknown_format(kind)
    if not policy.can_write(actor, collection):
        raise policy.PermissionDenied(_("You may not add objects to this collection."))
    limit = max_document_bytes()
    if upload.size is not None and upload.size > limit:
        raise too_large(limit)
    data = upload.read(limit + 1)
    if len(data) > limit:  # a size the upload did not declare
        raise too_large(limit)
    if not data:
        raise ServiceError(_("The file is empty."), field="file")
    filename = (upload.name or "").rsplit("/", 1)[-1][:255] or "upload"
    with transaction.atomic():
        job = _create_job(actor, collection, kind, _file_label(kind), filename=filename)
        ImportUpload.objects.create(job=job, data=data)
        audit.record(SecurityAction.IMPORT_FILE_STARTED, actor=actor, obj=job,
                     data={"collection": str(collection.pk), "kind": kind,
                           "filename": filename, "bytes": len(data)})
    return job


def too_large(limit: int) -> ServiceError:
    """The refusal of a document over the limit (413, on the form's file field)."""
    return ServiceError(_("The file is larger than %(limit)s.")
                        % {"limit": filesizeformat(limit)}, field="file", status=413)


def _create_job(actor: User, collection: Collection, kind: str, label: str, *,
                url: str = "", filename: str = "") -> ImportJob:
    from cybercommons.core.tasks import start_tracked
    from cybercommons.security.tasks import run_import

    # The task is enqueued when the caller's transaction commits, so it finds the job
    # (and the uploaded bytes) by the key of its progress record.
    progress = start_tracked(run_import, label, owner=actor)
    return ImportJob.objects.create(collection=collection, owner=actor, kind=kind, url=url,
                                    filename=filename, progress=progress)


def _url_label(kind: str) -> str:
    labels = {"stix": _("Import of a STIX bundle by URL"),
              "misp": _("Import of a MISP event by URL"),
              "csv": _("Import of a CSV of indicators by URL")}
    return labels.get(kind, _("Import by URL"))


def _file_label(kind: str) -> str:
    labels = {"stix": _("Import of a STIX bundle from a file"),
              "misp": _("Import of a MISP event from a file"),
              "csv": _("Import of a CSV of indicators from a file")}
    return labels.get(kind, _("Import from a file"))


def _take_upload(job: ImportJob) -> bytes:
    """The uploaded bytes, deleted from the database as they are taken."""
    with transaction.atomic():
        upload = ImportUpload.objects.select_for_update().filter(job=job).first()
        if upload is None:
            raise ServiceError(_("The uploaded file is no longer held; upload it again."))
        data = bytes(upload.data)
        upload.delete()
    return data


def run_import(job: ImportJob, tracker: Tracker) -> dict[str, Any]:
    """Fetch or take the document and import it as the account that asked.

    The write right is checked again first: it may have been withdrawn while the job
    waited. An upload's bytes are dropped whatever happens next. The site may lower (or
    raise) the size and time limits of a fetch with ``CYBERCOMMONS_IMPORT_MAX_BYTES`` and
    ``CYBERCOMMONS_IMPORT_TIMEOUT``. The tracker counts the document's records as they are
    checked; the per-record report (cut at ``REPORT_LIMIT``) becomes its result.
    """
    try:
        data = _take_upload(job) if not job.url else b""
        if not policy.can_write(job.owner, job.collection):
            raise policy.PermissionDenied(_("You may not add objects to this collection."))
        if job.url:
            timeout = float(settings.CYBERCOMMONS_IMPORT_TIMEOUT)
            report = import_url(job.owner, job.collection, job.kind, job.url,
                                max_bytes=max_document_bytes(), timeout=timeout,
                                tracker=tracker)
        else:
            report = import_file(job.owner, job.collection, job.kind, data, tracker=tracker)
    except (ServiceError, PermissionDenied) as error:
        # A refused document or a withdrawn right is an outcome to report, not a fault of
        # the worker.
        tracker.fail(str(error))
        return {"error": str(error)}
    result = report.details(REPORT_LIMIT)
    tracker.finish(result=result, message=_(
        "%(stored)d stored, %(duplicates)d already held, %(refused)d refused.") % {
        "stored": report.stored, "duplicates": report.duplicates,
        "refused": len(report.rejected)})
    return result
