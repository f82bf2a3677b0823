"""A small threat-intelligence sample for the demo, written by the project.

One community (TAXII API root), two collections, a sharing group, and a handful of
indicators on documentation addresses (RFC 5737: 192.0.2.0/24, 198.51.100.0/24) and
example.org names at every TLP level, with a malware, a relationship and a report so that
the object page shows a graph. Ids and timestamps are fixed, so loading twice stores
nothing new.
"""

from __future__ import annotations

import uuid
from typing import IO, Any

from django.db import transaction

from cybercommons.core.models import Membership, Organisation, Role, StakeholderType, User
from cybercommons.security import services
from cybercommons.security.kernel.tlp import Tlp, marking_id
from cybercommons.security.models import ApiRoot, Collection, SharingGroup, StixObject

NAMESPACE = uuid.UUID("0f5c3f52-3c1e-4f0e-9d7e-6a1d1b0c9e21")
STAMP = "2025-01-15T09:00:00.000Z"


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, key)}"


def _indicator(key: str, name: str, pattern: str, level: Tlp, labels: list[str]
               ) -> dict[str, Any]:
    return {"type": "indicator", "spec_version": "2.1", "id": _id("indicator", key),
            "created": STAMP, "modified": STAMP, "name": name, "pattern": pattern,
            "pattern_type": "stix", "valid_from": STAMP, "labels": labels,
            "object_marking_refs": [marking_id(level)]}


def sample_objects() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(community objects, partner-exchange objects)."""
    malware = {"type": "malware", "spec_version": "2.1", "id": _id("malware", "rat"),
               "created": STAMP, "modified": STAMP, "name": "DemoRAT (fictitious)",
               "is_family": True, "malware_types": ["remote-access-trojan"],
               "object_marking_refs": [marking_id(Tlp.GREEN)]}
    c2 = _indicator("c2", "DemoRAT command server", "[ipv4-addr:value = '192.0.2.10']",
                    Tlp.GREEN, ["c2", "malicious-activity"])
    community = [
        _indicator("scanner", "Scanner seen by many", "[ipv4-addr:value = '192.0.2.44']",
                   Tlp.CLEAR, ["scanner"]),
        c2, malware,
        {"type": "relationship", "spec_version": "2.1", "id": _id("relationship", "c2-rat"),
         "created": STAMP, "modified": STAMP, "relationship_type": "indicates",
         "source_ref": c2["id"], "target_ref": malware["id"],
         "object_marking_refs": [marking_id(Tlp.GREEN)]},
        _indicator("phish", "Phishing landing page", "[domain-name:value = 'login.example.org']",
                   Tlp.AMBER, ["phishing"]),
        {"type": "report", "spec_version": "2.1", "id": _id("report", "rat-report"),
         "created": STAMP, "modified": STAMP, "name": "DemoRAT campaign (fictitious)",
         "published": STAMP, "object_refs": [c2["id"], malware["id"]],
         "description": "A made-up campaign to show how reports tie objects together.",
         "object_marking_refs": [marking_id(Tlp.GREEN)]},
    ]
    partner = [
        _indicator("exfil", "Exfiltration endpoint", "[domain-name:value = 'drop.example.org']",
                   Tlp.AMBER_STRICT, ["exfiltration"]),
        _indicator("insider", "Compromised partner host", "[ipv4-addr:value = '198.51.100.7']",
                   Tlp.RED, ["compromised"]),
    ]
    return community, partner


def _organisation(slug: str, name: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            slug=slug, name=name, stakeholder_type=StakeholderType.TECHNICAL)
    return organisation


def _admin(organisation: Organisation, username: str) -> User:
    membership = (Membership.objects.filter(organisation=organisation, role=Role.ADMIN)
                  .select_related("user").first())
    if membership is not None:
        return membership.user
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name="Demo analyst")
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, organisation=organisation,
                                     defaults={"role": Role.ADMIN})
    return user


def load(stdout: IO[str] | None = None) -> None:
    """Load (or top up) the sample; running it again adds nothing."""
    with transaction.atomic():
        cert = _organisation("cert-gh", "National Computer Emergency Response Team")
        partner = _organisation("ministry-digital-ke",
                                "Ministry of Information, Communications and the Digital "
                                "Economy")
        actor = _admin(cert, "demo-analyst")
        root = ApiRoot.objects.filter(slug="demo-community").first() or \
            services.create_api_root(actor, owner=cert, title="Demo sharing community",
                                     slug="demo-community", members=[partner],
                                     description="A sample community of CERTs.")
        group = SharingGroup.objects.filter(slug="demo-circle").first() or \
            services.create_sharing_group(actor, owner=cert, name="Demo trusted circle",
                                          slug="demo-circle", members=[partner])
        community = Collection.objects.filter(api_root=root, alias="indicators").first() or \
            services.create_collection(actor, root, owner=cert, title="Community indicators",
                                       alias="indicators", public_read=True)
        exchange = Collection.objects.filter(api_root=root, alias="partner-exchange").first() \
            or services.create_collection(actor, root, owner=cert, title="Partner exchange",
                                          alias="partner-exchange", community_read=False)
        if not exchange.grants.exists():
            services.set_grant(actor, exchange, group=group, can_read=True)
            services.set_grant(actor, exchange, organisation=partner, can_read=True)
        community_objects, partner_objects = sample_objects()
        services.add_python_objects(actor, community, community_objects, record_status=False)
        services.add_python_objects(actor, exchange, partner_objects, record_status=False)
    if stdout is not None:
        stdout.write(f"Threat intelligence: {StixObject.objects.count()} object versions in "
                     f"{Collection.objects.count()} collections\n")
