"""Background work of the security module: running TAXII subscriptions and imports."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.security import federation
from cybercommons.security.importers.files import import_file
from cybercommons.security.importers.url_jobs import run_url_import
from cybercommons.security.models import Collection, Subscription, UrlImport


@task()
def run_subscription(progress_key: str, subscription_id: int) -> dict[str, Any]:
    """Pull or push one subscription, reporting pages as they are stored."""
    subscription = Subscription.objects.select_related(
        "owner", "organisation", "local_collection").get(pk=subscription_id)
    with Tracker(f"TAXII {subscription.direction}: {subscription.name}",
                 key=progress_key) as tracker:
        result = federation.run(subscription,
                                progress=lambda n, checkpoint: tracker.advance(n, checkpoint))
        summary = {"moved": result.moved, "duplicates": result.duplicates,
                   "refused": result.refused, "pages": result.pages}
        tracker.finish(result=summary)
    return summary


@task()
def import_threat_file(progress_key: str, user_id: int, collection_id: str, kind: str,
                       text: str) -> dict[str, Any]:
    """Import one uploaded file (STIX bundle, MISP event or CSV) into a collection."""
    user = User.objects.get(pk=user_id)
    collection = Collection.objects.get(pk=collection_id)
    with Tracker(f"Import ({kind})", key=progress_key, total=1) as tracker:
        report = import_file(user, collection, kind, text)
        tracker.advance()
        tracker.finish(result=report.as_dict())
    return report.as_dict()


@task()
def import_from_url(progress_key: str) -> dict[str, Any]:
    """Fetch and import the document of one ``UrlImport`` (found by its progress key)."""
    job = UrlImport.objects.select_related("owner", "collection", "progress").get(
        progress__key=progress_key)
    with Tracker(job.progress.label, key=progress_key, owner=job.owner) as tracker:
        return run_url_import(job, tracker)
