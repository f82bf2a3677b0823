"""Translations, moderation, the background Pol.is import and notifications."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cybercommons.core.models import Progress
from cybercommons.governance import queries, services
from cybercommons.governance.models import Phase, Process, Statement, Translation
from cybercommons.governance.tasks import import_polis_upload
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db

BASE = "/api/v1/governance/processes"

COMMENTS = ("timestamp,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
            "1,1,1,0,0,1,Cables matter\n2,2,1,0,0,1,Repairs should be fast\n")
VOTES = "timestamp,comment-id,voter-id,vote\n10,1,7,1\n11,2,7,-1\n12,1,8,-1\n"


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_translation_is_stored_with_its_status_and_shown(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process()
    url = f"{BASE}/{process.slug}/versions/1/translations/fr"
    body = {"status": "draft", "sections": {"repair": {"heading": "Réparation",
                                                       "body": "Dans les **7 jours**."}}}
    assert _client(cast.outsider).put(url, body, content_type="application/json"
                                      ).status_code == 403
    assert _client(cast.convenor).put(url, body, content_type="application/json"
                                      ).status_code == 200
    assert Translation.objects.get(version__process=process, language="fr").status == "draft"
    versions = _client().get(f"{BASE}/{process.slug}/versions").json()["items"]
    assert versions[0]["translations"]["fr"] == "draft"
    page = _client().get(f"/governance/{process.slug}/draft/?lang=fr").content.decode()
    assert "Réparation" in page
    assert "<strong>7 jours</strong>" in page
    bad = _client(cast.convenor).put(f"{BASE}/{process.slug}/versions/1/translations/de",
                                     body, content_type="application/json")
    assert bad.status_code == 400


def test_a_rejected_statement_leaves_the_vote(make_process: Callable[..., Process],
                                              cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP)
    statement = services.add_statement(cast.citizen, process, "Off-topic remark.")
    _client(cast.convenor).post(f"/governance/{process.slug}/statements/{statement.pk}/moderate/",
                                {"accepted": "0"})
    statement.refresh_from_db()
    assert statement.moderated == -1
    refused = _client(cast.government).post(
        f"{BASE}/{process.slug}/statements/{statement.pk}/votes", {"value": 1},
        content_type="application/json")
    assert refused.status_code == 409


def test_the_import_page_runs_the_import_as_a_task_with_progress(
        make_process: Callable[..., Process], cast: Cast, settings: object,
        tmp_path: Path) -> None:
    settings.DATA_DIR = str(tmp_path)  # type: ignore[attr-defined]
    process = make_process(slug="uploaded")
    response = _client(cast.convenor).post(f"/governance/{process.slug}/import-polis/", {
        "comments": SimpleUploadedFile("comments.csv", COMMENTS.encode()),
        "votes": SimpleUploadedFile("votes.csv", VOTES.encode())})
    assert response.status_code == 302
    progress = Progress.objects.get()
    assert response["Location"].endswith(f"/progress/{progress.key}/")
    folder = next((tmp_path / "uploads" / "governance").iterdir())
    import_polis_upload.call(progress_key=progress.key, process_id=process.pk,
                             folder=str(folder), user_id=cast.convenor.pk)
    progress.refresh_from_db()
    assert progress.status == Progress.Status.DONE
    assert progress.result["votes_created"] == 3
    assert Statement.objects.filter(process=process).count() == 2
    assert not folder.exists()


def test_an_outsider_cannot_open_the_import_page(make_process: Callable[..., Process],
                                                 cast: Cast) -> None:
    process = make_process()
    assert _client(cast.outsider).get(
        f"/governance/{process.slug}/import-polis/").status_code == 403


def test_the_group_count_smoother_state_is_kept_between_updates(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP)
    statements = [services.add_statement(cast.convenor, process, f"S{i}") for i in range(3)]
    for user, values in ((cast.government, [1, 1, -1]), (cast.company, [-1, -1, 1]),
                         (cast.citizen, [1, 1, -1])):
        for statement, value in zip(statements, values, strict=True):
            services.cast_vote(user, statement, value)
    data = queries.opinion_map(process)
    process.refresh_from_db()
    assert process.opinion_state == data["state"]
    assert process.opinion_state["last_k_count"] == 1


def test_notifications_are_listed_and_marked_read(make_process: Callable[..., Process],
                                                  cast: Cast) -> None:
    process = make_process(Phase.COMMENTS)
    page = _client(cast.convenor).get("/governance/notifications/").content.decode()
    assert "Comments phase" in page
    assert process.title in page
    _client(cast.convenor).post("/governance/notifications/")
    assert not cast.convenor.governance_notifications.filter(read_at__isnull=True).exists()


def test_the_convenor_translates_a_version_in_the_browser(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process()
    url = f"/governance/{process.slug}/versions/1/translations/es/"
    assert _client(cast.outsider).get(url).status_code == 403
    assert _client(cast.convenor).get(url).status_code == 200
    response = _client(cast.convenor).post(url, {"status": "final",
                                                 "heading-repair": "Reparación",
                                                 "body-repair": "En un plazo de 7 días."})
    assert response.status_code == 302
    page = _client().get(f"/governance/{process.slug}/draft/?lang=es").content.decode()
    assert "Reparación" in page
    assert 'lang="es"' in page
    assert "Final translation" in page


def test_the_convenor_plans_phase_dates(make_process: Callable[..., Process],
                                        cast: Cast) -> None:
    process = make_process()
    _client(cast.convenor).post(f"/governance/{process.slug}/schedule/", {
        "phase": "comments", "starts_on": "2026-06-01", "ends_on": "2026-06-30"})
    refused = _client(cast.convenor).post(f"/governance/{process.slug}/schedule/", {
        "phase": "decision", "starts_on": "2026-06-30", "ends_on": "2026-06-01"}, follow=True)
    assert "cannot end before it starts" in refused.content.decode()
    timeline = {s.phase: (s.starts_on.isoformat(), s.ends_on.isoformat())
                for s in process.schedule.all()}
    assert timeline == {"comments": ("2026-06-01", "2026-06-30")}


def test_a_ranked_ballot_from_the_voting_page(make_process: Callable[..., Process],
                                              cast: Cast) -> None:
    process = make_process(Phase.DECISION, decision_rule="instant_runoff",
                           options=["48 hours", "7 days"])
    page = _client(cast.company).get(f"/governance/{process.slug}/vote/").content.decode()
    assert 'name="rank-1"' in page
    _client(cast.company).post(f"/governance/{process.slug}/vote/",
                               {"rank-0": "7 days", "rank-1": "48 hours"})
    mine = _client(cast.company).get(f"{BASE}/{process.slug}/ballots/mine").json()
    assert mine["ranking"] == ["7 days", "48 hours"]


def test_notifications_come_in_pages_each_once_and_only_of_visible_processes(
        make_process: Callable[..., Process], restricted: Process, cast: Cast) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from cybercommons.governance.models import Notification
    from cybercommons.governance.views import NOTIFICATIONS_PER_PAGE

    public = make_process(slug="open-norm", title="Open norm")
    now = timezone.now()
    # Written directly: a page needs more notifications than phases a test can walk through.
    # Three at a time share a moment, so the order within a moment rests on the key.
    made = [Notification.objects.create(
        user=cast.outsider, process=public, kind="new_version",
        message=f"Notice {n} about the open norm.", created_at=now - timedelta(hours=n // 3))
        for n in range(NOTIFICATIONS_PER_PAGE + 3)]
    Notification.objects.create(user=cast.outsider, process=restricted, kind="new_version",
                                message="Notice about the restricted norm.")
    Notification.objects.create(user=cast.company, process=public, kind="new_version",
                                message="Notice for another participant.")
    client = _client(cast.outsider)
    pages = [client.get("/governance/notifications/", {"page": n}).content.decode()
             for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert '?page=2"' in pages[0]
    for notification in made:
        shown = [page.count(f">{notification.message}<") for page in pages]
        assert sorted(shown) == [0, 1], notification.message
    newest = sorted(made, key=lambda n: (n.created_at, n.pk), reverse=True)
    assert all(f">{n.message}<" in pages[0] for n in newest[:NOTIFICATIONS_PER_PAGE])
    for page in pages:
        assert "restricted norm" not in page
        assert "another participant" not in page
    # A page past the end shows the last page, not an error.
    assert "Page 2 of 2" in client.get("/governance/notifications/", {"page": 9}).content.decode()
    # Marking read reaches every notification, not only those on the first page.
    client.post("/governance/notifications/")
    assert not Notification.objects.filter(process=public, user=cast.outsider,
                                           read_at__isnull=True).exists()
