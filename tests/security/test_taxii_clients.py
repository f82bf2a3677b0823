"""The real TAXII 2.1 clients (taxii2-client, stix2's TAXII data store) against a live server."""

from __future__ import annotations

import pytest
import requests
import stix2
from stix2.datastore.taxii import TAXIICollectionSink, TAXIICollectionSource
from taxii2client.v21 import Collection, Server, as_pages

from tests.factories import PASSWORD
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db(transaction=True)


def _collection_url(live_server, world: World) -> str:
    return f"{live_server.url}/taxii2/community/collections/{world.collection.pk}/"


def test_taxii2_client_discovers_adds_reads_and_pages(live_server, world: World) -> None:
    server = Server(f"{live_server.url}/taxii2/", user="alice", password=PASSWORD)
    assert server.title == "Cybercommons TAXII server"
    root = server.api_roots[0]
    assert root.title == "Community"
    collection = root.collections[0]
    assert collection.can_write
    status = collection.add_objects({"objects": [indicator(n) for n in range(7)]})
    assert status.status == "complete"
    assert status.success_count == 7
    ids = []
    for envelope in as_pages(collection.get_objects, per_request=3):
        ids.extend(obj["id"] for obj in envelope.get("objects", []))
    assert sorted(ids) == sorted(indicator(n)["id"] for n in range(7))
    manifest = collection.get_manifest()
    assert len(manifest["objects"]) == 7
    one = collection.get_object(indicator(3)["id"])
    assert one["objects"][0]["pattern"] == "[ipv4-addr:value = '192.0.2.3']"
    versions = collection.object_versions(indicator(3)["id"])
    assert len(versions["versions"]) == 1
    collection.delete_object(indicator(3)["id"])
    assert len(collection.get_manifest()["objects"]) == 6


def test_stix2_taxii_sink_and_source_round_trip(live_server, world: World) -> None:
    url = _collection_url(live_server, world)
    collection = Collection(url, user="alice", password=PASSWORD)
    sink = TAXIICollectionSink(collection)
    made = stix2.Indicator(name="Phishing domain", pattern="[domain-name:value = 'example.org']",
                           pattern_type="stix", valid_from="2024-01-01T00:00:00Z")
    sink.add(made)
    source = TAXIICollectionSource(Collection(url, user="alice", password=PASSWORD))
    fetched = source.get(made.id)
    assert fetched is not None
    assert fetched.pattern == made.pattern
    found = source.query([stix2.Filter("type", "=", "indicator")])
    assert [obj.id for obj in found] == [made.id]


def test_an_outsider_client_is_told_the_collection_does_not_exist(
        live_server, world: World) -> None:
    collection = Collection(_collection_url(live_server, world), user="mallory",
                            password=PASSWORD)
    with pytest.raises(requests.HTTPError) as raised:
        collection.get_objects()
    assert raised.value.response.status_code == 404
