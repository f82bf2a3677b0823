"""The consultation pages: content, forms through the services, refusals shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client

from cybercommons.governance import services
from cybercommons.governance.models import Amendment, Ballot, Phase, Process
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_list_and_process_page_show_the_timeline(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.COMMENTS)
    assert b"Cable norm" in _client().get("/governance/").content
    page = _client().get(f"/governance/{process.slug}/").content.decode()
    assert 'aria-current="step"' in page
    assert "Convenor actions" not in page
    assert "Convenor actions" in _client(cast.convenor).get(
        f"/governance/{process.slug}/").content.decode()


def test_an_unknown_process_is_not_found() -> None:
    assert Client().get("/governance/no-such-thing/").status_code == 404


def test_the_draft_renders_sanitised_markdown_and_takes_comments(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.COMMENTS, sections=[
        ("purpose", "Purpose", "Cables carry **most** traffic.<script>alert(1)</script>")])
    page = _client(cast.citizen).get(f"/governance/{process.slug}/draft/").content.decode()
    assert "<strong>most</strong>" in page
    assert "<script>alert" not in page
    response = _client(cast.citizen).post(f"/governance/{process.slug}/comments/",
                                          {"section": "purpose", "body": "Agreed."},
                                          follow=True)
    assert "Agreed." in response.content.decode()


def test_a_refused_comment_shows_the_reason(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.INFORMATION)
    response = _client(cast.citizen).post(f"/governance/{process.slug}/comments/",
                                          {"section": "purpose", "body": "Early."},
                                          follow=True)
    assert "only in the Comments phase" in response.content.decode()


def test_the_amendment_page_shows_a_readable_diff(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.AMENDMENTS)
    client = _client(cast.government)
    response = client.post(f"/governance/{process.slug}/sections/repair/amend/", {
        "version": 1, "proposed_text": "States should grant repair permits within 48 hours.",
        "rationale": "Faster."})
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    page = client.get(f"/governance/{process.slug}/amendments/{amendment.pk}/").content.decode()
    assert "<del>7</del><ins>48</ins> <del>days.</del><ins>hours.</ins>" in page


def test_the_convenor_merges_an_amendment_from_its_page(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.AMENDMENTS)
    v1 = process.current_version
    assert v1 is not None
    amendment = services.propose_amendment(cast.company, process, v1,
                                           v1.sections.get(key="repair"), "Within 2 days.")
    _client(cast.convenor).post(
        f"/governance/{process.slug}/amendments/{amendment.pk}/decide/", {"decision": "merge"})
    assert process.versions.count() == 2
    page = _client().get(f"/governance/{process.slug}/draft/?v=1").content.decode()
    assert "an earlier version" in page


def test_the_opinion_map_page_draws_the_map_and_polls_for_updates(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP)
    statements = [services.add_statement(cast.convenor, process, f"Statement {i}")
                  for i in range(4)]
    for user, values in ((cast.government, [1, 1, -1, 0]), (cast.company, [-1, 1, 1, 1]),
                         (cast.citizen, [1, -1, -1, 0]), (cast.convenor, [1, 1, 1, -1])):
        for statement, value in zip(statements, values, strict=True):
            services.cast_vote(user, statement, value)
    page = _client(cast.citizen).get(f"/governance/{process.slug}/map/").content.decode()
    assert "<svg" in page
    assert 'hx-trigger="every 5s"' in page
    live = _client().get(f"/governance/{process.slug}/map/live/").content.decode()
    assert "Opinion groups" in live
    assert "<html" not in live
    csv = _client().get(f"/governance/{process.slug}/map.csv").content.decode()
    assert csv.splitlines()[0] == "participant,x,y,group,stakeholder_group,region"
    assert len(csv.splitlines()) == 5


@pytest.mark.django_db(transaction=True)
def test_voting_and_the_result_page(make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.DECISION)
    response = _client(cast.government).post(f"/governance/{process.slug}/vote/",
                                             {"choice": "yes"})
    assert response.status_code == 302
    assert Ballot.objects.filter(process=process).count() == 1
    _client(cast.convenor).post(f"/governance/{process.slug}/publish/")
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)
    page = _client().get(f"/governance/{process.slug}/result/").content.decode()
    process.refresh_from_db()
    assert process.decision.sha256 in page
    assert "What the other rules would have given" in page
    assert "<svg" in page
    download = _client().get(f"/governance/{process.slug}/ballots.jsonl")
    assert download.content.decode() == process.decision.ballot_file


def test_an_outsider_cannot_change_the_phase_from_the_page(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process()
    _client(cast.outsider).post(f"/governance/{process.slug}/phase/", {"phase": "comments"})
    process.refresh_from_db()
    assert process.phase == Phase.INFORMATION


def test_the_meetings_page_lists_minutes_linked_to_sections(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process()
    response = _client(cast.convenor).post(f"/governance/{process.slug}/meetings/", {
        "title": "Kick-off", "starts_at": "2026-05-01 09:00", "minutes": "We read **repair**.",
        "sections": ["repair"]}, follow=True)
    page = response.content.decode()
    assert "Kick-off" in page
    assert "<strong>repair</strong>" in page
    assert "#section-repair" in page


def test_a_process_can_be_opened_from_the_form(cast: Cast) -> None:
    response = _client(cast.convenor).post("/governance/new/", {
        "convenor": cast.secretariat.pk, "title": "Norm on routing security",
        "visibility": "public", "decision_rule": "consensus", "threshold": "2/3",
        "draft": "## Scope\nRouting.\n## Duties\nSign your routes."})
    assert response.status_code == 302
    process = Process.objects.get(slug="norm-on-routing-security")
    assert [s.heading for s in process.current_version.sections.all()] == ["Scope", "Duties"]


def test_the_convenor_merges_several_amendments_into_one_version(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.AMENDMENTS)
    v1 = process.current_version
    assert v1 is not None
    first = services.propose_amendment(cast.company, process, v1,
                                       v1.sections.get(key="repair"), "Within 2 days.")
    second = services.propose_amendment(cast.citizen, process, v1,
                                        v1.sections.get(key="purpose"), "Cables matter.")
    page = _client(cast.convenor).get(f"/governance/{process.slug}/amendments/")
    assert f'value="{second.pk}"' in page.content.decode()
    _client(cast.convenor).post(f"/governance/{process.slug}/amendments/merge/",
                                {"amendment": [first.pk, second.pk], "note": "Both."})
    v2 = process.versions.get(number=2)
    assert v2.note == "Both."
    assert dict(v2.sections.values_list("key", "body")) == {
        "purpose": "Cables matter.", "repair": "Within 2 days."}


def test_a_vote_from_the_map_page_script_answers_in_place(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP)
    statement = services.add_statement(cast.convenor, process, "Cables are critical.")
    url = f"/governance/{process.slug}/statements/{statement.pk}/vote/"
    client = _client(cast.government)
    first = client.post(url, {"value": "1"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    assert "Your vote was recorded." in first.content.decode()
    again = client.post(url, {"value": "-1"}, HTTP_HX_REQUEST="true")
    assert "already voted" in again.content.decode()
    assert "<html" not in again.content.decode()
