"""Background tasks run by the database worker and report progress."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from cybercommons.core.models import Country, Progress
from cybercommons.core.progress import TerminalBar, Tracker
from cybercommons.core.tasks import refresh_countries, start_tracked


@pytest.mark.django_db(transaction=True)
def test_a_tracked_task_runs_in_the_worker_and_finishes_its_progress() -> None:
    progress = start_tracked(refresh_countries, "Refresh")
    assert Progress.objects.get(key=progress.key).status == Progress.Status.PENDING
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)
    progress.refresh_from_db()
    assert progress.status == Progress.Status.DONE
    assert progress.result["countries"] == Country.objects.count() > 240


@pytest.mark.django_db
def test_a_failure_inside_the_tracker_marks_the_work_failed() -> None:
    with pytest.raises(ValueError, match="bad row"), Tracker("Import", total=10) as tracker:
        tracker.advance(3)
        raise ValueError("bad row")
    record = Progress.objects.get(key=tracker.key)
    assert record.status == Progress.Status.FAILED
    assert record.message == "bad row"
    assert record.done == 3
    assert record.percent == 30


@pytest.mark.django_db
def test_the_terminal_bar_draws_the_same_progress() -> None:
    stream = io.StringIO()
    with Tracker("Import", total=4, terminal=TerminalBar(stream, width=8, force=True)) as t:
        for _ in range(4):
            t.advance()
    assert stream.getvalue().rstrip().endswith("Import [########] 4/4 100%")


@pytest.mark.django_db
def test_the_progress_page_is_private_to_its_owner(client, django_user_model) -> None:
    owner = django_user_model.objects.create_user("owner", password="x" * 12)
    other = django_user_model.objects.create_user("other", password="x" * 12)
    tracker = Tracker("Private import", total=2, owner=owner)
    client.force_login(other)
    assert client.get(f"/progress/{tracker.key}/").status_code == 404
    client.force_login(owner)
    response = client.get(f"/progress/{tracker.key}/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b'hx-trigger="every 1s"' in response.content
