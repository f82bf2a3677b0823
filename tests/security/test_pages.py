"""The security pages: browse, object page with its graph, forms, management; outsiders."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cybercommons.security import services
from cybercommons.security.kernel.tlp import Tlp
from cybercommons.security.models import StixObject, Subscription
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def graph_world(world: World) -> World:
    malware = {"type": "malware", "spec_version": "2.1",
               "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc",
               "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
               "name": "ExampleRAT", "is_family": True,
               "object_marking_refs": [
                   "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}
    relation = {"type": "relationship", "spec_version": "2.1",
                "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
                "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
                "relationship_type": "indicates", "source_ref": indicator(1)["id"],
                "target_ref": malware["id"],
                "object_marking_refs": [
                    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}
    services.add_python_objects(world.alice, world.collection,
                                [indicator(1, tlp=Tlp.GREEN, labels=["rat"]), malware,
                                 relation, indicator(2, tlp=Tlp.RED)])
    return world


def test_the_index_lists_what_the_reader_may_see(graph_world: World) -> None:
    page = signed_in(graph_world.carol).get("/security/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "ExampleRAT" in text
    assert "Bad host 192.0.2.1" in text
    assert "Bad host 192.0.2.2" not in text  # RED, not named


def test_the_index_filters_by_type_and_label(graph_world: World) -> None:
    client = signed_in(graph_world.bob)
    text = client.get("/security/", {"type": "malware"}).content.decode()
    assert "ExampleRAT" in text
    assert "Bad host" not in text
    assert "ExampleRAT" not in client.get("/security/", {"label": "rat"}).content.decode()


def test_an_outsider_sees_an_empty_index_and_404_object_pages(graph_world: World) -> None:
    for client in (Client(), signed_in(graph_world.mallory)):
        text = client.get("/security/").content.decode()
        assert "ExampleRAT" not in text
        assert "Bad host" not in text
        assert client.get(f"/security/objects/{indicator(1)['id']}/").status_code == 404
        response = client.get(f"/security/collections/{graph_world.collection.pk}/")
        assert response.status_code == 404


def test_the_object_page_shows_versions_markings_and_a_graph(graph_world: World) -> None:
    response = signed_in(graph_world.carol).get(f"/security/objects/{indicator(1)['id']}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "<svg" in text
    assert "indicates" in text
    assert "ExampleRAT" in text
    assert "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb" in text


def test_the_live_pattern_check_reports_valid_and_broken_patterns(world: World) -> None:
    client = signed_in(world.bob)
    ok = client.post("/security/pattern-check/", {"pattern": "[ipv4-addr:value = '192.0.2.9']"},
                     headers={"HX-Request": "true"})
    assert "valid" in ok.content.decode()
    bad = client.post("/security/pattern-check/", {"pattern": "[ipv4-addr:value = "})
    assert 'role="alert"' in bad.content.decode()


def test_the_indicator_form_publishes_a_valid_indicator(world: World) -> None:
    client = signed_in(world.bob)
    assert client.get("/security/indicators/new/").status_code == 200
    response = client.post("/security/indicators/new/", {
        "collection": world.collection.pk, "name": "C2 at example.org",
        "pattern": "[domain-name:value = 'example.org']", "tlp": "green",
        "labels": "c2, example"})
    assert response.status_code == 302
    stored = StixObject.objects.get()
    assert stored.tlp == "green"
    assert json.loads(stored.raw)["labels"] == ["c2", "example"]


def test_the_indicator_form_refuses_a_broken_pattern(world: World) -> None:
    response = signed_in(world.bob).post("/security/indicators/new/", {
        "collection": world.collection.pk, "name": "x", "pattern": "[nonsense", "tlp": "green"})
    assert response.status_code == 400
    assert StixObject.objects.count() == 0


def test_the_report_form_publishes_a_report(graph_world: World) -> None:
    response = signed_in(graph_world.bob).post("/security/reports/new/", {
        "collection": graph_world.collection.pk, "name": "ExampleRAT campaign",
        "description": "Seen on 192.0.2.1.", "object_refs": indicator(1)["id"], "tlp": "amber"})
    assert response.status_code == 302
    assert StixObject.objects.filter(type="report").count() == 1


def test_collection_management_opens_and_shares_a_collection(world: World) -> None:
    client = signed_in(world.alice)
    response = client.post("/security/collections/", {
        "api_root": "community", "owner": world.cert.pk, "title": "Phishing",
        "tlp": "clear", "default_tlp": "amber", "community_read": "on"})
    assert response.status_code == 302
    url = response["Location"]
    shared = client.post(url, {"sharing_group": world.circle.pk, "can_read": "on"})
    assert shared.status_code == 302
    assert "Circle" in client.get(url).content.decode()
    assert signed_in(world.bob).post(url, {"sharing_group": world.circle.pk}).status_code == 403


def test_sharing_groups_are_listed_to_members_and_managed_by_admins(world: World) -> None:
    assert "Circle" in signed_in(world.frank).get("/security/sharing-groups/").content.decode()
    assert "Circle" not in signed_in(world.mallory).get(
        "/security/sharing-groups/").content.decode()
    assert signed_in(world.mallory).get("/security/sharing-groups/circle/").status_code == 404
    response = signed_in(world.alice).post("/security/sharing-groups/circle/",
                                           {"members": [world.partner.pk]})
    assert response.status_code == 302
    assert set(world.circle.members.values_list("slug", flat=True)) == {"example-cert",
                                                                        "partner"}


def test_the_subscription_page_shows_state_and_adds_one(world: World) -> None:
    client = signed_in(world.alice)
    response = client.post("/security/subscriptions/", {
        "organisation": world.cert.pk, "name": "Partner feed", "direction": "pull",
        "local_collection": world.collection.pk,
        "remote_collection_url": "https://taxii.example.org/taxii2/root/collections/x/"})
    assert response.status_code == 302
    assert Subscription.objects.get().state == Subscription.State.IDLE
    assert "Partner feed" in client.get("/security/subscriptions/").content.decode()
    assert "Partner feed" not in signed_in(world.mallory).get(
        "/security/subscriptions/").content.decode()


def test_forms_need_a_signed_in_person(world: World) -> None:
    for url in ("/security/indicators/new/", "/security/import/", "/security/subscriptions/"):
        assert Client().get(url).status_code == 302


def test_running_a_subscription_enqueues_it_with_a_progress_page(world: World) -> None:
    subscription = services.create_subscription(
        world.alice, organisation=world.cert, name="Partner feed", direction="pull",
        local_collection=world.collection,
        remote_collection_url="https://taxii.example.org/taxii2/root/collections/x/")
    response = signed_in(world.alice).post(f"/security/subscriptions/{subscription.pk}/run/")
    assert response.status_code == 302
    assert "/progress/" in response["Location"]
    outsider = signed_in(world.mallory).post(f"/security/subscriptions/{subscription.pk}/run/")
    assert outsider.status_code == 404
