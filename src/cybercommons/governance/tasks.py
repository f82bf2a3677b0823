"""Background work of the governance module, reporting through a progress record."""

from __future__ import annotations

import shutil
from pathlib import Path

from django_tasks import task

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.governance.importers import polis as polis_importer
from cybercommons.governance.models import Process


@task()
def import_polis_upload(progress_key: str, process_id: int, folder: str, user_id: int) -> int:
    """Import an uploaded Pol.is export as its uploader; the report lands in the progress
    result, the uploaded files are removed whatever happens."""
    user = User.objects.get(pk=user_id)
    process = Process.objects.get(pk=process_id)
    with Tracker(f"Importing a Pol.is export into {process.slug}", key=progress_key,
                 owner=user) as tracker:
        try:
            conversation = polis_importer.read_folder(folder)
            report = polis_importer.import_conversation(user, process, conversation,
                                                        tracker=tracker)
        except ServiceError as error:
            tracker.fail(error.message)
            return 0
        finally:
            shutil.rmtree(Path(folder), ignore_errors=True)
        data = report.as_dict()
        errors = data.pop("errors")
        assert isinstance(errors, list)
        tracker.finish(result={**data, "problems": errors[:20]},
                       message=f"{report.votes_created} votes imported")
    return report.votes_created + report.votes_updated
