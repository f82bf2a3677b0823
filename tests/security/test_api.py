"""The JSON API at /api/v1/security/: search, detail, add, exports; outsiders see nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from cybercommons.security import services
from cybercommons.security.kernel.tlp import Tlp
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db

API = "/api/v1/security"


def bearer(world: World, user, scopes=("read", "write")) -> Client:
    return Client(headers={"Authorization": "Bearer " + world.token(user, scopes)})


@pytest.fixture
def stored(world: World) -> World:
    services.add_python_objects(world.alice, world.collection, [
        indicator(1, tlp=Tlp.CLEAR, labels=["scanner"]),
        indicator(2, tlp=Tlp.GREEN, labels=["phishing"]),
        indicator(3, tlp=Tlp.RED),
    ])
    return world


def ids(response) -> set[str]:
    return {item["stix_id"] for item in response.json()["items"]}


def test_the_owner_lists_every_object_and_filters_by_tlp_and_label(stored: World) -> None:
    client = bearer(stored, stored.bob)
    assert ids(client.get(f"{API}/objects")) == {indicator(n)["id"] for n in (1, 2, 3)}
    assert ids(client.get(f"{API}/objects", {"tlp": "red"})) == {indicator(3)["id"]}
    assert ids(client.get(f"{API}/objects", {"label": "phishing"})) == {indicator(2)["id"]}
    assert ids(client.get(f"{API}/objects", {"q": "192.0.2.1"})) == {indicator(1)["id"]}


def test_a_community_member_sees_clear_and_green_only(stored: World) -> None:
    assert ids(bearer(stored, stored.carol).get(f"{API}/objects")) == {
        indicator(1)["id"], indicator(2)["id"]}


@pytest.mark.parametrize("who", ["mallory", "anonymous"])
def test_an_outsider_sees_nothing_through_list_detail_filters_and_exports(
        stored: World, who: str) -> None:
    client = Client() if who == "anonymous" else bearer(stored, stored.mallory)
    assert client.get(f"{API}/objects").json()["items"] == []
    assert client.get(f"{API}/objects", {"tlp": "red"}).json()["items"] == []
    response = client.get(f"{API}/objects/{indicator(3)['id']}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    bundle = b"".join(client.get(f"{API}/export").streaming_content)
    assert json.loads(bundle)["objects"] == []
    text = client.get(f"{API}/export", {"format": "csv"}).content.decode()
    assert len(list(csv.reader(io.StringIO(text)))) == 1  # the header only
    collections = client.get(f"{API}/collections").json()["items"]
    assert collections == []
    posted = client.post(f"{API}/collections/{stored.collection.pk}/objects",
                         {"objects": [indicator(9)]}, content_type="application/json")
    assert posted.status_code in {401, 404}


def test_object_detail_lists_every_visible_version(stored: World) -> None:
    services.add_python_objects(stored.alice, stored.collection,
                                [indicator(1, tlp=Tlp.CLEAR, modified="2024-05-01T00:00:00.000Z")])
    body = bearer(stored, stored.carol).get(f"{API}/objects/{indicator(1)['id']}").json()
    assert [v["version"] for v in body["versions"]] == [
        "2024-01-01T00:00:00.000000Z", "2024-05-01T00:00:00.000000Z"]
    assert body["versions"][0]["object"]["pattern"] == "[ipv4-addr:value = '192.0.2.1']"


def test_exports_carry_the_tlp_and_the_marking_definitions(stored: World) -> None:
    client = bearer(stored, stored.bob)
    bundle = json.loads(b"".join(client.get(f"{API}/export").streaming_content))
    assert bundle["type"] == "bundle"
    kinds = [o["type"] for o in bundle["objects"]]
    assert kinds.count("indicator") == 3
    assert kinds.count("marking-definition") == 3
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"{API}/export", {"format": "csv"}).content.decode())))
    assert {row["tlp"] for row in rows} == {"TLP:CLEAR", "TLP:GREEN", "TLP:RED"}


def test_add_objects_reports_failures_and_keeps_the_good_ones(world: World) -> None:
    client = bearer(world, world.bob)
    response = client.post(f"{API}/collections/{world.collection.pk}/objects",
                           {"objects": [indicator(1), {"type": "indicator"}],
                            "recipient_orgs": ["partner"]},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["stored"] == 1
    assert len(body["failures"]) == 1
    # AMBER (the collection default) named to the partner: carol now sees it.
    assert ids(bearer(world, world.carol).get(f"{API}/objects")) == {indicator(1)["id"]}


def test_a_read_token_cannot_add(world: World) -> None:
    client = bearer(world, world.bob, ("read",))
    response = client.post(f"{API}/collections/{world.collection.pk}/objects",
                           {"objects": [indicator(1)]}, content_type="application/json")
    assert response.status_code == 403


def test_collections_and_groups_show_the_callers_rights(world: World) -> None:
    items = bearer(world, world.carol).get(f"{API}/collections").json()["items"]
    assert [(c["title"], c["can_read"], c["can_write"]) for c in items] == [
        ("Indicators", True, True)]
    groups = bearer(world, world.frank).get(f"{API}/sharing-groups").json()["items"]
    assert [g["slug"] for g in groups] == ["circle"]
    assert bearer(world, world.mallory).get(f"{API}/sharing-groups").json()["items"] == []
