"""The visibility rule as queryset filters agrees with the kernel's reference, case by case."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from cybercommons.security import policy, services
from cybercommons.security.kernel import tlp as kernel
from cybercommons.security.kernel.tlp import Tlp
from cybercommons.security.models import Collection, StixObject
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db

RECIPIENTS = ("none", "partner", "friend", "circle")


def _store_every_case(world: World, collection: Collection) -> dict[str, tuple[Tlp, str]]:
    cases: dict[str, tuple[Tlp, str]] = {}
    for n, (level, named) in enumerate(itertools.product(Tlp, RECIPIENTS), start=1):
        obj = indicator(n, tlp=level)
        orgs = {"partner": [world.partner.pk], "friend": [world.friend.pk]}.get(named, [])
        groups = [world.circle.pk] if named == "circle" else []
        services.add_python_objects(world.alice, collection, [obj], recipient_orgs=orgs,
                                    recipient_groups=groups)
        cases[obj["id"]] = (level, named)
    return cases


def _kernel_viewer(world: World, user) -> kernel.Viewer:
    r = policy.reach(user)
    return kernel.Viewer(frozenset(map(str, r.org_ids)), frozenset(map(str, r.group_ids)),
                         frozenset(map(str, r.community_ids)))


@pytest.mark.parametrize("collection_tlp", ["clear", "amber"])
def test_the_queryset_filter_agrees_with_decide_visibility_for_every_case(
        world: World, collection_tlp: str) -> None:
    collection = world.collection
    services.update_collection(world.alice, collection, tlp=collection_tlp)
    services.set_grant(world.alice, collection, group=world.circle, can_read=True)
    cases = _store_every_case(world, collection)
    rights = kernel.CollectionReadRights(
        community=str(world.root.pk), public=False, community_wide=True,
        group_ids=frozenset({str(world.circle.pk)}), tlp=Tlp(collection_tlp))
    for user in (world.alice, world.bob, world.carol, world.frank, world.mallory,
                 AnonymousUser()):
        seen = set(policy.objects(user).values_list("stix_id", flat=True))
        viewer = _kernel_viewer(world, user)
        for stix_id, (level, named) in cases.items():
            audience = kernel.ObjectAudience(
                tlp=level, owner_org=str(world.cert.pk), community=str(world.root.pk),
                recipient_orgs=frozenset(
                    {"partner": {str(world.partner.pk)}, "friend": {str(world.friend.pk)}}
                    .get(named, set())),
                recipient_groups=frozenset({str(world.circle.pk)} if named == "circle"
                                           else set()))
            decision = kernel.decide_visibility(audience, rights, viewer)
            assert (stix_id in seen) == decision.visible, (user, level, named, decision.reason)


def test_red_reaches_only_the_named_recipients(world: World) -> None:
    services.add_python_objects(world.alice, world.collection, [indicator(1, tlp=Tlp.RED)],
                                recipient_orgs=[world.partner.pk], recipient_groups=[])
    assert policy.objects(world.carol).count() == 1
    assert policy.objects(world.frank).count() == 0
    assert policy.objects(world.mallory).count() == 0


def test_amber_strict_is_not_extended_by_a_sharing_group(world: World) -> None:
    services.set_grant(world.alice, world.collection, group=world.circle, can_read=True)
    services.add_python_objects(world.alice, world.collection,
                                [indicator(1, tlp=Tlp.AMBER_STRICT)], recipient_orgs=[],
                                recipient_groups=[world.circle.pk])
    assert policy.objects(world.frank).count() == 0
    assert policy.objects(world.bob).count() == 1  # the owner organisation


def test_a_public_collection_shows_only_clear_objects_to_anonymous_readers(
        world: World) -> None:
    services.update_collection(world.alice, world.collection, public_read=True)
    services.add_python_objects(world.alice, world.collection,
                                [indicator(1, tlp=Tlp.CLEAR), indicator(2, tlp=Tlp.GREEN)])
    visible = list(policy.objects(AnonymousUser()).values_list("stix_id", flat=True))
    assert visible == [indicator(1)["id"]]


def test_the_collection_level_caps_every_object_in_it(world: World) -> None:
    services.add_python_objects(world.alice, world.collection, [indicator(1, tlp=Tlp.CLEAR)])
    assert policy.objects(world.carol).count() == 1
    services.update_collection(world.alice, world.collection, tlp="red")
    assert StixObject.objects.get().tlp_rank == kernel.TLP_RANK[Tlp.RED]
    assert policy.objects(world.carol).count() == 0


def test_an_unmarked_object_takes_the_collection_default_level(world: World) -> None:
    services.add_python_objects(world.alice, world.collection, [indicator(1)])
    assert StixObject.objects.get().tlp == "amber"


def test_platform_superusers_see_no_more_than_their_organisations_allow(
        world: World) -> None:
    world.mallory.is_superuser = True
    world.mallory.save()
    services.add_python_objects(world.alice, world.collection, [indicator(1, tlp=Tlp.GREEN)])
    assert policy.objects(world.mallory).count() == 0


def test_collections_without_rights_do_not_exist_for_outsiders(world: World) -> None:
    assert list(policy.visible_collections(world.mallory)) == []
    assert list(policy.visible_collections(world.carol)) == [world.collection]
    assert policy.can_write(world.carol, world.collection)
    services.update_collection(world.alice, world.collection, community_write=False)
    assert not policy.can_write(world.carol, world.collection)
    services.set_grant(world.alice, world.collection, organisation=world.partner,
                       can_read=True, can_write=True)
    assert policy.can_write(world.carol, world.collection)


def test_the_one_collection_checks_agree_with_the_collection_querysets(world: World) -> None:
    """``can_read``/``can_write`` decide from a collection's own fields where they can;
    for every viewer and every way of being let in, they answer as the querysets do."""
    by_grant = services.create_collection(world.alice, world.root, owner=world.cert,
                                          title="Granted", tlp="clear", default_tlp="green")
    services.set_grant(world.alice, by_grant, organisation=world.friend, can_read=True,
                       can_write=True)
    services.set_grant(world.alice, by_grant, group=world.circle, can_read=True,
                       can_write=False)
    viewers = [world.alice, world.bob, world.carol, world.frank, world.mallory,
               AnonymousUser()]
    answers = set()
    for public, community_read, community_write in itertools.product([False, True], repeat=3):
        Collection.objects.filter(pk=by_grant.pk).update(
            public_read=public, community_read=community_read, community_write=community_write)
        for viewer, collection in itertools.product(viewers, Collection.objects.all()):
            readable = policy.readable_collections(viewer).filter(pk=collection.pk).exists()
            writable = policy.writable_collections(viewer).filter(pk=collection.pk).exists()
            assert policy.can_read(viewer, collection) == readable, (viewer, collection)
            assert policy.can_write(viewer, collection) == writable, (viewer, collection)
            answers.add((readable, writable))
    # Every combination happens, write-only (a drop box) included.
    assert answers == {(False, False), (False, True), (True, False), (True, True)}
