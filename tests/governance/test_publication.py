"""Publishing a result runs as a background task: the request returns at once, the
database worker tallies, and nothing of the result is visible until all of it is stored.

The tasks here are enqueued on the database queue when the request's transaction commits
and run by the real worker (``db_worker --batch``); those tests commit for real (the
worker opens and closes transactions of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cybercommons.core.errors import Conflict
from cybercommons.core.models import AuditEntry, Progress
from cybercommons.governance import services
from cybercommons.governance.models import (
    Ballot,
    Decision,
    Notification,
    Phase,
    Process,
    Publication,
)
from cybercommons.governance.tasks import publish_decision_task
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db

API = "/api/v1/governance/processes"


def run_worker() -> None:
    """Run every queued task to its end, as a deployed worker would."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _published_entries(process: Process) -> int:
    return AuditEntry.objects.filter(action=services.GovernanceAction.DECISION_PUBLISHED,
                                     data__process=process.slug).count()


@pytest.fixture
def voted(make_process: Callable[..., Process], cast: Cast) -> Process:
    """A simple-majority decision with two yes and one no."""
    process = make_process(Phase.DECISION)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.citizen, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no")
    return process


@pytest.mark.django_db(transaction=True)
def test_the_page_returns_at_once_and_the_result_appears_after_the_worker(
        voted: Process, cast: Cast) -> None:
    convenor = _client(cast.convenor)
    response = convenor.post(f"/governance/{voted.slug}/publish/")
    assert response.status_code == 302
    assert response["Location"] == f"/governance/{voted.slug}/result/"
    # Queued, not run: nothing of the result is visible anywhere.
    assert not Decision.objects.filter(process=voted).exists()
    assert _published_entries(voted) == 0
    page = _client().get(f"/governance/{voted.slug}/result/").content.decode()
    assert "The ballots are being tallied." in page
    assert f'hx-get="/governance/{voted.slug}/result/publication/"' in page
    assert "SHA-256" not in page
    assert _client().get(f"{API}/{voted.slug}/result").status_code == 404
    assert _client().get(f"{API}/{voted.slug}/ballot-file").status_code == 404
    overview = convenor.get(f"/governance/{voted.slug}/").content.decode()
    assert "Tally and publish the result" not in overview
    assert "follow the tally" in overview

    run_worker()

    decision = Decision.objects.get(process=voted)
    assert decision.outcome == "adopted"
    assert _published_entries(voted) == 1
    assert Notification.objects.filter(process=voted, kind="decision").count() >= 3
    progress = Progress.objects.get(key=voted.publication.progress_key)
    assert progress.status == Progress.Status.DONE
    assert progress.result == {"outcome": "adopted", "sha256": decision.sha256}
    # The page's poll learns the result is there and has the page reload itself.
    poll = _client().get(f"/governance/{voted.slug}/result/publication/",
                         HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    page = _client().get(f"/governance/{voted.slug}/result/").content.decode()
    assert decision.sha256 in page
    assert "hx-get" not in page


def test_the_poll_shows_the_step_under_way(voted: Process, cast: Cast) -> None:
    """While the worker is at a step, the page names it in words and counts the steps."""
    publication = services.request_publication(cast.convenor, voted)
    progress = Progress.objects.get(key=publication.progress_key)
    progress.status, progress.done, progress.total = Progress.Status.RUNNING, 1, 4
    progress.message = services.PublishStep.TALLYING.value
    progress.save()
    poll = _client().get(f"/governance/{voted.slug}/result/publication/",
                         HTTP_HX_REQUEST="true")
    text = poll.content.decode()
    assert "Tallying under every rule (1 / 4)" in text
    assert 'hx-trigger="every 1s"' in text
    assert "HX-Refresh" not in poll
    status = _client().get(f"{API}/{voted.slug}/result/publication").json()
    assert (status["status"], status["step"], status["done"], status["total"]) == (
        "running", "tallying", 1, 4)
    assert status["result_url"] is None


@pytest.mark.django_db(transaction=True)
def test_two_clicks_start_one_tally_and_publish_once(
        voted: Process, cast: Cast) -> None:
    convenor = _client(cast.convenor)
    convenor.post(f"/governance/{voted.slug}/publish/")
    convenor.post(f"/governance/{voted.slug}/publish/")
    again = _client(cast.convenor).post(f"{API}/{voted.slug}/result")
    assert again.status_code == 202
    assert Publication.objects.filter(process=voted).count() == 1
    assert DBTaskResult.objects.count() == 1
    assert Progress.objects.count() == 1
    run_worker()
    assert Decision.objects.filter(process=voted).count() == 1
    assert _published_entries(voted) == 1
    # Once published, asking again is refused, and no new task is queued.
    refused = _client(cast.convenor).post(f"{API}/{voted.slug}/result")
    assert refused.status_code == 409
    assert "already been published" in refused.json()["detail"]
    assert DBTaskResult.objects.count() == 1


def test_a_second_run_of_the_task_writes_nothing(voted: Process, cast: Cast) -> None:
    """A run that finds the decision stored (say a worker restarted an old request) reports
    it as done and writes no second decision, ballot file or audit entry."""
    decision = services.publish_decision(cast.convenor, voted)
    sha = publish_decision_task.call(progress_key="second-run", process_id=voted.pk,
                                     user_id=cast.convenor.pk)
    assert sha == decision.sha256
    assert Progress.objects.get(key="second-run").status == Progress.Status.DONE
    assert Decision.objects.filter(process=voted).count() == 1
    assert _published_entries(voted) == 1


def test_voting_closes_while_the_tally_runs(voted: Process, cast: Cast) -> None:
    services.request_publication(cast.convenor, voted)
    with pytest.raises(Conflict, match="being tallied"):
        services.cast_ballot(cast.outsider, voted, choice="no")
    assert Ballot.objects.filter(process=voted).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_failed_tally_is_reported_publishes_nothing_and_can_be_run_again(
        voted: Process, cast: Cast) -> None:
    """The convenor leaves the decision phase before the worker runs: the task fails with
    the reason, nothing is stored, and once back in the decision phase a new request
    publishes."""
    services.request_publication(cast.convenor, voted)
    services.change_phase(cast.convenor, voted, Phase.OPINION_MAP)
    run_worker()
    assert not Decision.objects.filter(process=voted).exists()
    assert _published_entries(voted) == 0
    status = _client().get(f"{API}/{voted.slug}/result/publication").json()
    assert status["status"] == "failed"
    assert "decision phase" in status["message"]

    services.change_phase(cast.convenor, voted, Phase.DECISION)
    page = _client(cast.convenor).get(f"/governance/{voted.slug}/result/").content.decode()
    assert "The result could not be published" in page
    assert "Tally and publish again" in page
    assert "hx-get" not in page
    # Voting is open again until the next request.
    services.cast_ballot(cast.outsider, voted, choice="no")
    first_key = voted.publication.progress_key
    response = _client(cast.convenor).post(f"/governance/{voted.slug}/publish/")
    assert response.status_code == 302
    voted.publication.refresh_from_db()
    assert voted.publication.progress_key != first_key
    run_worker()
    assert Decision.objects.get(process=voted).result["eligible"] == 4
    assert _published_entries(voted) == 1


def test_ballots_that_arrive_during_the_tally_leave_nothing_half_published(
        voted: Process, cast: Cast) -> None:
    """A ballot stored between reading the ballots and storing the result would be missing
    from the published count: the publication is refused whole."""

    def late_ballot(step: services.PublishStep) -> None:
        if step == services.PublishStep.TALLYING:
            participant = services.participant_for(cast.outsider, voted)
            Ballot.objects.create(process=voted, participant=participant, choice="no")

    with pytest.raises(Conflict, match="Ballots arrived during the tally"):
        services.publish_decision(cast.convenor, voted, report=late_ballot)
    assert not Decision.objects.filter(process=voted).exists()
    assert _published_entries(voted) == 0
    assert not Notification.objects.filter(process=voted, kind="decision").exists()


def test_a_request_whose_worker_stopped_can_be_started_again(
        voted: Process, cast: Cast) -> None:
    first = services.request_publication(cast.convenor, voted)
    assert services.request_publication(cast.convenor, voted).progress_key == \
        first.progress_key
    Progress.objects.filter(key=first.progress_key).update(
        updated_at=timezone.now() - services.PUBLICATION_STALE_AFTER - timedelta(minutes=1))
    assert _client().get(f"{API}/{voted.slug}/result/publication").json()["status"] == \
        "failed"
    second = services.request_publication(cast.convenor, voted)
    assert second.pk == first.pk
    assert second.progress_key != first.progress_key


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_202_with_where_to_follow_the_tally(
        voted: Process, cast: Cast) -> None:
    assert _client(cast.company).post(f"{API}/{voted.slug}/result").status_code == 403
    assert _client().get(f"{API}/{voted.slug}/result/publication").status_code == 404
    response = _client(cast.convenor).post(f"{API}/{voted.slug}/result")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending"
    assert body["done"] == 0
    assert body["total"] == len(services.PublishStep)
    assert response["Location"] == body["status_url"]
    assert body["status_url"].endswith(f"{API}/{voted.slug}/result/publication")
    run_worker()
    status = _client().get(response["Location"]).json()
    assert status["status"] == "done"
    assert status["message"] == ""
    result = _client().get(status["result_url"]).json()
    assert result["outcome"] == "adopted"


def test_the_tally_of_a_restricted_consultation_is_hidden_from_outsiders(
        restricted: Process, cast: Cast) -> None:
    services.change_phase(cast.convenor, restricted, Phase.DECISION)
    services.cast_ballot(cast.government, restricted, choice="yes")
    services.request_publication(cast.convenor, restricted)
    for who in (None, cast.outsider, cast.citizen):
        client = _client(who)
        assert client.get(f"{API}/{restricted.slug}/result/publication").status_code == 404
        assert client.get(f"/governance/{restricted.slug}/result/publication/"
                          ).status_code == 404
    assert _client(cast.company).get(
        f"{API}/{restricted.slug}/result/publication").status_code == 200
