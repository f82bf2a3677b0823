"""Services: every write checks permission, validates, is audited; outsiders are refused."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from cybercommons.core.errors import Conflict, ServiceError
from cybercommons.core.models import AuditEntry, Event
from cybercommons.security import services
from cybercommons.security.models import StixObject
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db


def test_adding_objects_is_audited_and_announced(world: World) -> None:
    outcome = services.add_python_objects(world.bob, world.collection, [indicator(1)])
    assert outcome.stored == 1
    entry = AuditEntry.objects.filter(action=services.SecurityAction.OBJECTS_ADDED).get()
    assert entry.data["stored"] == 1
    assert entry.actor == world.bob
    assert Event.objects.filter(name="security.objects.added").count() == 1


def test_objects_belong_to_the_publishers_organisation(world: World) -> None:
    services.add_python_objects(world.carol, world.collection, [indicator(1)])
    assert StixObject.objects.get().owner_org == world.partner


def test_a_person_without_organisation_cannot_publish(world: World) -> None:
    from tests.factories import UserFactory

    loner = UserFactory(username="loner")
    world.collection.public_read = True
    world.collection.save()
    with pytest.raises(PermissionDenied):
        services.add_python_objects(loner, world.collection, [indicator(1)])


def test_date_added_and_seq_strictly_increase_across_requests(world: World) -> None:
    for n in range(3):
        services.add_python_objects(world.bob, world.collection,
                                    [indicator(10 * n + k) for k in range(4)])
    rows = list(StixObject.objects.order_by("seq").values_list("seq", "date_added"))
    assert [seq for seq, _ in rows] == list(range(1, 13))
    assert all(a[1] < b[1] for a, b in itertools.pairwise(rows))


def test_a_new_version_becomes_the_last_and_an_older_one_the_first(world: World) -> None:
    services.add_python_objects(world.bob, world.collection,
                                [indicator(1, modified="2024-02-01T00:00:00.000Z")])
    services.add_python_objects(world.bob, world.collection,
                                [indicator(1, modified="2024-03-01T00:00:00.000Z"),
                                 indicator(1, modified="2024-01-01T00:00:00.000Z")])
    flags = dict(StixObject.objects.values_list("version_key", "is_latest"))
    firsts = dict(StixObject.objects.values_list("version_key", "is_first"))
    assert [k for k, v in flags.items() if v] == ["2024-03-01T00:00:00.000000Z"]
    assert [k for k, v in firsts.items() if v] == ["2024-01-01T00:00:00.000000Z"]


def test_outsiders_cannot_manage_anything(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.create_collection(world.mallory, world.root, owner=world.cert, title="x")
    with pytest.raises(PermissionDenied):
        services.update_collection(world.mallory, world.collection, tlp="clear")
    with pytest.raises(PermissionDenied):
        services.set_grant(world.mallory, world.collection, organisation=world.other)
    with pytest.raises(PermissionDenied):
        services.set_group_members(world.mallory, world.circle, [world.other])
    with pytest.raises(PermissionDenied):
        services.create_api_root(world.mallory, owner=world.cert, title="Mine")
    with pytest.raises(PermissionDenied):
        services.add_python_objects(world.mallory, world.collection, [indicator(1)])


def test_bad_input_is_refused_with_a_reason(world: World) -> None:
    with pytest.raises(ServiceError, match="TLP"):
        services.create_collection(world.alice, world.root, owner=world.cert, title="x",
                                   tlp="purple")
    with pytest.raises(Conflict):
        services.create_api_root(world.alice, owner=world.cert, title="Again",
                                 slug="community")
    with pytest.raises(Conflict):
        services.create_collection(world.alice, world.root, owner=world.cert, title="Dup",
                                   alias="indicators")
    with pytest.raises(ServiceError):
        services.set_grant(world.alice, world.collection)
    with pytest.raises(ServiceError, match="http"):
        services.create_subscription(world.alice, organisation=world.cert, name="x",
                                     direction="pull", local_collection=world.collection,
                                     remote_collection_url="ftp://example.org/")


def test_writers_delete_their_own_objects_and_managers_any(world: World) -> None:
    services.add_python_objects(world.carol, world.collection, [indicator(1)])
    services.add_python_objects(world.bob, world.collection, [indicator(2)])
    theirs = StixObject.objects.filter(stix_id=indicator(1)["id"])
    with pytest.raises(PermissionDenied):
        services.delete_versions(world.bob, world.collection, theirs)
    assert services.delete_versions(world.carol, world.collection, theirs) == 1
    assert services.delete_versions(
        world.alice, world.collection, StixObject.objects.filter(stix_id=indicator(2)["id"])) == 1
    assert AuditEntry.objects.filter(action=services.SecurityAction.OBJECT_DELETED).count() == 2
