"""Imports by URL as background work: asked for in a request, fetched and stored by a task.

Fetching a document may take up to the fetch time limit and storing it a while longer,
so the request only checks what can be checked at once (format, URL form, write right),
records a ``UrlImport`` with its ``Progress`` and enqueues the task; the page and the API
then follow the progress. The task fetches under the same protections as before (see
``url_fetch``) and keeps the per-record report in the progress result.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cybercommons.core import audit
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.security.importers import url_fetch
from cybercommons.security.importers.files import check_url_import, import_url
from cybercommons.security.models import Collection, UrlImport
from cybercommons.security.services import SecurityAction

# The report keeps this many accepted and refused records (with the full counts).
REPORT_LIMIT = 1000


def start_url_import(actor: User, collection: Collection, kind: str, url: str) -> UrlImport:
    """Check and record an import of ``url`` into ``collection``; the task does the rest."""
    from cybercommons.core.tasks import start_tracked
    from cybercommons.security.tasks import import_from_url

    url = url.strip()
    check_url_import(actor, collection, kind, url)
    with transaction.atomic():
        # The task is enqueued when this transaction commits, so it finds the job by the
        # key of its progress record.
        progress = start_tracked(import_from_url, _label(kind), owner=actor)
        job = UrlImport.objects.create(collection=collection, owner=actor, kind=kind, url=url,
                                       progress=progress)
        audit.record(SecurityAction.IMPORT_BY_URL_STARTED, actor=actor, obj=job,
                     data={"collection": str(collection.pk), "kind": kind, "url": url})
    return job


def _label(kind: str) -> str:
    labels = {"stix": _("Import of a STIX bundle by URL"),
              "misp": _("Import of a MISP event by URL"),
              "csv": _("Import of a CSV of indicators by URL")}
    return labels.get(kind, _("Import by URL"))


def run_url_import(job: UrlImport, tracker: Tracker) -> dict[str, Any]:
    """Fetch and import as the account that asked; the report becomes the progress result.

    The write right is checked again: it may have been withdrawn while the job waited.
    The site may lower (or raise) the size and time limits of the fetch with
    ``CYBERCOMMONS_IMPORT_MAX_BYTES`` and ``CYBERCOMMONS_IMPORT_TIMEOUT``.
    """
    max_bytes = int(getattr(settings, "CYBERCOMMONS_IMPORT_MAX_BYTES", url_fetch.MAX_BYTES))
    timeout = float(getattr(settings, "CYBERCOMMONS_IMPORT_TIMEOUT",
                            url_fetch.TIMEOUT_SECONDS))
    tracker.set_total(1)
    try:
        report = import_url(job.owner, job.collection, job.kind, job.url,
                            max_bytes=max_bytes, timeout=timeout)
    except (ServiceError, PermissionDenied) as error:
        # A refused URL or document is an outcome to report, not a fault of the worker.
        tracker.fail(str(error))
        return {"error": str(error)}
    result = report.details(REPORT_LIMIT)
    tracker.advance()
    tracker.finish(result=result, message=_(
        "%(stored)d stored, %(duplicates)d already held, %(refused)d refused.") % {
        "stored": report.stored, "duplicates": report.duplicates,
        "refused": len(report.rejected)})
    return result
