"""A small cast for consultation tests: a convenor, invited participants of several
stakeholder groups and regions, and outsiders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from cybercommons.core.models import Country, Organisation, Role, StakeholderType, User
from cybercommons.governance import services
from cybercommons.governance.models import Phase, Process
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

SECTIONS = [
    ("purpose", "Purpose", "Cables carry **most** traffic between continents."),
    ("repair", "Repair", "States should grant repair permits within 7 days."),
]


@dataclass
class Cast:
    secretariat: Organisation
    convenor: User
    government: User  # Kenya, African Group
    company: User  # Fiji, Asia-Pacific, a small island developing State
    citizen: User  # France, no organisation
    outsider: User  # a company in France
    kenya: Country
    fiji: Country
    france: Country


def _country(code: str, alpha3: str, numeric: str, group: str, **flags: bool) -> Country:
    country, _ = Country.objects.update_or_create(
        code=code, defaults={"alpha3": alpha3, "numeric": numeric, "name": f"Country {code}",
                             "un_regional_group": group, "un_member": True, **flags})
    return country


def member(organisation: Organisation, username: str, role: str = Role.MEMBER) -> User:
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def cast(db: None) -> Cast:
    kenya = _country("KE", "KEN", "404", "african")
    fiji = _country("FJ", "FJI", "242", "asia_pacific", is_sids=True)
    france = _country("FR", "FRA", "250", "weog")
    secretariat = OrganisationFactory(slug="secretariat", name="Secretariat",
                                      stakeholder_type=StakeholderType.INTERNATIONAL,
                                      country=france)
    ministry = OrganisationFactory(slug="ministry-ke", stakeholder_type=StakeholderType.GOVERNMENT,
                                   country=kenya)
    cables = OrganisationFactory(slug="cables-fj", stakeholder_type=StakeholderType.COMPANY,
                                 country=fiji)
    other = OrganisationFactory(slug="telco-fr", stakeholder_type=StakeholderType.COMPANY,
                                country=france)
    citizen = UserFactory(username="citizen")
    citizen.country = france
    citizen.save()
    return Cast(
        secretariat=secretariat,
        convenor=member(secretariat, "convenor", Role.EDITOR),
        government=member(ministry, "minister"),
        company=member(cables, "operator"),
        citizen=citizen,
        outsider=member(other, "outsider"),
        kenya=kenya, fiji=fiji, france=france,
    )


@pytest.fixture
def make_process(cast: Cast) -> Callable[..., Process]:
    """Open a consultation by the convenor and move it to ``phase``."""

    def make(phase: str = Phase.INFORMATION, **kwargs: Any) -> Process:
        kwargs.setdefault("title", "Cable norm")
        kwargs.setdefault("sections", SECTIONS)
        process = services.create_process(cast.convenor, convenor=cast.secretariat, **kwargs)
        if phase != Phase.INFORMATION:
            services.change_phase(cast.convenor, process, phase)
        process.refresh_from_db()
        return process

    return make


@pytest.fixture
def restricted(make_process: Callable[..., Process], cast: Cast) -> Process:
    """A restricted consultation for governments and companies of Africa and Asia-Pacific."""
    return make_process(slug="restricted-norm", title="Restricted norm",
                        visibility="restricted", invited_groups=["government", "company"],
                        invited_regions=["african", "asia_pacific"])
