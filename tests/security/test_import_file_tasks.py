"""Uploaded files import in the background, like URLs: the request stores the bytes and
answers at once, the database worker imports them (dropping the bytes), and the status
with its per-record report is seen by the importer and the collection's administrators
only. The CLI imports in the foreground and draws a bar per file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cybercommons.core.models import AuditEntry, Progress
from cybercommons.security.importers import jobs
from cybercommons.security.models import ImportJob, ImportUpload, StixObject
from tests.security.cast import World, bearer, indicator, run_worker
from tests.security.fetch_urls import BUNDLE

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/security"


def bundle_bytes(*objects: dict) -> bytes:
    return json.dumps({"type": "bundle", "id": BUNDLE["id"],
                       "objects": list(objects)}).encode()


def upload(world: World, user, data: bytes, *, kind: str = "stix", name: str = "bundle.json",
           **fields: object) -> tuple[int, dict, str]:
    response = bearer(world, user).post(
        f"{API}/collections/{world.collection.pk}/imports",
        {"kind": kind, "file": SimpleUploadedFile(name, data), **fields})
    return response.status_code, response.json(), response.headers.get("Location", "")


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_upload_through_the_api_answers_202_and_the_worker_imports_it(
        world: World) -> None:
    status, body, location = upload(world, world.carol, json.dumps(BUNDLE).encode())
    assert status == 202
    assert location == f"{API}/imports/{body['id']}"
    assert (body["status"], body["report"]) == ("pending", None)
    assert (body["kind"], body["filename"], body["url"]) == ("stix", "bundle.json", None)
    assert not StixObject.objects.exists()  # nothing imported inside the request
    assert ImportUpload.objects.filter(job_id=body["id"]).exists()  # the bytes wait

    run_worker()

    done = bearer(world, world.carol).get(location).json()
    assert done["status"] == "done"
    assert done["message"] == "2 stored, 0 already held, 1 refused."
    assert (done["done"], done["total"]) == (3, 3)  # records checked
    report = done["report"]
    assert (report["stored"], report["duplicates"]) == (2, 0)
    assert (report["accepted_count"], report["rejected_count"]) == (2, 1)
    assert {item["id"] for item in report["accepted"]} == {indicator(41)["id"],
                                                           indicator(42)["id"]}
    assert [item["record"] for item in report["rejected"]] == ["broken"]
    assert "id" in report["rejected"][0]["reason"]
    assert set(StixObject.objects.values_list("stix_id", flat=True)) == {
        indicator(41)["id"], indicator(42)["id"]}
    assert not ImportUpload.objects.exists()  # dropped once the task had read them


def test_an_upload_through_the_page_lands_after_the_worker_ran(world: World) -> None:
    client = page_client(world.bob)
    response = client.post("/security/import/", {
        "collection": world.collection.pk, "kind": "stix",
        "file": SimpleUploadedFile("partner-feed.json", json.dumps(BUNDLE).encode())})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/security/imports/{job.pk}/"
    assert (job.filename, job.url) == ("partner-feed.json", "")
    waiting = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in waiting
    assert "The file is being checked" in waiting
    assert "partner-feed.json" in waiting

    run_worker()

    page = client.get(response["Location"]).content.decode()
    assert "2 stored, 0 already held, 1 refused." in page
    assert "<code>broken</code>" in page
    assert indicator(41)["id"] in page
    assert "every 1s" not in page
    assert StixObject.objects.count() == 2
    assert not ImportUpload.objects.exists()
    listing = client.get("/security/import/").content.decode()
    assert f"/security/imports/{job.pk}/" in listing
    assert "partner-feed.json" in listing


def test_a_csv_upload_reports_its_bad_line_and_stores_the_good_ones(world: World) -> None:
    text = ("type,value,name\nipv4-addr,198.51.100.7,Scanner\n"
            "ipv4-addr,not-an-address,Broken row\ndomain-name,bad.example,Phish\n")
    # Sent as an HTML form sends it: the URL field is there, empty.
    status, _body, location = upload(world, world.carol, text.encode(), kind="csv",
                                     name="indicators.csv", url="")
    assert status == 202
    run_worker()
    report = bearer(world, world.carol).get(location).json()["report"]
    assert (report["stored"], report["rejected_count"]) == (2, 1)
    assert [item["record"] for item in report["rejected"]] == ["line 3"]
    assert "not-an-address" in report["rejected"][0]["reason"]
    assert StixObject.objects.filter(type="indicator").count() == 2


def test_only_the_importer_and_the_collections_admins_see_an_upload(world: World) -> None:
    _status, body, location = upload(world, world.carol, json.dumps(BUNDLE).encode())
    run_worker()
    assert bearer(world, world.carol).get(location).json()["report"]["stored"] == 2
    assert bearer(world, world.alice).get(location).status_code == 200  # admin of the owner
    # bob writes to the collection but neither started the import nor administers it;
    # frank and mallory have no write right at all.
    for outsider in (world.bob, world.frank, world.mallory):
        answer = bearer(world, outsider).get(location)
        assert answer.status_code == 404
        assert answer.headers["Content-Type"].startswith("application/problem+json")
        assert bearer(world, outsider).get(f"{API}/imports").json()["items"] == []
        page = page_client(outsider).get(f"/security/imports/{body['id']}/")
        assert page.status_code == 404
        assert "broken" not in page.content.decode()
        listing = page_client(outsider).get("/security/import/").content.decode()
        assert "bundle.json" not in listing
    assert Client().get(location).status_code == 401
    assert Client().get(f"/security/imports/{body['id']}/").status_code == 302  # sign in
    assert [item["id"] for item in bearer(world, world.alice).get(f"{API}/imports")
            .json()["items"]] == [body["id"]]
    admin_page = page_client(world.alice).get(f"/security/imports/{body['id']}/")
    assert "<code>broken</code>" in admin_page.content.decode()


def test_someone_who_may_not_write_cannot_upload(world: World) -> None:
    data = json.dumps(BUNDLE).encode()
    for user in (world.frank, world.mallory):  # the collection is not theirs to see
        assert upload(world, user, data)[0] == 404
    world.collection.community_write = False
    world.collection.save(update_fields=["community_write"])
    status, body, _location = upload(world, world.carol, data)
    assert status == 403  # carol reads the collection but may no longer write
    assert body["detail"] == "You may not add objects to this collection."
    refused = page_client(world.carol).post("/security/import/", {
        "collection": world.collection.pk, "kind": "stix",
        "file": SimpleUploadedFile("b.json", data)})
    assert refused.status_code == 400  # the form offers only writable collections
    assert not ImportJob.objects.exists()
    assert not ImportUpload.objects.exists()


def test_a_write_right_withdrawn_while_the_upload_waited_stops_it_and_drops_the_bytes(
        world: World) -> None:
    status, _body, location = upload(world, world.carol, json.dumps(BUNDLE).encode())
    assert status == 202
    world.collection.community_write = False
    world.collection.save(update_fields=["community_write"])
    run_worker()
    answer = bearer(world, world.carol).get(location).json()
    assert answer["status"] == "failed"
    assert answer["message"] == "You may not add objects to this collection."
    assert answer["report"] is None
    assert not StixObject.objects.exists()
    assert not ImportUpload.objects.exists()


def test_the_report_keeps_report_limit_entries_with_the_full_counts(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "REPORT_LIMIT", 3)
    good = [indicator(n) for n in range(1, 6)]
    bad = [{"type": "indicator", "id": f"broken-{n}"} for n in range(1, 5)]
    _status, body, location = upload(world, world.carol, bundle_bytes(*good, *bad))
    run_worker()
    answer = bearer(world, world.carol).get(location).json()
    report = answer["report"]
    assert (report["stored"], report["accepted_count"], report["rejected_count"]) == (5, 5, 4)
    assert [item["id"] for item in report["accepted"]] == [obj["id"] for obj in good[:3]]
    assert [item["record"] for item in report["rejected"]] == ["broken-1", "broken-2",
                                                                "broken-3"]
    assert answer["message"] == "5 stored, 0 already held, 4 refused."
    assert StixObject.objects.count() == 5
    page = page_client(world.carol).get(f"/security/imports/{body['id']}/").content.decode()
    assert "The first 3 of 4 are listed." in page
    assert "The first 3 of 5 are listed." in page


def test_a_file_over_the_limit_is_refused_with_413(world: World, settings) -> None:
    settings.CYBERCOMMONS_IMPORT_MAX_BYTES = 1000
    status, body, _location = upload(world, world.carol, b" " * 1001)
    assert status == 413
    assert body["detail"] == "The file is larger than 1000\xa0bytes."
    assert body["errors"][0]["loc"] == ["body", "file"]
    # Far over the limit: refused from the declared length, before the body is read.
    status, body, _location = upload(world, world.carol, b" " * 200_000)
    assert (status, body["status"]) == (413, 413)
    page = page_client(world.bob).post("/security/import/", {
        "collection": world.collection.pk, "kind": "stix",
        "file": SimpleUploadedFile("big.json", b" " * 1001)})
    assert page.status_code == 413
    assert "The file is larger than 1000\xa0bytes." in page.content.decode()
    assert not ImportJob.objects.exists()
    at_limit = bundle_bytes(indicator(1))
    settings.CYBERCOMMONS_IMPORT_MAX_BYTES = len(at_limit)
    assert upload(world, world.carol, at_limit)[0] == 202


def test_the_default_limit_is_20_mb(world: World) -> None:
    status, body, _location = upload(world, world.carol, b" " * (20 * 1024 * 1024 + 1))
    assert status == 413
    assert body["detail"] == "The file is larger than 20.0\xa0MB."
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(("fields", "detail", "loc"), [
    ({"kind": "xml", "file": b"{}"}, "Unknown format xml: use stix, misp or csv.",
     ["body", "kind"]),
    ({"kind": "stix"}, "Give either a file or a URL.", ["body", "file"]),
    ({"kind": "stix", "url": " "}, "Give either a file or a URL.", ["body", "file"]),
    ({"kind": "stix", "file": b"{}", "url": "https://feeds.example/b.json"},
     "Give either a file or a URL.", ["body", "file"]),
    ({"kind": "stix", "file": b""}, "The file is empty.", ["body", "file"]),
])
def test_a_bad_upload_is_a_400_problem_and_starts_nothing(
        world: World, fields: dict, detail: str, loc: list[str]) -> None:
    if "file" in fields:
        fields = {**fields, "file": SimpleUploadedFile("b.json", fields["file"])}
    response = bearer(world, world.carol).post(
        f"{API}/collections/{world.collection.pk}/imports", fields)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == detail
    assert response.json()["errors"][0]["loc"] == loc
    assert not ImportJob.objects.exists()
    assert not Progress.objects.exists()


def test_a_form_with_a_malformed_length_header_is_a_4xx_not_a_500(world: World) -> None:
    response = bearer(world, world.carol).post(
        f"{API}/collections/{world.collection.pk}/imports",
        {"kind": "stix", "file": SimpleUploadedFile("b.json", bundle_bytes(indicator(1)))},
        CONTENT_LENGTH="many")
    assert 400 <= response.status_code < 500
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert not ImportJob.objects.exists()


def test_a_form_may_give_a_url_instead_of_a_file(world: World, served: str) -> None:
    response = bearer(world, world.carol).post(
        f"{API}/collections/{world.collection.pk}/imports",
        {"kind": "stix", "url": served + "/fixture/bundle.json"})
    assert response.status_code == 202
    assert (response.json()["url"], response.json()["filename"]) == (
        served + "/fixture/bundle.json", None)
    run_worker()
    assert bearer(world, world.carol).get(response["Location"]).json()["report"][
        "stored"] == 2


def test_a_file_that_is_not_utf8_fails_with_a_reason(world: World) -> None:
    _status, _body, location = upload(world, world.carol, b"\xff\xfe{}")
    run_worker()
    answer = bearer(world, world.carol).get(location).json()
    assert answer["status"] == "failed"
    assert answer["message"] == "The document is not UTF-8 text (byte 0)."
    assert not ImportUpload.objects.exists()


def test_starting_an_upload_is_audited(world: World) -> None:
    data = json.dumps(BUNDLE).encode()
    _status, body, _location = upload(world, world.carol, data)
    entry = AuditEntry.objects.get(action="security.import.file_started")
    assert (entry.actor_id, entry.object_id) == (world.carol.pk, body["id"])
    assert entry.data == {"collection": str(world.collection.pk), "kind": "stix",
                          "filename": "bundle.json", "bytes": len(data)}


def test_the_openapi_document_describes_both_ways_to_start_an_import() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/security/collections/{collection_id}/imports"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    form = content["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == {
        "type": "string", "format": "binary",
        "description": "The document to import (up to 20 MB unless the site sets another "
                       "limit)"}
    assert form["required"] == ["kind"]
    assert content["application/json"]["schema"]["required"] == ["kind", "url"]
    assert set(operation["responses"]) >= {"202", "400", "413"}
    assert "multipart/form-data" in operation["description"]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_cli_imports_at_once_and_draws_a_bar_per_file(world: World,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "large.json"
    path.write_bytes(bundle_bytes(*(indicator(n) for n in range(1, 121)),
                                  {"type": "indicator", "id": "broken"}))
    out, err = io.StringIO(), Terminal()
    call_command("security", "import", "stix", str(path), "--collection", "indicators",
                 "--user", "bob", stdout=out, stderr=err)
    assert err.getvalue().endswith(
        "\rImporting large.json [##############################] 121/121 100%\n")
    lines = out.getvalue().splitlines()
    assert lines[1].split() == [str(path)[-40:], "120", "0", "1"]
    assert StixObject.objects.count() == 120
    assert not ImportJob.objects.exists()  # the terminal's import is not a background job
