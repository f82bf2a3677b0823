"""The usual cast of a permission test: an owner, a teammate and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cybercommons.core.models import Organisation, Role, User
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class Cast:
    organisation: Organisation
    owner: User
    teammate: User
    outsider: User


@pytest.fixture
def cast(db: None) -> Cast:
    organisation = OrganisationFactory(name="Example CERT", slug="example-cert")
    owner = UserFactory(username="alice")
    teammate = UserFactory(username="bob")
    outsider = UserFactory(username="mallory")
    MembershipFactory(user=owner, organisation=organisation, role=Role.ADMIN)
    MembershipFactory(user=teammate, organisation=organisation, role=Role.MEMBER)
    return Cast(organisation, owner, teammate, outsider)
