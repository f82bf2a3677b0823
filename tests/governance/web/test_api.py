"""The governance JSON API: status codes, problem documents, the policy applied."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client

from cybercommons.governance import services
from cybercommons.governance.models import Phase, Process
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db

BASE = "/api/v1/governance/processes"


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_convenor_opens_a_process_through_the_api(cast: Cast) -> None:
    response = _client(cast.convenor).post(BASE, {
        "convenor": "secretariat", "title": "Norm on routing", "decision_rule": "consensus",
        "sections": [{"heading": "Scope", "body": "Routing."}]}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["slug"] == "norm-on-routing"
    assert response.json()["current_version"] == 1


def test_an_outsider_is_refused_with_a_problem_document(cast: Cast) -> None:
    response = _client(cast.outsider).post(BASE, {
        "convenor": "secretariat", "title": "Mine", "sections": [{"heading": "A", "body": "b"}]},
        content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_comments_out_of_phase_and_not_invited_are_refused_with_reasons(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.INFORMATION, invited_groups=["government", "company"])
    url = f"{BASE}/{process.slug}/comments"
    early = _client(cast.government).post(url, {"section": "repair", "body": "Hi"},
                                          content_type="application/json")
    assert early.status_code == 409
    assert "Comments phase" in early.json()["detail"]
    services.change_phase(cast.convenor, process, Phase.COMMENTS)
    refused = _client(cast.citizen).post(url, {"section": "repair", "body": "Hi"},
                                         content_type="application/json")
    assert refused.status_code == 403
    assert "individual" in refused.json()["detail"]
    made = _client(cast.government).post(url, {"section": "repair", "body": "Hi"},
                                         content_type="application/json")
    assert made.status_code == 201
    listed = _client().get(url).json()
    assert [c["body"] for c in listed["items"]] == ["Hi"]


def test_an_amendment_to_an_old_version_answers_409(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.AMENDMENTS)
    url = f"{BASE}/{process.slug}/amendments"
    first = _client(cast.government).post(url, {"version": 1, "section": "repair",
                                                "proposed_text": "Within 2 days."},
                                          content_type="application/json")
    assert first.status_code == 201
    merged = _client(cast.convenor).post(f"{url}/{first.json()['id']}/decision",
                                         {"decision": "merge"}, content_type="application/json")
    assert merged.json()["status"] == "merged"
    assert merged.json()["merged_into"] == 2
    stale = _client(cast.company).post(url, {"version": 1, "section": "repair",
                                             "proposed_text": "Within 3 days."},
                                       content_type="application/json")
    assert stale.status_code == 409
    assert "replaced by version 2" in stale.json()["detail"]


def test_statements_votes_and_the_opinion_map(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP)
    created = _client(cast.citizen).post(f"{BASE}/{process.slug}/statements",
                                         {"text": "Cables are critical."},
                                         content_type="application/json")
    assert created.status_code == 201
    vote_url = f"{BASE}/{process.slug}/statements/{created.json()['id']}/votes"
    assert _client(cast.company).post(vote_url, {"value": 1},
                                      content_type="application/json").status_code == 201
    again = _client(cast.company).post(vote_url, {"value": -1}, content_type="application/json")
    assert again.status_code == 409
    bad = _client(cast.company).post(vote_url, {"value": 2}, content_type="application/json")
    assert bad.status_code == 422
    listed = _client().get(f"{BASE}/{process.slug}/statements").json()["items"]
    assert listed[0]["agree"] == 1
    mine = _client(cast.company).get(f"{BASE}/{process.slug}/votes/mine").json()["items"]
    assert mine == [{"statement": created.json()["id"], "value": 1}]
    assert _client().get(f"{BASE}/{process.slug}/opinion-map").json()["votes"] == 1


@pytest.mark.django_db(transaction=True)
def test_ballots_and_the_published_result(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.DECISION)
    url = f"{BASE}/{process.slug}"
    assert _client().get(f"{url}/result").status_code == 404
    cast_ = _client(cast.government).post(f"{url}/ballots", {"choice": "yes"},
                                          content_type="application/json")
    assert cast_.status_code == 201
    assert _client(cast.government).get(f"{url}/ballots/mine").json()["choice"] == "yes"
    assert _client(cast.company).post(f"{url}/result").status_code == 403
    published = _client(cast.convenor).post(f"{url}/result")
    assert published.status_code == 202
    assert _client().get(f"{url}/result").status_code == 404
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)
    result = _client().get(f"{url}/result").json()
    assert result["outcome"] == "adopted"
    assert set(result["other_results"]) >= {"simple_majority", "equal_stakeholder_groups"}
    body = _client().get(f"{url}/ballot-file").content
    import hashlib

    assert hashlib.sha256(body).hexdigest() == result["sha256"]


def test_a_missing_process_is_a_problem_document() -> None:
    response = Client().get(f"{BASE}/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
