"""The exchange JSON API: works, texts, search, exhibitions and moderation."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cybercommons.core.lib import pagination
from cybercommons.exchange import services
from cybercommons.exchange.kernel import pdq
from cybercommons.exchange.models import HashList
from cybercommons.exchange.services import TextInput
from tests.exchange.conftest import as_user, body, drawn_image, walk_pages

pytestmark = pytest.mark.django_db
API = "/api/v1/exchange"


def new_work(payload_extra: dict | None = None) -> dict:  # type: ignore[type-arg]
    payload = {"organisation": "museum-of-sound", "kind": "article", "licence": "cc-by-4.0",
               "texts": [{"language": "en", "title": "Songs of the coast"},
                         {"language": "ru", "title": "Песни побережья", "translator": "Ivan"}],
               "creator": "Wanjiru", "country": "KE", "year_start": 1925}
    payload.update(payload_extra or {})
    return payload


def test_an_editor_creates_a_work_and_reads_it_back(cast):
    client = as_user(cast.owner)
    answer = client.post(f"{API}/works", **body(new_work({"publish": True})))
    assert answer.status_code == 201
    work = answer.json()
    assert work["status"] == "published"
    assert work["texts"][1]["translated_from"] == "en"
    assert "Wanjiru" in work["attribution"]
    assert work["licence_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert Client().get(f"{API}/works/{work['uuid']}").status_code == 200


def test_bad_input_is_a_problem_document(cast):
    client = as_user(cast.owner)
    answer = client.post(f"{API}/works", **body(new_work({"licence": "gpl"})))
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert "gpl" in answer.json()["detail"]
    assert client.post(f"{API}/works", **body({"kind": "article"})).status_code in (400, 422)


def test_null_subjects_in_a_patch_clear_them(cast):
    client = as_user(cast.owner)
    work = client.post(f"{API}/works", **body(new_work())).json()
    answer = client.patch(f"{API}/works/{work['uuid']}",
                          **body({"creator": "", "subjects": None, "visibility": "public"}))
    assert answer.status_code == 200
    assert answer.json()["subjects"] == []


def test_a_null_licence_in_a_patch_is_refused_not_a_server_error(cast):
    client = as_user(cast.owner)
    work = client.post(f"{API}/works", **body(new_work())).json()
    answer = client.patch(f"{API}/works/{work['uuid']}", **body({"licence": None}))
    assert answer.status_code == 400
    assert answer.json()["detail"] == "A licence is required."


def test_an_outsider_cannot_create_nor_see_drafts_through_list_detail_search_or_counts(cast):
    draft = services.create_work(cast.owner, cast.organisation, kind="article",
                                 licence="cc0-1.0", texts=[TextInput("en", "Hidden draft")])
    outsider = as_user(cast.outsider)
    assert outsider.post(f"{API}/works", **body(new_work())).status_code == 403
    assert outsider.get(f"{API}/works/{draft.uuid}").status_code == 404
    assert outsider.get(f"{API}/works").json()["items"] == []
    found = outsider.get(f"{API}/search", {"q": "hidden"}).json()
    assert found["total"] == 0
    assert found["facets"]["language"] == []
    assert outsider.get(f"{API}/works/{draft.uuid}/texts").status_code == 404
    assert as_user(cast.teammate).get(f"{API}/works/{draft.uuid}").status_code == 200


def test_search_returns_facets_and_finds_translations(cast):
    as_user(cast.owner).post(f"{API}/works", **body(new_work({"publish": True})))
    found = Client().get(f"{API}/search", {"q": "побережья"}).json()
    assert found["total"] == 1
    assert found["items"][0]["texts"][0]["title"] == "Songs of the coast"
    assert {f["value"] for f in found["facets"]["language"]} == {"en", "ru"}
    assert found["facets"]["century"][0]["value"] == "20"


def test_a_member_puts_a_translation_and_a_mismatch_is_refused(cast):
    work = services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc0-1.0", texts=[TextInput("en", "Draft")])
    client = as_user(cast.teammate)
    ok = client.put(f"{API}/works/{work.uuid}/texts/es",
                    **body({"language": "es", "title": "Borrador", "translator": "Ana"}))
    assert ok.status_code == 200
    assert ok.json()["translator"] == "Ana"
    bad = client.put(f"{API}/works/{work.uuid}/texts/fr",
                     **body({"language": "es", "title": "x"}))
    assert bad.status_code == 400


def test_update_and_delete_need_the_editor_role(cast):
    work = services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc0-1.0", texts=[TextInput("en", "Draft")],
                                publish=True)
    assert as_user(cast.teammate).patch(f"{API}/works/{work.uuid}",
                                        **body({"period": "x"})).status_code == 403
    answer = as_user(cast.owner).patch(f"{API}/works/{work.uuid}",
                                       **body({"period": "1920s", "note": "dated"}))
    assert answer.json()["version"] == 2
    assert as_user(cast.outsider).delete(f"{API}/works/{work.uuid}").status_code == 403
    assert as_user(cast.owner).delete(f"{API}/works/{work.uuid}").status_code == 204


def test_a_report_is_received_without_revealing_anything(cast):
    work = services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc0-1.0", texts=[TextInput("en", "W")], publish=True)
    answer = as_user(cast.outsider).post(f"{API}/works/{work.uuid}/reports",
                                         **body({"reason": "spam"}))
    assert answer.status_code == 202
    assert answer.json() == {"status": "received"}
    assert Client().post(f"{API}/works/{work.uuid}/reports",
                         **body({"reason": "spam"})).status_code == 401


def test_the_held_status_is_all_an_uploader_learns(cast):
    image = drawn_image(4)
    services.import_hash_list(cast.moderator, name="l", lines=[pdq.hash_image(image).hex])
    work = services.create_work(cast.owner, cast.organisation, kind="image",
                                licence="cc0-1.0", texts=[TextInput("en", "W")])
    services.add_media(cast.owner, work, data=image, filename="x.png")
    data = as_user(cast.owner).get(f"{API}/works/{work.uuid}").json()
    assert data["status"] == "held"
    text = json.dumps(data)
    assert "distance" not in text
    assert "pdq" not in text
    assert as_user(cast.owner).get(f"{API}/moderation/cases").status_code == 403
    assert as_user(cast.owner).get(f"{API}/moderation/hash-lists").status_code == 403


def test_moderators_list_decide_and_import_through_the_api(cast):
    image = drawn_image(4)
    moderator = as_user(cast.moderator)
    imported = moderator.post(f"{API}/moderation/hash-lists", **body(
        {"name": "l", "lines": [pdq.hash_image(image).hex, "bad"]}))
    assert imported.status_code == 201
    assert imported.json()["errors"] == [{
        "line": 2, "code": "not_a_hash", "params": {"value": "bad"},
        "message": "not a PDQ hash (64 hexadecimal digits): “bad”"}]
    work = services.create_work(cast.owner, cast.organisation, kind="image",
                                licence="cc0-1.0", texts=[TextInput("en", "W")])
    services.add_media(cast.owner, work, data=image, filename="x.png")
    cases = moderator.get(f"{API}/moderation/cases").json()["items"]
    assert len(cases) == 1
    case_id = cases[0]["id"]
    assert moderator.get(f"{API}/moderation/cases/{case_id}").status_code == 200
    decided = moderator.post(f"{API}/moderation/cases/{case_id}/decision",
                             **body({"outcome": "restore", "reason": "False match"}))
    assert decided.status_code == 201
    lists = moderator.get(f"{API}/moderation/hash-lists").json()["items"]
    assert lists[0]["size"] == 1
    assert "lines" not in lists[0]
    blocked = moderator.put(f"{API}/moderation/instances/bad.example",
                            **body({"policy": "block"}))
    assert blocked.json()["policy"] == "block"


def imported_hash_lists(cast, count: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """`count` hash lists (`count` not a multiple of 5) whose names do not sort in the order
    they were made, the n-th made holding n + 1 hashes: the expected name → size."""
    sizes = {}
    for n in range(count):
        name = f"list {(n * 5) % count:02d}"
        services.import_hash_list(cast.moderator, name=name,
                                  lines=[f"{n:02x}{k:062x}" for k in range(n + 1)])
        sizes[name] = n + 1
    return sizes


def test_hash_lists_come_in_pages_by_name_each_once_with_its_size(cast):
    sizes = imported_hash_lists(cast, 7)
    moderator = as_user(cast.moderator)
    names, pages = walk_pages(moderator, f"{API}/moderation/hash-lists?limit=3", 3,
                              field="name")
    assert (names, pages) == (sorted(sizes), 3)
    assert walk_pages(moderator, f"{API}/moderation/hash-lists?limit=7", 7,
                      field="name") == (sorted(sizes), 1)
    # The size of each list is counted on every page, not across the page's join.
    second = moderator.get(f"{API}/moderation/hash-lists", {"limit": 2}).json()["next"]
    rows = moderator.get(f"{API}/moderation/hash-lists", {"limit": 2, "cursor": second}).json()
    assert {row["name"]: row["size"] for row in rows["items"]} == {
        name: sizes[name] for name in sorted(sizes)[2:4]}
    first = moderator.get(f"{API}/moderation/hash-lists").json()
    assert ([row["name"] for row in first["items"]], first["next"]) == (sorted(sizes), None)


def test_outsiders_get_no_page_of_hash_lists_even_with_a_cursor(cast):
    imported_hash_lists(cast, 3)
    cursor = as_user(cast.moderator).get(f"{API}/moderation/hash-lists",
                                         {"limit": 1}).json()["next"]
    assert cursor
    for user in (cast.outsider, cast.owner, cast.teammate):
        answer = as_user(user).get(f"{API}/moderation/hash-lists", {"cursor": cursor})
        assert answer.status_code == 403
        assert answer["Content-Type"] == "application/problem+json"
        assert "list 0" not in answer.content.decode()
    assert Client().get(f"{API}/moderation/hash-lists", {"cursor": cursor}).status_code == 401


@pytest.mark.parametrize("limit", ["0", "-1", "ten", ""])
def test_a_bad_page_size_of_hash_lists_is_a_problem(cast, limit):
    answer = as_user(cast.moderator).get(f"{API}/moderation/hash-lists", {"limit": limit})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert ["query", "limit"] in [error["loc"] for error in answer.json()["errors"]]


def test_a_cursor_of_another_list_does_not_open_the_hash_lists(cast):
    imported_hash_lists(cast, 2)
    foreign = pagination.encode_cursor("exchange-cases", "name", HashList.objects.first())
    answer = as_user(cast.moderator).get(f"{API}/moderation/hash-lists", {"cursor": foreign})
    assert answer.status_code == 400
    assert answer.json()["detail"] == "The cursor belongs to another list or another ordering."


def test_the_hash_list_page_is_in_the_openapi_document(cast):
    schema = Client().get("/api/v1/openapi.json").json()
    listing = schema["paths"][f"{API}/moderation/hash-lists"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HashListPage"}
    assert {"limit", "cursor"} <= {p["name"] for p in listing["parameters"]}
    page = schema["components"]["schemas"]["HashListPage"]
    assert page["properties"]["items"]["items"] == {"$ref": "#/components/schemas/HashListOut"}


def test_exhibitions_through_the_api(cast):
    work = services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc0-1.0", texts=[TextInput("en", "W")], publish=True)
    saved = as_user(cast.owner).put(f"{API}/exhibitions", **body({
        "organisation": "museum-of-sound", "slug": "tour",
        "title": {"en": "Tour", "fr": "Visite"},
        "items": [{"narrative": {"en": "Hello", "fr": "Bonjour"}}, {"work": str(work.uuid)}],
        "publish": True}))
    assert saved.status_code == 200
    shown = Client().get(f"{API}/exhibitions/tour").json()
    assert [i["work"] for i in shown["items"]] == [None, str(work.uuid)]
    assert shown["items"][0]["narrative"]["fr"] == "Bonjour"
    assert as_user(cast.outsider).put(f"{API}/exhibitions", **body({
        "organisation": "museum-of-sound", "slug": "x", "title": {"en": "X"}})).status_code == 403
