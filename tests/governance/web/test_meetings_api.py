"""Meetings through the JSON API: convenors plan them and record minutes linked to draft
sections; a restricted consultation's meetings stay invisible to people it does not invite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cybercommons.governance import services
from cybercommons.governance.models import Meeting, Process
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db

BASE = "/api/v1/governance/processes"
MEETING = {"title": "Drafting call", "starts_at": "2026-05-04T09:00:00Z",
           "location": "Nairobi", "agenda": "1. Repair permits", "sections": ["repair"]}


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(user: object, slug: str, body: dict[str, Any]) -> Any:
    return _client(user).post(f"{BASE}/{slug}/meetings", body, content_type="application/json")


def test_a_convenor_plans_a_meeting_and_records_minutes_linked_to_sections(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process()
    created = _post(cast.convenor, process.slug, MEETING)
    assert created.status_code == 201
    body = created.json()
    assert body["sections"] == ["repair"]
    assert body["minutes"] == ""
    url = f"{BASE}/{process.slug}/meetings/{body['id']}"
    updated = _client(cast.convenor).put(
        url, {**MEETING, "minutes": "Agreed on 7 days.", "sections": ["purpose", "repair"]},
        content_type="application/json")
    assert updated.status_code == 200
    assert updated.json()["minutes"] == "Agreed on 7 days."
    assert updated.json()["sections"] == ["purpose", "repair"]
    detail = _client().get(url).json()
    assert detail["minutes"] == "Agreed on 7 days."
    listed = _client().get(f"{BASE}/{process.slug}/meetings").json()
    assert [m["title"] for m in listed["items"]] == ["Drafting call"]
    assert Meeting.objects.get().sections.count() == 2


def test_a_participant_cannot_plan_or_change_a_meeting(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process()
    refused = _post(cast.government, process.slug, MEETING)
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    meeting = _post(cast.convenor, process.slug, MEETING).json()
    changed = _client(cast.government).put(
        f"{BASE}/{process.slug}/meetings/{meeting['id']}", {**MEETING, "minutes": "Mine"},
        content_type="application/json")
    assert changed.status_code == 403
    assert Meeting.objects.get().minutes == ""


def test_bad_meeting_input_is_refused_with_the_reason(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process()
    unknown_section = _post(cast.convenor, process.slug, {**MEETING, "sections": ["nowhere"]})
    assert unknown_section.status_code == 400
    assert "sections" in unknown_section.json()["detail"]
    naive = _post(cast.convenor, process.slug, {**MEETING, "starts_at": "2026-05-04T09:00:00"})
    assert naive.status_code == 400
    assert "time zone" in naive.json()["detail"]
    blank = _post(cast.convenor, process.slug, {**MEETING, "title": "  "})
    assert blank.status_code == 400
    too_long = _post(cast.convenor, process.slug, {**MEETING, "title": "x" * 201})
    assert too_long.status_code in (400, 422)
    assert not Meeting.objects.exists()


def test_a_meeting_of_another_consultation_is_not_found(
        make_process: Callable[..., Process], cast: Cast) -> None:
    first = make_process(slug="first")
    second = make_process(slug="second")
    meeting = _post(cast.convenor, first.slug, MEETING).json()
    url = f"{BASE}/{second.slug}/meetings/{meeting['id']}"
    assert _client().get(url).status_code == 404
    moved = _client(cast.convenor).put(url, MEETING, content_type="application/json")
    assert moved.status_code == 404
    assert Meeting.objects.get().process == first


@pytest.mark.parametrize("who", ["anonymous", "outsider", "citizen"])
def test_meetings_of_a_restricted_consultation_are_invisible_to_outsiders(
        restricted: Process, cast: Cast, who: str) -> None:
    meeting = services.save_meeting(cast.convenor, restricted, title="Closed session",
                                    starts_at=timezone.now(), section_keys=["repair"])
    user = None if who == "anonymous" else getattr(cast, who)
    client = _client(user)
    listing = client.get(f"{BASE}/{restricted.slug}/meetings")
    assert listing.status_code == 404
    assert "Closed session" not in listing.content.decode()
    detail = client.get(f"{BASE}/{restricted.slug}/meetings/{meeting.pk}")
    assert detail.status_code == 404
    if user is not None:
        written = client.put(f"{BASE}/{restricted.slug}/meetings/{meeting.pk}",
                             {**MEETING, "minutes": "leak"}, content_type="application/json")
        assert written.status_code == 404
    invited = _client(cast.government).get(f"{BASE}/{restricted.slug}/meetings").json()
    assert [m["title"] for m in invited["items"]] == ["Closed session"]
