"""Background work started from pages: imports and long scenarios, with tracked progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django_tasks import task

from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.infrastructure import analysis, services
from cybercommons.infrastructure.queries import active_dataset


@task()
def import_uploaded(progress_key: str, kind: str, path: str, name: str, user_id: int,
                    dataset_slug: str = "", cleanup: bool = True,
                    constellation: str = "") -> int:
    """Import an uploaded file (or a server folder) as its uploader; report in the result."""
    user = User.objects.get(pk=user_id)
    with Tracker(f"Importing {name}", key=progress_key, owner=user) as tracker:
        try:
            run = services.import_file(user, kind, path, dataset_slug=dataset_slug,
                                       tracker=tracker, constellation=constellation)
        finally:
            if cleanup:
                Path(path).unlink(missing_ok=True)
        tracker.finish(result={"counts": run.counts, "problems": run.problems[:20]},
                       message=f"{sum(v for k, v in run.counts.items() if k.endswith('created'))}"
                               " records created")
    return run.pk


@task()
def run_scenario(progress_key: str, kind: str, parameters: dict[str, Any], user_id: int,
                 title: str = "", is_public: bool = False) -> str:
    """Run a long scenario (a storm Monte-Carlo) and save it for its author."""
    user = User.objects.get(pk=user_id)
    trials = int(parameters.get("trials", 1))
    with Tracker(f"Running {title or kind}", key=progress_key, owner=user,
                 total=trials) as tracker:
        dataset = active_dataset()
        if dataset is None:
            raise RuntimeError("there is no network to run scenarios on")

        def report(done: int, total: int) -> None:
            tracker.done = done - 1
            tracker.advance()

        results = analysis.run(dataset, kind, parameters, progress=report)
        scenario = services.save_scenario(user, title=title or kind, kind=kind,
                                          parameters=parameters, is_public=is_public,
                                          results=results)
        tracker.finish(result={"scenario": str(scenario.public_id),
                               "url": f"/infrastructure/scenarios/{scenario.public_id}/"})
    return str(scenario.public_id)
