"""Background work on the Django tasks API, with progress visible in pages and the CLI.

:func:`start_tracked` creates the progress record first (so a page can show "waiting"
at once), then enqueues the task after the transaction commits; the task reports through
:class:`~cybercommons.core.progress.Tracker` under the same key.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

from cybercommons.core.countries import sync_countries
from cybercommons.core.models import Progress, User
from cybercommons.core.progress import Tracker


def start_tracked(work: Task[Any, Any], label: str, *, owner: User | None = None,
                  **kwargs: Any) -> Progress:
    """Record a pending progress item and enqueue ``work(progress_key=…, **kwargs)``."""
    key = uuid.uuid4().hex
    progress = Progress.objects.create(key=key, label=label, owner=owner,
                                       status=Progress.Status.PENDING)
    transaction.on_commit(lambda: work.enqueue(progress_key=key, **kwargs))
    return progress


@task()
def refresh_countries(progress_key: str) -> int:
    """Reload the country facts (after an upgrade of the facts file or of pycountry)."""
    with Tracker("Refreshing country facts", key=progress_key, total=1) as tracker:
        count = sync_countries()
        tracker.advance()
        tracker.finish(result={"countries": count})
    return count
