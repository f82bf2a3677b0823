"""The cast of the security tests and STIX helpers: a CERT, its partner, and outsiders.

* ``cert`` (alice admin, bob editor) owns the community ``community`` and its collection;
* ``partner`` (carol editor) is a member of the community;
* ``friend`` (frank editor) is outside the community but in the sharing group ``circle``
  with ``cert``;
* ``other`` (mallory editor) is outside everything; anonymous callers have no account.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.management import call_command
from django.test import Client

from cybercommons.core import services as core_services
from cybercommons.core.models import Organisation, Role, User
from cybercommons.security import services
from cybercommons.security.kernel.tlp import Tlp, marking_id
from cybercommons.security.models import ApiRoot, Collection, SharingGroup
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

TAXII = "application/taxii+json;version=2.1"


@dataclass
class World:
    cert: Organisation
    partner: Organisation
    friend: Organisation
    other: Organisation
    alice: User
    bob: User
    carol: User
    frank: User
    mallory: User
    root: ApiRoot
    collection: Collection
    circle: SharingGroup

    def token(self, user: User, scopes: tuple[str, ...] = ("read", "write")) -> str:
        _token, secret = core_services.create_token(user, name="taxii", scopes=list(scopes))
        return secret


def indicator(n: int, *, tlp: Tlp | None = None, modified: str = "2024-01-01T00:00:00.000Z",
              **extra: Any) -> dict[str, Any]:
    """A valid indicator for the documentation address 192.0.2.n."""
    obj: dict[str, Any] = {
        "type": "indicator", "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid5(uuid.NAMESPACE_URL, f'test-{n}')}",
        "created": "2024-01-01T00:00:00.000Z", "modified": modified,
        "name": f"Bad host 192.0.2.{n % 250}",
        "pattern": f"[ipv4-addr:value = '192.0.2.{n % 250}']", "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z",
    }
    if tlp is not None:
        obj["object_marking_refs"] = [marking_id(tlp)]
    obj.update(extra)
    return obj


def envelope(*objects: dict[str, Any]) -> str:
    return json.dumps({"objects": list(objects)})


def basic(user: User) -> str:
    return "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()


def taxii_client(auth: str | None = None) -> Client:
    headers = {"Accept": TAXII}
    if auth:
        headers["Authorization"] = auth
    return Client(headers=headers)


def bearer(world: World, user: User) -> Client:
    """A JSON API client holding a read and write token of ``user``."""
    return Client(headers={"Authorization": "Bearer " + world.token(user, ("read", "write"))})


def run_worker() -> None:
    """Run every queued task now, as the database worker of a deployment does."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)


def _member(org: Organisation, username: str, role: str) -> User:
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


def make_world() -> World:
    cert = OrganisationFactory(name="Example CERT", slug="example-cert")
    partner = OrganisationFactory(name="Partner CSIRT", slug="partner")
    friend = OrganisationFactory(name="Friendly ISP", slug="friend")
    other = OrganisationFactory(name="Other Org", slug="other")
    alice = _member(cert, "alice", Role.ADMIN)
    bob = _member(cert, "bob", Role.EDITOR)
    carol = _member(partner, "carol", Role.EDITOR)
    frank = _member(friend, "frank", Role.EDITOR)
    mallory = _member(other, "mallory", Role.EDITOR)
    root = services.create_api_root(alice, owner=cert, title="Community", slug="community",
                                    members=[partner])
    collection = services.create_collection(alice, root, owner=cert, title="Indicators",
                                            alias="indicators", community_write=True)
    circle = services.create_sharing_group(alice, owner=cert, name="Circle", members=[friend])
    return World(cert, partner, friend, other, alice, bob, carol, frank, mallory, root,
                 collection, circle)


def objects_url(world: World, collection: Collection | None = None) -> str:
    c = collection or world.collection
    return f"/taxii2/{c.api_root.slug}/collections/{c.pk}/objects/"
