"""An outsider learns nothing through any TAXII path: not objects, counts, ids nor headers."""

from __future__ import annotations

import pytest

from cybercommons.security import services
from cybercommons.security.kernel.tlp import Tlp
from cybercommons.security.models import StixObject
from tests.security.cast import (
    TAXII,
    World,
    basic,
    envelope,
    indicator,
    objects_url,
    taxii_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(world: World) -> dict[str, str]:
    """A private collection, and a public one whose objects are all beyond TLP:CLEAR."""
    public = services.create_collection(world.alice, world.root, owner=world.cert,
                                        title="Public", public_read=True)
    status = taxii_client(basic(world.alice)).post(
        objects_url(world), envelope(indicator(1, tlp=Tlp.RED), indicator(2)),
        content_type=TAXII).json()
    services.add_python_objects(world.alice, public, [indicator(3, tlp=Tlp.GREEN),
                                                      indicator(4, tlp=Tlp.AMBER)])
    return {"private": str(world.collection.pk), "public": str(public.pk),
            "status": status["id"]}


OUTSIDERS = ["mallory", "anonymous", "frank"]


def _client(world: World, who: str):
    return taxii_client(None if who == "anonymous" else basic(getattr(world, who)))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_private_collection_is_absent_from_the_list_and_every_path_is_404(
        world: World, shared: dict[str, str], who: str) -> None:
    client = _client(world, who)
    listed = client.get("/taxii2/community/collections/").json()
    assert shared["private"] not in str(listed)
    base = f"/taxii2/community/collections/{shared['private']}/"
    target = indicator(1)["id"]
    for path in ("", "objects/", "manifest/", f"objects/{target}/",
                 f"objects/{target}/versions/"):
        response = client.get(base + path)
        assert response.status_code == 404, path
        assert target not in response.content.decode()
        assert "X-TAXII-Date-Added-First" not in response
    assert client.delete(base + f"objects/{target}/").status_code in {401, 404}
    assert StixObject.objects.filter(stix_id=target).exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_readable_collection_of_unreadable_objects_looks_empty(
        world: World, shared: dict[str, str], who: str) -> None:
    client = _client(world, who)
    base = f"/taxii2/community/collections/{shared['public']}/"
    for path in ("objects/", "manifest/"):
        for params in ({}, {"match[version]": "all"}, {"limit": "1"}):
            response = client.get(base + path, params)
            assert response.status_code == 200
            assert response.json() == {}
            assert "X-TAXII-Date-Added-First" not in response
            assert "X-TAXII-Date-Added-Last" not in response
    for target in (indicator(3)["id"], indicator(4)["id"]):
        assert client.get(base + f"objects/{target}/").status_code == 404
        assert client.get(base + f"objects/{target}/versions/").status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_someone_elses_status_resource_is_404(world: World, shared: dict[str, str],
                                              who: str) -> None:
    response = _client(world, who).get(f"/taxii2/community/status/{shared['status']}/")
    assert response.status_code == 404
    assert indicator(1)["id"] not in response.content.decode()


def test_the_community_member_sees_green_but_not_amber_or_red(world: World,
                                                              shared: dict[str, str]) -> None:
    client = taxii_client(basic(world.carol))
    public = client.get(f"/taxii2/community/collections/{shared['public']}/objects/").json()
    assert [o["id"] for o in public["objects"]] == [indicator(3)["id"]]
    private = client.get(f"/taxii2/community/collections/{shared['private']}/objects/").json()
    assert private == {}


def test_the_owner_sees_everything(world: World, shared: dict[str, str]) -> None:
    client = taxii_client(basic(world.bob))
    body = client.get(f"/taxii2/community/collections/{shared['private']}/objects/").json()
    assert len(body["objects"]) == 2
