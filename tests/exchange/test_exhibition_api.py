"""The exhibition and follow-request operations of the JSON API that the pages have too:
narrative translations per language (credited, machine-labelled, outdated when the original
changes), moving items, and deciding follow requests addressed to an organisation's or an
exhibition's actor. Each has its outsider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cybercommons.core.lib import pagination
from cybercommons.core.models import AuditEntry
from cybercommons.exchange import services
from cybercommons.exchange.federation import inbound, outbound
from cybercommons.exchange.models import Exhibition, Follower, FollowState
from cybercommons.exchange.services import ExchangeAction, TextInput
from tests.exchange.conftest import as_user, body, waiting_follow_requests, walk_pages

pytestmark = pytest.mark.django_db
API = "/api/v1/exchange"


def tour(cast, *, publish: bool = True) -> Exhibition:  # type: ignore[no-untyped-def]
    work = services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc0-1.0", texts=[TextInput("en", "Drum")],
                                publish=True)
    return services.save_exhibition(
        cast.owner, cast.organisation, slug="tour", title={"en": "Tour"},
        introduction={"en": "<p>Hello.</p>"}, primary_language="en",
        items=[{"narrative": {"en": "<p>First.</p>"}}, {"work": str(work.uuid)},
               {"narrative": {"en": "<p>Last.</p>"}}], publish=publish)


def item_ids(exhibition: Exhibition) -> list[int]:
    return list(exhibition.items.order_by("position").values_list("pk", flat=True))


def assert_problem(answer, status: int, words: str = "") -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"] == "application/problem+json"
    assert words in answer.json()["detail"]


# ---- translations ---------------------------------------------------------------------------


def test_a_member_puts_a_machine_translation_and_anyone_lists_the_languages(cast):
    exhibition = tour(cast)
    first, _work, last = item_ids(exhibition)
    answer = as_user(cast.teammate).put(f"{API}/exhibitions/tour/translations/fr", **body({
        "title": "Visite", "introduction": "<p>Bonjour.</p>", "translator": "Argos 1.9",
        "is_machine_translation": True,
        "narratives": [{"item": first, "text": "<p>Premier.</p>"}]}))
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "language": "fr", "is_primary": False, "title": "Visite",
        "introduction": "<p>Bonjour.</p>", "translator": "Argos 1.9",
        "is_machine_translation": True,
        "narratives": [{"item": first, "position": 1, "text": "<p>Premier.</p>",
                        "outdated": False},
                       {"item": last, "position": 3, "text": "", "outdated": False}]}
    listed = Client().get(f"{API}/exhibitions/tour/translations").json()
    assert [(e["language"], e["is_primary"], e["translator"]) for e in listed] == [
        ("en", True, ""), ("fr", False, "Argos 1.9")]
    shown = Client().get(f"{API}/exhibitions/tour").json()
    assert shown["machine_translations"] == ["fr"]
    assert shown["translators"] == {"fr": "Argos 1.9"}
    entry = AuditEntry.objects.get(action=ExchangeAction.EXHIBITION_TRANSLATED)
    assert entry.data["machine"] is True
    # A person redoes it: the machine label goes.
    as_user(cast.teammate).put(f"{API}/exhibitions/tour/translations/fr", **body({
        "title": "Visite", "translator": "Claire"}))
    exhibition.refresh_from_db()
    assert exhibition.machine_translations == []


def test_bad_translations_are_problem_documents_naming_the_problem(cast):
    exhibition = tour(cast)
    member = as_user(cast.teammate)
    url = f"{API}/exhibitions/tour/translations"
    assert_problem(member.put(f"{url}/fr", **body({"title": "Visite"})), 400, "translated")
    assert_problem(member.put(f"{url}/xx", **body({"title": "?", "translator": "C"})), 400,
                   "Unknown language")
    assert_problem(member.put(f"{url}/fr", **body({
        "title": "Visite", "translator": "C", "narratives": [{"item": 999999, "text": "x"}]})),
        400, "999999")
    assert_problem(member.put(f"{url}/en", **body({
        "title": "Tour", "is_machine_translation": True})), 400, "original")
    assert member.put(f"{url}/fr", **body({"title": "V", "translator": "C",
                                           "extra": 1})).status_code in (400, 422)
    assert member.put(f"{url}/fr", **body([1, 2])).status_code in (400, 422)
    exhibition.refresh_from_db()
    assert set(exhibition.title) == {"en"}


def test_an_outsider_cannot_translate_and_does_not_see_a_draft_or_its_translations(cast):
    tour(cast)
    outsider = as_user(cast.outsider)
    url = f"{API}/exhibitions/tour/translations"
    assert_problem(outsider.put(f"{url}/fr", **body({"title": "V", "translator": "M"})), 403)
    Exhibition.objects.filter(slug="tour").update(status="draft")
    assert_problem(outsider.get(url), 404)
    assert_problem(Client().get(url), 404)
    assert_problem(outsider.put(f"{url}/fr", **body({"title": "V", "translator": "M"})), 404)
    assert as_user(cast.teammate).get(url).status_code == 200
    assert Exhibition.objects.get(slug="tour").title == {"en": "Tour"}


def test_changing_an_original_narrative_marks_its_translations_outdated_until_redone(cast):
    exhibition = tour(cast)
    first = item_ids(exhibition)[0]
    member = as_user(cast.teammate)
    url = f"{API}/exhibitions/tour/translations"
    member.put(f"{url}/fr", **body({"title": "Visite", "translator": "Claire",
                                    "narratives": [{"item": first, "text": "Premier."}]}))
    member.put(f"{url}/en", **body({"title": "Tour",
                                    "narratives": [{"item": first, "text": "Begin."}]}))
    french = next(e for e in member.get(url).json() if e["language"] == "fr")
    assert french["narratives"][0] == {"item": first, "position": 1, "text": "Premier.",
                                       "outdated": True}
    page = Client().get("/exchange/exhibitions/tour/?lang=fr").content.decode()
    assert "earlier version of the text" in page
    member.put(f"{url}/fr", **body({"title": "Visite", "translator": "Claire",
                                    "narratives": [{"item": first, "text": "Commencez."}]}))
    french = next(e for e in member.get(url).json() if e["language"] == "fr")
    assert french["narratives"][0]["outdated"] is False


# ---- replacing an exhibition keeps surviving translations ------------------------------------


def translated_tour(cast) -> Exhibition:  # type: ignore[no-untyped-def]
    exhibition = tour(cast)
    first, _work, last = item_ids(exhibition)
    services.save_exhibition_translation(
        cast.teammate, exhibition, language="fr", title="Visite", translator="Claire",
        item_narratives={first: "<p>Premier.</p>", last: "<p>Dernier.</p>"})
    return exhibition


def test_a_put_that_moves_blocks_keeps_their_translations_and_ids(cast):
    exhibition = translated_tour(cast)
    first, work_item, last = item_ids(exhibition)
    shown = Client().get(f"{API}/exhibitions/tour").json()
    answer = as_user(cast.owner).put(f"{API}/exhibitions", **body({
        "organisation": "museum-of-sound", "slug": "tour", "title": {"en": "Tour"},
        "items": [{"narrative": {"en": "<p>Last.</p>"}},
                  {"work": shown["items"][1]["work"]},
                  {"narrative": {"en": "<p>First.</p>"}}]}))
    assert answer.status_code == 200, answer.content
    items = answer.json()["items"]
    assert [i["id"] for i in items] == [last, work_item, first]
    assert items[0]["narrative"] == {"en": "<p>Last.</p>", "fr": "<p>Dernier.</p>"}
    assert items[2]["narrative"] == {"en": "<p>First.</p>", "fr": "<p>Premier.</p>"}
    assert all(i["outdated_translations"] == [] for i in items)


def test_a_put_drops_translations_of_removed_and_rewritten_blocks(cast):
    exhibition = translated_tour(cast)
    saved = services.save_exhibition(
        cast.owner, cast.organisation, slug="tour", title={"en": "Tour"},
        items=[{"narrative": {"en": "<p>First, rewritten.</p>"}}])
    (item,) = saved.items.all()
    assert item.narrative == {"en": "<p>First, rewritten.</p>"}
    assert exhibition.items.count() == 1


def test_a_put_naming_an_item_whose_text_changed_keeps_its_translation_marked_outdated(cast):
    exhibition = translated_tour(cast)
    first, _work, last = item_ids(exhibition)
    answer = as_user(cast.owner).put(f"{API}/exhibitions", **body({
        "organisation": "museum-of-sound", "slug": "tour", "title": {"en": "Tour"},
        "items": [{"id": first, "narrative": {"en": "<p>First, better.</p>"}},
                  {"id": last, "narrative": {"en": "<p>Last.</p>", "fr": ""}}]}))
    items = answer.json()["items"]
    assert items[0] == {"id": first, "position": 1, "work": None,
                        "narrative": {"en": "<p>First, better.</p>", "fr": "<p>Premier.</p>"},
                        "outdated_translations": ["fr"]}
    assert items[1]["narrative"] == {"en": "<p>Last.</p>"}  # French removed on purpose


def test_a_put_naming_a_foreign_or_repeated_item_id_is_refused(cast):
    exhibition = translated_tour(cast)
    first = item_ids(exhibition)[0]
    owner = as_user(cast.owner)
    for items in ([{"id": 999999, "narrative": {"en": "x"}}],
                  [{"id": first, "narrative": {"en": "x"}},
                   {"id": first, "narrative": {"en": "y"}}]):
        assert_problem(owner.put(f"{API}/exhibitions", **body({
            "organisation": "museum-of-sound", "slug": "tour", "title": {"en": "Tour"},
            "items": items})), 400, "item id")
    assert exhibition.items.count() == 3


# ---- moving items ---------------------------------------------------------------------------


def test_an_editor_moves_an_item_and_refusals_are_problems(cast):
    exhibition = tour(cast)
    first, work_item, last = item_ids(exhibition)
    owner = as_user(cast.owner)
    moved = owner.post(f"{API}/exhibitions/tour/items/{last}/move",
                       **body({"direction": "up"}))
    assert moved.status_code == 200, moved.content
    assert [i["id"] for i in moved.json()["items"]] == [first, last, work_item]
    assert_problem(owner.post(f"{API}/exhibitions/tour/items/{first}/move",
                              **body({"direction": "up"})), 409, "first")
    assert_problem(owner.post(f"{API}/exhibitions/tour/items/{first}/move",
                              **body({"direction": "sideways"})), 400, "up or down")
    assert_problem(owner.post(f"{API}/exhibitions/tour/items/999999/move",
                              **body({"direction": "up"})), 404)
    assert owner.post(f"{API}/exhibitions/tour/items/0/move",
                      **body({"direction": "up"})).status_code in (400, 422)


def test_members_and_outsiders_cannot_move_items_nor_see_a_draft(cast):
    exhibition = tour(cast, publish=False)
    before = item_ids(exhibition)
    url = f"{API}/exhibitions/tour/items/{before[2]}/move"
    assert_problem(as_user(cast.teammate).post(url, **body({"direction": "up"})), 403)
    assert_problem(as_user(cast.outsider).post(url, **body({"direction": "up"})), 404)
    assert Client().post(url, **body({"direction": "up"})).status_code == 401
    assert item_ids(exhibition) == before


# ---- follow requests ------------------------------------------------------------------------


def ask_to_follow(cast, peer, username: str) -> Follower:  # type: ignore[no-untyped-def]
    """The peer, on a limited server, asks to follow one of our actors."""
    target = f"http://testserver/ap/actors/{username}"
    follow = peer.activity("Follow", target)
    data, headers = peer.signed(target + "/inbox", follow)
    answer = Client().post(f"/ap/actors/{username}/inbox", data,
                           content_type="application/activity+json", **headers)
    assert answer.status_code == 202, answer.content
    inbound.process_pending()
    return Follower.objects.get(actor__username=username)


def test_a_moderator_lists_requests_per_actor_and_accepts_one(cast, peer):
    services.set_instance_policy(cast.moderator, f"127.0.0.1:{peer.port}", "limit")
    exhibition = tour(cast)
    outbound.organisation_actor(cast.organisation)
    outbound.exhibition_actor(exhibition)
    to_museum = ask_to_follow(cast, peer, "museum-of-sound")
    to_tour = ask_to_follow(cast, peer, "exhibition.tour")
    moderator = as_user(cast.moderator)
    listed = moderator.get(f"{API}/follow-requests").json()["items"]
    assert {(r["id"], r["organisation"], r["exhibition"]) for r in listed} == {
        (to_museum.pk, "museum-of-sound", None), (to_tour.pk, None, "tour")}
    only_tour = moderator.get(f"{API}/follow-requests?exhibition=tour").json()["items"]
    assert [(r["actor"], r["remote"], r["state"]) for r in only_tour] == [
        ("exhibition.tour", peer.actor, "pending")]
    assert [r["id"] for r in moderator.get(
        f"{API}/follow-requests?organisation=museum-of-sound").json()["items"]] == [
        to_museum.pk]
    accepted = moderator.post(f"{API}/follow-requests/{to_tour.pk}/decision",
                              **body({"decision": "accept"}))
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    outbound.deliver_due()
    assert peer.received[-1].activity["type"] == "Accept"
    assert [r["id"] for r in moderator.get(f"{API}/follow-requests").json()["items"]] == [
        to_museum.pk]
    rejected = moderator.post(f"{API}/follow-requests/{to_museum.pk}/decision",
                              **body({"decision": "reject"}))
    assert rejected.json()["state"] == "rejected"
    assert moderator.get(f"{API}/follow-requests").json() == {"items": [], "next": None}


def test_follow_request_refusals_are_problems_and_outsiders_learn_nothing(cast, peer):
    services.set_instance_policy(cast.moderator, f"127.0.0.1:{peer.port}", "limit")
    outbound.organisation_actor(cast.organisation)
    waiting = ask_to_follow(cast, peer, "museum-of-sound")
    moderator = as_user(cast.moderator)
    url = f"{API}/follow-requests/{waiting.pk}/decision"
    assert_problem(moderator.post(url, **body({"decision": "maybe"})), 400, "approve")
    assert_problem(moderator.post(f"{API}/follow-requests/999999/decision",
                                  **body({"decision": "accept"})), 404)
    assert moderator.get(f"{API}/follow-requests?organisation=a%20b").status_code in (400, 422)
    for user in (cast.outsider, cast.owner):  # an editor of the organisation is no moderator
        client = as_user(user)
        assert_problem(client.get(f"{API}/follow-requests"), 403)
        assert_problem(client.post(url, **body({"decision": "accept"})), 403)
    assert Client().get(f"{API}/follow-requests").status_code == 401
    waiting.refresh_from_db()
    assert waiting.state == FollowState.PENDING
    moderator.post(url, **body({"decision": "accept"}))
    assert_problem(moderator.post(url, **body({"decision": "reject"})), 404)  # answered


# ---- follow requests in pages --------------------------------------------------------------


def requests_in_queue(cast):  # type: ignore[no-untyped-def]
    """Ten requests waiting (seven for the museum, three for its exhibition), several made at
    the same moment, and two already answered; the expected order is oldest first, then by
    primary key."""
    museum = outbound.organisation_actor(cast.organisation)
    exhibition = outbound.exhibition_actor(tour(cast))
    now = timezone.now()
    two_days, one_day = now - timedelta(days=2), now - timedelta(days=1)
    to_museum = (waiting_follow_requests(museum, 4, at=two_days, prefix="m")
                 + waiting_follow_requests(museum, 3, at=one_day, prefix="n"))
    to_tour = waiting_follow_requests(exhibition, 3, at=two_days, prefix="t")
    waiting_follow_requests(museum, 2, at=two_days, prefix="x", state=FollowState.ACCEPTED)
    return {name: [f.pk for f in sorted(rows, key=lambda f: (f.created_at, f.pk))]
            for name, rows in (("all", to_museum + to_tour), ("museum", to_museum),
                               ("tour", to_tour))}




def test_follow_requests_come_in_pages_and_each_is_seen_once_oldest_first(cast):
    expected = requests_in_queue(cast)
    moderator = as_user(cast.moderator)
    ids, pages = walk_pages(moderator, f"{API}/follow-requests?limit=3", 3)
    assert (ids, pages) == (expected["all"], 4)
    # A list that ends exactly on a page boundary has no empty page after it.
    assert walk_pages(moderator, f"{API}/follow-requests?limit=5", 5) == (expected["all"], 2)
    # The filters stay on every page: the next link carries them along with the cursor.
    assert walk_pages(moderator, f"{API}/follow-requests?organisation=museum-of-sound&limit=2",
                2) == (expected["museum"], 4)
    assert walk_pages(moderator, f"{API}/follow-requests?exhibition=tour&limit=2",
                2) == (expected["tour"], 2)
    assert walk_pages(moderator, f"{API}/follow-requests?organisation=nobody&limit=2",
                2) == ([], 1)
    # Without a limit, the default page holds them all.
    first = moderator.get(f"{API}/follow-requests").json()
    assert ([r["id"] for r in first["items"]], first["next"]) == (expected["all"], None)


def test_requests_arriving_or_answered_while_paging_shift_nothing(cast):
    expected = requests_in_queue(cast)["all"]
    moderator = as_user(cast.moderator)
    first = moderator.get(f"{API}/follow-requests", {"limit": 4})
    seen = [r["id"] for r in first.json()["items"]]
    assert seen == expected[:4]
    # One already seen and one not yet seen are answered; a new request arrives.
    for pk in (expected[0], expected[6]):
        services.decide_follower(cast.moderator, Follower.objects.get(pk=pk), approve=False)
    newcomer = waiting_follow_requests(outbound.organisation_actor(cast.organisation), 1,
                                       at=timezone.now(), prefix="late")[0]
    link = first["Link"]
    rest, _pages = walk_pages(moderator, link[1:link.index(">")], 4)
    assert seen + rest == [pk for pk in expected if pk != expected[6]] + [newcomer.pk]


def test_a_page_of_follow_requests_costs_the_same_queries_whatever_its_size(cast):
    requests_in_queue(cast)
    moderator = as_user(cast.moderator)
    counts = []
    for size in (2, 9):
        with CaptureQueriesContext(connection) as queries:
            answer = moderator.get(f"{API}/follow-requests", {"limit": size})
        assert len(answer.json()["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_outsiders_get_no_page_of_follow_requests_even_with_a_cursor(cast):
    requests_in_queue(cast)
    cursor = as_user(cast.moderator).get(f"{API}/follow-requests",
                                         {"limit": 2}).json()["next"]
    assert cursor
    for user in (cast.outsider, cast.owner, cast.teammate):  # members are no moderators
        client = as_user(user)
        assert_problem(client.get(f"{API}/follow-requests", {"limit": 2}), 403)
        assert_problem(client.get(f"{API}/follow-requests", {"limit": 2, "cursor": cursor}),
                       403)
        assert_problem(client.get(f"{API}/follow-requests",
                                  {"organisation": "museum-of-sound", "cursor": cursor}), 403)
    anonymous = Client().get(f"{API}/follow-requests", {"limit": 2, "cursor": cursor})
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("limit", ["0", "-3", "many", "2.5", ""])
def test_a_bad_page_size_is_a_problem(cast, limit):
    answer = as_user(cast.moderator).get(f"{API}/follow-requests", {"limit": limit})
    assert_problem(answer, 422, "limit")
    assert ["query", "limit"] in [error["loc"] for error in answer.json()["errors"]]


def test_a_page_size_above_the_cap_is_lowered_and_a_foreign_cursor_refused(cast, settings):
    expected = requests_in_queue(cast)["all"]
    settings.API_MAX_PAGE_SIZE = 4
    moderator = as_user(cast.moderator)
    page = moderator.get(f"{API}/follow-requests", {"limit": 1000}).json()
    assert [r["id"] for r in page["items"]] == expected[:4]
    assert page["next"]
    altered = page["next"][:-2] + ("AA" if not page["next"].endswith("AA") else "BB")
    assert_problem(moderator.get(f"{API}/follow-requests", {"cursor": altered}), 400,
                   "cursor")
    # A cursor of another list (the moderation queue) does not open this one.
    foreign = pagination.encode_cursor("exchange-cases", "created_at",
                                       Follower.objects.get(pk=expected[0]))
    assert_problem(moderator.get(f"{API}/follow-requests", {"cursor": foreign}), 400,
                   "another list")
    too_long = moderator.get(f"{API}/follow-requests", {"cursor": "a" * 401})
    assert_problem(too_long, 422, "cursor")


def test_the_new_operations_are_in_the_openapi_document(cast):
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path, method in ((f"{API}/exhibitions/{{slug}}/translations", "get"),
                         (f"{API}/exhibitions/{{slug}}/translations/{{language}}", "put"),
                         (f"{API}/exhibitions/{{slug}}/items/{{item_id}}/move", "post"),
                         (f"{API}/follow-requests", "get"),
                         (f"{API}/follow-requests/{{follower_id}}/decision", "post")):
        assert method in paths[path], path
    components = schema["components"]["schemas"]
    assert {"ExhibitionLanguageOut", "ExhibitionTranslationIn", "MoveIn",
            "FollowRequestOut", "FollowRequestPage", "FollowDecisionIn",
            "SkippedLineOut"} <= set(components)
    listing = paths[f"{API}/follow-requests"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FollowRequestPage"}
    assert {"limit", "cursor", "organisation", "exhibition"} <= {
        p["name"] for p in listing["parameters"] if p["in"] == "query"}
    page = components["FollowRequestPage"]
    assert set(page["required"]) == {"items"}
    assert page["properties"]["items"]["items"] == {"$ref": "#/components/schemas/FollowRequestOut"}
    assert "next" in page["properties"]
