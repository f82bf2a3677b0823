"""Imports by URL run in the background: the request answers at once, the database worker
fetches from a real HTTP server on loopback, and the status with its per-record report is
seen by the importer and the collection's administrators only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from cybercommons.core.models import AuditEntry, Progress
from cybercommons.security.models import ImportJob, StixObject
from tests.security.cast import World, bearer, indicator, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/security"


def start(world: World, user, url: str, kind: str = "stix") -> tuple[int, dict, str]:
    response = bearer(world, user).post(
        f"{API}/collections/{world.collection.pk}/imports",
        {"kind": kind, "url": url}, content_type="application/json")
    return response.status_code, response.json(), response.headers.get("Location", "")


def test_the_api_answers_202_at_once_and_the_worker_imports_the_bundle(
        world: World, served: str) -> None:
    status, body, location = start(world, world.carol, served + "/fixture/bundle.json")
    assert status == 202
    assert body["status"] == "pending"
    assert body["report"] is None
    assert location == f"{API}/imports/{body['id']}"
    assert not StixObject.objects.exists()  # nothing fetched inside the request

    run_worker()

    done = bearer(world, world.carol).get(location).json()
    assert done["status"] == "done"
    assert done["message"] == "2 stored, 0 already held, 1 refused."
    report = done["report"]
    assert (report["stored"], report["duplicates"]) == (2, 0)
    assert {item["id"] for item in report["accepted"]} == {indicator(41)["id"],
                                                           indicator(42)["id"]}
    assert report["accepted_count"] == 2
    assert [item["record"] for item in report["rejected"]] == ["broken"]
    assert report["rejected"][0]["reason"]
    assert set(StixObject.objects.values_list("stix_id", flat=True)) == {
        indicator(41)["id"], indicator(42)["id"]}


def test_a_second_import_of_the_same_url_reports_duplicates(world: World, served: str) -> None:
    start(world, world.carol, served + "/fixture/bundle.json")
    run_worker()
    _status, _body, location = start(world, world.carol, served + "/fixture/moved")
    run_worker()
    report = bearer(world, world.carol).get(location).json()["report"]
    assert (report["stored"], report["duplicates"]) == (0, 2)
    assert all(item["duplicate"] for item in report["accepted"])
    assert StixObject.objects.count() == 2


def test_only_the_importer_and_the_collections_admins_see_the_status(
        world: World, served: str) -> None:
    _status, body, location = start(world, world.carol, served + "/fixture/bundle.json")
    run_worker()
    assert bearer(world, world.carol).get(location).status_code == 200
    assert bearer(world, world.alice).get(location).status_code == 200  # admin of the owner
    for outsider in (world.bob, world.frank, world.mallory):  # editor, friend, outsider
        answer = bearer(world, outsider).get(location)
        assert answer.status_code == 404
        assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert Client().get(location).status_code == 401
    listed = {item["id"] for item in bearer(world, world.alice).get(f"{API}/imports")
              .json()["items"]}
    assert listed == {body["id"]}
    assert bearer(world, world.bob).get(f"{API}/imports").json()["items"] == []
    assert Client().get(f"/security/imports/{body['id']}/").status_code == 302  # sign in
    page = Client()
    page.force_login(world.bob)
    assert page.get(f"/security/imports/{body['id']}/").status_code == 404


def test_a_refused_fetch_marks_the_import_failed_with_the_reason(
        world: World, served: str, settings) -> None:
    _status, _body, missing = start(world, world.carol, served + "/fixture/missing")
    settings.CYBERCOMMONS_IMPORT_MAX_BYTES = 100_000
    _status, _body, huge = start(world, world.carol, served + "/fixture/huge")
    run_worker()
    client = bearer(world, world.carol)
    failed = client.get(missing).json()
    assert failed["status"] == "failed"
    assert "HTTP 404" in failed["message"]
    assert failed["report"] is None
    too_big = client.get(huge).json()
    assert too_big["status"] == "failed"
    assert "larger than 100000 bytes" in too_big["message"]
    assert not StixObject.objects.exists()


def test_the_worker_still_refuses_loopback_without_the_setting(
        world: World, served: str, settings) -> None:
    settings.CYBERCOMMONS_ALLOW_PRIVATE_FETCH = False
    status, _body, location = start(world, world.carol, served + "/fixture/bundle.json")
    assert status == 202  # the address is checked when the name is resolved, in the worker
    run_worker()
    answer = bearer(world, world.carol).get(location).json()
    assert answer["status"] == "failed"
    assert "non-public address 127.0.0.1" in answer["message"]
    assert not StixObject.objects.exists()


def test_the_worker_gives_up_on_a_server_slower_than_the_limit(
        world: World, served: str, settings) -> None:
    settings.CYBERCOMMONS_IMPORT_TIMEOUT = 1.0
    _status, _body, location = start(world, world.carol, served + "/fixture/slow")
    run_worker()
    answer = bearer(world, world.carol).get(location).json()
    assert answer["status"] == "failed"
    assert "longer than 1" in answer["message"]


def test_a_csv_by_url_reports_its_bad_line(world: World, served: str) -> None:
    _status, _body, location = start(world, world.carol, served + "/fixture/indicators.csv",
                                     kind="csv")
    run_worker()
    report = bearer(world, world.carol).get(location).json()["report"]
    assert report["stored"] == 2
    assert [item["record"] for item in report["rejected"]] == ["line 3"]
    assert "not-an-address" in report["rejected"][0]["reason"]


@pytest.mark.parametrize(("payload", "field", "reason"), [
    ({"kind": "stix", "url": "ftp://feeds.example/bundle.json"}, "url",
     "Only http:// and https:// URLs can be imported."),
    ({"kind": "stix", "url": "https://user:pw@feeds.example/b.json"}, "url",
     "The URL must not carry a user name or password."),
    ({"kind": "xml", "url": "https://feeds.example/b.xml"}, "kind",
     "Unknown format xml: use stix, misp or csv."),
])
def test_a_bad_request_is_a_problem_at_once_and_starts_nothing(
        world: World, payload: dict, field: str, reason: str) -> None:
    response = bearer(world, world.carol).post(
        f"{API}/collections/{world.collection.pk}/imports", payload,
        content_type="application/json")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["detail"] == reason
    assert problem["errors"] == [{"loc": ["body", field], "msg": reason, "type": "service"}]
    assert not ImportJob.objects.exists()
    assert not Progress.objects.exists()


def test_someone_who_may_not_write_cannot_make_the_server_fetch(world: World) -> None:
    # frank sees nothing of the collection; mallory neither: both get 404, no job exists.
    for user in (world.frank, world.mallory):
        response = bearer(world, user).post(
            f"{API}/collections/{world.collection.pk}/imports",
            {"kind": "stix", "url": "https://feeds.example/b.json"},
            content_type="application/json")
        assert response.status_code == 404
    world.collection.community_write = False
    world.collection.save(update_fields=["community_write"])
    refused = bearer(world, world.carol).post(
        f"{API}/collections/{world.collection.pk}/imports",
        {"kind": "stix", "url": "https://feeds.example/b.json"},
        content_type="application/json")
    assert refused.status_code == 403  # carol reads the collection but may not write
    assert not ImportJob.objects.exists()


def test_a_write_right_withdrawn_while_the_import_waited_stops_it(
        world: World, served: str) -> None:
    status, _body, location = start(world, world.carol, served + "/fixture/bundle.json")
    assert status == 202
    world.collection.community_write = False
    world.collection.save(update_fields=["community_write"])
    run_worker()
    answer = bearer(world, world.carol).get(location).json()
    assert answer["status"] == "failed"
    assert "may not add objects" in answer["message"]
    assert not StixObject.objects.exists()


def test_starting_an_import_is_audited(world: World, served: str) -> None:
    _status, _body, _location = start(world, world.carol, served + "/fixture/bundle.json")
    entry = AuditEntry.objects.get(action="security.import.url_started")
    assert entry.actor_id == world.carol.pk
    assert entry.data["url"] == served + "/fixture/bundle.json"


def test_the_import_page_redirects_to_a_status_page_that_shows_the_report(
        world: World, served: str) -> None:
    client = Client()
    client.force_login(world.bob)
    response = client.post("/security/import/", {
        "collection": world.collection.pk, "kind": "stix",
        "url": served + "/fixture/bundle.json"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/security/imports/{job.pk}/"
    waiting = client.get(response["Location"])
    assert waiting.status_code == 200
    assert 'hx-trigger="every 1s"' in waiting.content.decode()  # the page polls
    run_worker()
    page = client.get(response["Location"]).content.decode()
    assert "2 stored, 0 already held, 1 refused." in page
    assert "<code>broken</code>" in page
    assert indicator(41)["id"] in page
    assert "every 1s" not in page
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="import-status"')
    listing = client.get("/security/import/").content.decode()
    assert f"/security/imports/{job.pk}/" in listing


def test_the_import_page_refuses_a_bad_url_at_once(world: World) -> None:
    client = Client()
    client.force_login(world.bob)
    refused = client.post("/security/import/", {
        "collection": world.collection.pk, "kind": "stix",
        "url": "ftp://feeds.example/bundle.json"})
    assert refused.status_code == 400
    neither = client.post("/security/import/", {"collection": world.collection.pk,
                                                "kind": "stix"})
    assert neither.status_code == 400
    assert "Give either a file or a URL." in neither.content.decode()
    assert not ImportJob.objects.exists()


MISP_EVENT = "5a0ac036-6fbc-4855-83af-422b950d210f.json"  # OSINT - Qakbot and Emotet


@pytest.mark.realdata
def test_a_real_misp_event_by_url_lands_through_the_worker(
        world: World, served: str, shared_data: Path) -> None:
    event = json.loads((shared_data / "threat_intel" / "misp_events" / MISP_EVENT)
                       .read_text(encoding="utf-8"))["Event"]
    status, body, location = start(world, world.carol, f"{served}/fixture/misp/{MISP_EVENT}",
                                   kind="misp")
    assert (status, body["status"]) == (202, "pending")
    run_worker()

    done = bearer(world, world.carol).get(location).json()
    assert done["status"] == "done"
    report = done["report"]
    stored = set(StixObject.objects.values_list("stix_id", flat=True))
    assert report["stored"] == len(stored) == report["accepted_count"]
    assert {item["id"] for item in report["accepted"]} == stored
    assert report["rejected_count"] == len(report["rejected"])
    assert done["message"] == (f"{report['stored']} stored, 0 already held, "
                               f"{report['rejected_count']} refused.")
    assert done["done"] == done["total"] >= report["stored"]
    # An unpublished event becomes a grouping of everything converted from it.
    summary = StixObject.objects.get(type="grouping")
    assert (summary.stix_id, summary.name) == (f"grouping--{event['uuid']}", event["info"])
    patterns = " ".join(StixObject.objects.filter(type="indicator")
                        .values_list("raw", flat=True))
    addresses = [a["value"] for a in event["Attribute"]
                 if a["to_ids"] and a["type"] == "ip-dst"]
    assert len(addresses) == 19
    assert all(f"'{value}'" in patterns for value in addresses)
    assert "misp-stix: MISP Attribute type comment not mapped." in report["notes"]

    _status, _body, again = start(world, world.carol, f"{served}/fixture/misp/{MISP_EVENT}",
                                  kind="misp")
    run_worker()
    second = bearer(world, world.carol).get(again).json()["report"]
    assert (second["stored"], second["duplicates"]) == (0, report["stored"])
    assert StixObject.objects.count() == len(stored)
