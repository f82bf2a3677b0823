"""Background work of the governance module, reporting through a progress record."""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from cybercommons.core.errors import Conflict, ServiceError
from cybercommons.core.models import User
from cybercommons.core.progress import Tracker
from cybercommons.governance import services
from cybercommons.governance.importers import polis as polis_importer
from cybercommons.governance.models import Decision, Process


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


STEPS = list(services.PublishStep)


@task()
def publish_decision_task(progress_key: str, process_id: int, user_id: int) -> str:
    """Tally and publish a decision as the convenor who asked, in their language; returns
    the ballot file's SHA-256, or "" when nothing was published (the reason is in the
    progress record). A second run for a process already decided reports the stored
    decision and writes nothing."""
    user = User.objects.get(pk=user_id)
    process = Process.objects.get(pk=process_id)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        tracker = Tracker(services.publication_label(process), key=progress_key, owner=user,
                          total=len(STEPS), min_interval=0)

        def report(step: services.PublishStep) -> None:
            tracker.done = STEPS.index(step)
            tracker.advance(0, message=step.value)

        try:
            decision = services.publish_decision(user, process, report=report)
        except Conflict as error:
            earlier = Decision.objects.filter(process_id=process_id).first()
            if earlier is None:
                tracker.fail(error.message)
                return ""
            decision = earlier
        except ServiceError as error:
            tracker.fail(error.message)
            return ""
        except PermissionDenied as error:
            tracker.fail(str(error) or _("You may not publish this result."))
            return ""
        except Exception:
            # Nothing was stored (the writes are one transaction); the log has the cause.
            tracker.fail(_("The tally failed and nothing was published; try again."))
            raise
        tracker.done = len(STEPS)
        tracker.finish(result={"outcome": decision.outcome, "sha256": decision.sha256},
                       message=_("The result is published."))
    return decision.sha256
