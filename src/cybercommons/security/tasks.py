"""Background work of the security module: running TAXII subscriptions and imports."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from cybercommons.core.progress import Tracker
from cybercommons.security import federation
from cybercommons.security.importers import jobs
from cybercommons.security.models import ImportJob, Subscription


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
def run_import(progress_key: str) -> dict[str, Any]:
    """Fetch or take the document of one ``ImportJob`` (found by its progress key) and
    import it; the job's bytes and arguments stay in the database, never in the queue."""
    job = ImportJob.objects.select_related("owner", "collection", "progress").get(
        progress__key=progress_key)
    with Tracker(job.progress.label, key=progress_key, owner=job.owner) as tracker:
        return jobs.run_import(job, tracker)
