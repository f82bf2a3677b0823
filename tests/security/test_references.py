"""The references table: filled on ingest, backfilled by migration, read by the object graph."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from cybercommons.security import services
from cybercommons.security.kernel.tlp import Tlp, marking_id
from cybercommons.security.models import StixObject, StixReference
from cybercommons.security.stix_references import referenced_ids
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db

migration = importlib.import_module("cybercommons.security.migrations.0003_stix_references")

STAMP = "2024-01-01T00:00:00.000Z"
MALWARE = "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc"
IDENTITY = "identity--5b0e6c4b-1a1f-4c0a-9a0e-2f3f3e0b7a11"
GREEN = marking_id(Tlp.GREEN)


def _relation(n: int, source: str, target: str, **extra: str) -> dict[str, object]:
    return {"type": "relationship", "spec_version": "2.1",
            "id": f"relationship--0000000{n}-ba52-4f0c-87a3-1824e67d7fad",
            "created": STAMP, "modified": STAMP, "relationship_type": "indicates",
            "source_ref": source, "target_ref": target, "object_marking_refs": [GREEN],
            **extra}


def _malware() -> dict[str, object]:
    return {"type": "malware", "spec_version": "2.1", "id": MALWARE, "created": STAMP,
            "modified": STAMP, "name": "ExampleRAT", "is_family": True,
            "created_by_ref": IDENTITY, "object_marking_refs": [GREEN]}


@pytest.fixture
def linked(world: World) -> World:
    services.add_python_objects(world.alice, world.collection, [
        indicator(1, tlp=Tlp.GREEN), _malware(),
        _relation(1, indicator(1)["id"], MALWARE),
        # A GREEN link from an object only the CERT may see (TLP:RED to its members).
        _relation(2, indicator(2)["id"], MALWARE),
        # The indicator's id appears in this one's text, not in a reference.
        _relation(3, MALWARE, IDENTITY, description=indicator(1)["id"]),
    ])
    services.add_python_objects(world.alice, world.collection, [indicator(2, tlp=Tlp.RED)],
                                recipient_orgs=[world.cert.pk])
    return world


def _edges() -> set[tuple[str, str]]:
    return set(StixReference.objects.values_list("source__stix_id", "target_id"))


def test_references_are_read_from_ref_properties_but_not_markings() -> None:
    obj = {"id": "sighting--6b0e6c4b-1a1f-4c0a-9a0e-2f3f3e0b7a11", "type": "sighting",
           "sighting_of_ref": MALWARE, "where_sighted_refs": [IDENTITY, "not an id"],
           "object_marking_refs": [GREEN], "description": IDENTITY,
           "extensions": {"x": {"nested_ref": indicator(9)["id"]}},
           "granular_markings": [{"marking_ref": GREEN, "selectors": ["description"]}]}
    assert referenced_ids(obj) == {MALWARE, IDENTITY, indicator(9)["id"]}


def test_ingest_records_the_edges_of_each_stored_version(linked: World) -> None:
    relation = _relation(1, indicator(1)["id"], MALWARE)["id"]
    assert (relation, indicator(1)["id"]) in _edges()
    assert (relation, MALWARE) in _edges()
    assert (MALWARE, IDENTITY) in _edges()  # created_by_ref
    assert not StixReference.objects.filter(target_id=GREEN).exists()
    # Re-adding the same versions stores no second edge.
    before = StixReference.objects.count()
    services.add_python_objects(linked.alice, linked.collection, [_malware()])
    assert StixReference.objects.count() == before


def test_the_object_page_shows_only_related_objects_the_viewer_may_see(linked: World) -> None:
    carol, alice = Client(), Client()
    carol.force_login(linked.carol)
    alice.force_login(linked.alice)
    seen_by_carol = carol.get(f"/security/objects/{MALWARE}/").content.decode()
    seen_by_alice = alice.get(f"/security/objects/{MALWARE}/").content.decode()
    assert indicator(1)["id"] in seen_by_carol
    assert indicator(2)["id"] not in seen_by_carol
    assert indicator(2)["id"] in seen_by_alice
    # A mention in free text is not a relation of the indicator.
    indicator_page = alice.get(f"/security/objects/{indicator(1)['id']}/").content.decode()
    assert MALWARE in indicator_page
    assert IDENTITY not in indicator_page


def test_an_outsider_gets_no_related_objects(linked: World) -> None:
    client = Client()
    client.force_login(linked.mallory)
    assert client.get(f"/security/objects/{MALWARE}/").status_code == 404


def test_deleting_a_version_deletes_its_edges(linked: World) -> None:
    relation = StixObject.objects.get(stix_id=_relation(1, "", "")["id"])
    services.delete_versions(linked.alice, linked.collection, [relation])
    assert not StixReference.objects.filter(source_id=relation.pk).exists()


def test_the_migration_backfills_the_edges_of_stored_versions(linked: World) -> None:
    expected = _edges()
    StixReference.objects.all().delete()
    migration.backfill(apps, SimpleNamespace(connection=connection))
    assert _edges() == expected
    migration.backfill(apps, SimpleNamespace(connection=connection))  # idempotent
    assert StixReference.objects.count() == len(expected)
