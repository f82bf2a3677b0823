"""The first and last versions are the first and last ones the viewer may see.

An indicator is published TLP:GREEN to the community (v1), then revised TLP:RED for the
publishing CERT alone (v2). A community member must keep seeing v1 as the object's newest
version everywhere, and learn nothing of v2: not its version string, its name, nor its
date added.
"""

from __future__ import annotations

import pytest
from django.test import Client

from cybercommons.security import services
from cybercommons.security.kernel.tlp import Tlp
from cybercommons.security.models import StixObject
from tests.security.cast import World, basic, indicator, objects_url, taxii_client

pytestmark = pytest.mark.django_db

V1 = "2024-01-01T00:00:00.000Z"
V2 = "2024-02-01T00:00:00.000Z"
SECRET_NAME = "Revision for the CERT only"
OBJECT_ID = indicator(7)["id"]


@pytest.fixture
def revised(world: World) -> World:
    services.add_python_objects(world.alice, world.collection,
                                [indicator(7, tlp=Tlp.GREEN, modified=V1)])
    services.add_python_objects(world.alice, world.collection,
                                [indicator(7, tlp=Tlp.RED, modified=V2, name=SECRET_NAME)],
                                recipient_orgs=[world.cert.pk])
    return world


def _base(world: World) -> str:
    return f"/taxii2/community/collections/{world.collection.pk}/"


def _modified(response) -> list[str]:
    return [obj["modified"] for obj in response.json().get("objects", [])]


def test_the_store_flags_the_hidden_revision_as_the_latest(revised: World) -> None:
    # The premise: the stored flag alone would pick v2 for everyone.
    flags = dict(StixObject.objects.filter(stix_id=OBJECT_ID)
                 .values_list("version_key", "is_latest"))
    assert sorted(flags.values()) == [False, True]
    assert StixObject.objects.get(stix_id=OBJECT_ID, is_latest=True).tlp == Tlp.RED.value


def test_the_default_taxii_selection_gives_each_viewer_their_newest_visible_version(
        revised: World) -> None:
    carol = taxii_client(basic(revised.carol))
    alice = taxii_client(basic(revised.alice))
    assert _modified(carol.get(objects_url(revised))) == [V1]
    assert _modified(alice.get(objects_url(revised))) == [V2]
    by_id = _base(revised) + f"objects/{OBJECT_ID}/"
    assert _modified(carol.get(by_id)) == [V1]
    assert _modified(alice.get(by_id)) == [V2]
    assert _modified(carol.get(by_id, {"match[version]": "last"})) == [V1]


def test_first_is_also_taken_among_the_visible_versions(world: World) -> None:
    # The mirror case: v1 is RED for the CERT, v2 GREEN; the member's first is v2.
    services.add_python_objects(world.alice, world.collection,
                                [indicator(8, tlp=Tlp.RED, modified=V1)],
                                recipient_orgs=[world.cert.pk])
    services.add_python_objects(world.alice, world.collection,
                                [indicator(8, tlp=Tlp.GREEN, modified=V2)])
    url = _base(world) + f"objects/{indicator(8)['id']}/"
    carol = taxii_client(basic(world.carol))
    alice = taxii_client(basic(world.alice))
    assert _modified(carol.get(url, {"match[version]": "first"})) == [V2]
    assert _modified(alice.get(url, {"match[version]": "first"})) == [V1]


def test_the_outsider_learns_nothing_of_the_hidden_revision_through_taxii(
        revised: World) -> None:
    carol = taxii_client(basic(revised.carol))
    alice = taxii_client(basic(revised.alice))
    base = _base(revised)
    versions = carol.get(base + f"objects/{OBJECT_ID}/versions/")
    assert versions.json()["versions"] == [V1]
    manifest = carol.get(base + "manifest/", {"match[version]": "all"})
    assert [r["version"] for r in manifest.json()["objects"]] == [V1]
    everything = carol.get(objects_url(revised), {"match[version]": "all"})
    assert _modified(everything) == [V1]
    # The date-added headers are those of v1 (what alice sees for v1 alone), not v2's.
    v1_only = alice.get(objects_url(revised), {"match[version]": "first"})
    newest = alice.get(objects_url(revised))
    assert v1_only["X-TAXII-Date-Added-Last"] != newest["X-TAXII-Date-Added-Last"]
    for response in (versions, manifest, everything, carol.get(objects_url(revised))):
        body = response.content.decode()
        assert V2 not in body
        assert SECRET_NAME not in body
        assert response["X-TAXII-Date-Added-Last"] == v1_only["X-TAXII-Date-Added-Last"]
        assert response["X-TAXII-Date-Added-First"] == v1_only["X-TAXII-Date-Added-First"]


def test_the_json_api_and_pages_show_the_newest_visible_version(revised: World) -> None:
    token = revised.token(revised.carol)
    api = Client(headers={"Authorization": "Bearer " + token})
    listed = api.get("/api/v1/security/objects").json()
    assert [(i["stix_id"], i["tlp"]) for i in listed["items"]] == [(OBJECT_ID, "green")]
    detail = api.get(f"/api/v1/security/objects/{OBJECT_ID}").json()
    assert len(detail["versions"]) == 1
    assert SECRET_NAME not in str(detail)
    export = b"".join(api.get("/api/v1/security/export").streaming_content).decode()
    assert V1 in export
    assert V2 not in export
    page = Client()
    page.force_login(revised.carol)
    index = page.get("/security/").content.decode()
    assert OBJECT_ID in index
    assert SECRET_NAME not in index
    detail_page = page.get(f"/security/objects/{OBJECT_ID}/").content.decode()
    assert SECRET_NAME not in detail_page
    collection_page = page.get(f"/security/collections/{revised.collection.pk}/")
    assert OBJECT_ID in collection_page.content.decode()
    owner_view = Client(headers={"Authorization": "Bearer " + revised.token(revised.alice)})
    assert [i["tlp"] for i in owner_view.get("/api/v1/security/objects").json()["items"]] \
        == ["red"]
