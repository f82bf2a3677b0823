"""Federation between two TAXII servers on loopback: pull and push, no loss, no duplicates.

The "remote" server is the same application served by pytest-django's live server under
another API root with its own organisation and account, reached over HTTP like any other
TAXII 2.1 server.
"""

from __future__ import annotations

from collections import Counter

import pytest

from cybercommons.core.models import Role
from cybercommons.security import federation, services
from cybercommons.security.kernel.tlp import Tlp
from cybercommons.security.models import StixObject, Subscription
from cybercommons.security.tasks import run_subscription
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def remote(world: World):
    org = OrganisationFactory(name="Remote CERT", slug="remote-cert")
    user = UserFactory(username="remy")
    MembershipFactory(user=user, organisation=org, role=Role.ADMIN)
    root = services.create_api_root(user, owner=org, title="Remote", slug="remote")
    collection = services.create_collection(user, root, owner=org, title="Remote feed",
                                            tlp="clear", default_tlp="green")
    secret = world.token(user)
    return user, collection, secret


def _subscription(world: World, live_server, remote, direction: str) -> Subscription:
    _user, collection, secret = remote
    url = f"{live_server.url}/taxii2/remote/collections/{collection.pk}/"
    return services.create_subscription(
        world.alice, organisation=world.cert, name=f"remote {direction}", direction=direction,
        local_collection=world.collection, remote_collection_url=url, remote_secret=secret)


def _ids(collection) -> Counter[tuple[str, str]]:
    return Counter(StixObject.objects.filter(collection=collection)
                   .values_list("stix_id", "version_key"))


def test_pull_copies_everything_once_and_resumes_from_its_checkpoint(
        live_server, world: World, remote) -> None:
    user, remote_collection, _secret = remote
    services.add_python_objects(user, remote_collection,
                                [indicator(n, tlp=Tlp.CLEAR) for n in range(25)])
    subscription = _subscription(world, live_server, remote, "pull")
    # Interrupted after two pages of ten: the checkpoint records how far it got.
    first = federation.pull(subscription, page_limit=10, max_pages=2)
    assert first.moved == 20
    assert subscription.checkpoint
    services.add_python_objects(user, remote_collection,
                                [indicator(n, tlp=Tlp.CLEAR,
                                           modified="2024-06-01T00:00:00.000Z")
                                 for n in range(3)])
    rest = federation.pull(subscription, page_limit=10)
    assert rest.moved == 8  # the last 5 originals and 3 new versions
    again = federation.pull(subscription, page_limit=10)
    assert again.moved == 0
    local = _ids(world.collection)
    assert local == _ids(remote_collection)
    assert max(local.values()) == 1


def test_push_sends_new_local_objects_once_and_never_beyond_green(
        live_server, world: World, remote) -> None:
    _user, remote_collection, _secret = remote
    services.add_python_objects(world.alice, world.collection,
                                [indicator(n, tlp=Tlp.GREEN) for n in range(7)]
                                + [indicator(50, tlp=Tlp.RED)])
    subscription = _subscription(world, live_server, remote, "push")
    result = federation.push(subscription, envelope_size=3)
    assert result.moved == 7
    services.add_python_objects(world.alice, world.collection, [indicator(8, tlp=Tlp.CLEAR)])
    assert federation.push(subscription).moved == 1
    assert federation.push(subscription).moved == 0
    pushed = _ids(remote_collection)
    assert set(pushed) == {(indicator(n)["id"], "2024-01-01T00:00:00.000000Z")
                           for n in [*range(7), 8]}
    assert max(pushed.values()) == 1


def test_federation_both_ways_loses_nothing_and_duplicates_nothing(
        live_server, world: World, remote) -> None:
    user, remote_collection, _secret = remote
    services.add_python_objects(user, remote_collection,
                                [indicator(n, tlp=Tlp.CLEAR) for n in range(10)])
    services.add_python_objects(world.alice, world.collection,
                                [indicator(100 + n, tlp=Tlp.GREEN) for n in range(10)])
    pull = _subscription(world, live_server, remote, "pull")
    push = _subscription(world, live_server, remote, "push")
    for _round in range(2):
        federation.run(pull)
        federation.run(push)
    local, far = _ids(world.collection), _ids(remote_collection)
    assert set(local) == set(far)
    assert len(local) == 20
    assert max(local.values()) == max(far.values()) == 1


def test_the_task_runs_a_subscription_and_records_its_state(live_server, world: World,
                                                             remote) -> None:
    user, remote_collection, _secret = remote
    services.add_python_objects(user, remote_collection, [indicator(1, tlp=Tlp.CLEAR)])
    subscription = _subscription(world, live_server, remote, "pull")
    summary = run_subscription.call(progress_key="federation-test",
                                    subscription_id=subscription.pk)
    assert summary["moved"] == 1
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.IDLE
    assert subscription.objects_moved == 1
    assert subscription.last_run_at is not None


def test_a_refused_remote_marks_the_subscription_failed(live_server, world: World,
                                                        remote) -> None:
    subscription = _subscription(world, live_server, remote, "pull")
    subscription.remote_secret = "wrong"
    subscription.save()
    with pytest.raises(federation.FederationError):
        federation.run(subscription)
    subscription.refresh_from_db()
    assert subscription.state == Subscription.State.FAILED
    assert "401" in subscription.last_error
