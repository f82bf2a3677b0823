"""Fixtures of the economy tests: countries, a cast of people, and a small indicator store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cybercommons.economy.kernel.observations import GeoKind, Observation

# Django is imported inside the fixtures: the kernel tests in this folder run without it
# (``-p no:django``).


@pytest.fixture
def countries(db: None) -> None:
    from cybercommons.core.countries import sync_countries

    sync_countries()


@dataclass
class Cast:
    ministry: Any
    bank: Any
    owner: Any
    teammate: Any
    banker: Any
    outsider: Any


@pytest.fixture
def cast(countries: None) -> Cast:
    from cybercommons.core.models import Role
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    ministry = OrganisationFactory(name="Ministry of ICT", slug="ministry-ict")
    bank = OrganisationFactory(name="Development Bank", slug="dev-bank")
    owner = UserFactory(username="amina")
    teammate = UserFactory(username="bob")
    banker = UserFactory(username="kofi")
    outsider = UserFactory(username="mallory")
    MembershipFactory(user=owner, organisation=ministry, role=Role.EDITOR)
    MembershipFactory(user=teammate, organisation=ministry, role=Role.MEMBER)
    MembershipFactory(user=banker, organisation=bank, role=Role.ADMIN)
    return Cast(ministry, bank, owner, teammate, banker, outsider)


@dataclass
class Market:
    project: Any
    private_project: Any
    funder: Any


@pytest.fixture
def market(cast: Cast) -> Market:
    from cybercommons.economy import services

    project = services.create_project(
        cast.owner, cast.ministry, name="Rural community networks", country="KE",
        sectors=["connectivity"], sdg_targets=["9.c"], budget_usd="4000000",
        ask_usd="3000000", needs="Capital for 120 sites", contact="pm@ministry.example")
    private = services.create_project(
        cast.owner, cast.ministry, name="Secret backbone upgrade", country="KE",
        sectors=["connectivity"], visibility="private", ask_usd="100")
    funder = services.create_funder(
        cast.banker, cast.bank, name="Connectivity facility", type="development_bank",
        sectors=["connectivity"], sdg_targets=["9.c"], regions=["M49:2"],
        ticket_min_usd="1000000", ticket_max_usd="50000000", notes="Board prefers co-finance")
    return Market(project, private, funder)


def obs(geo: str, year: int, value: float, indicator: str, **extra: object) -> Observation:
    """A kernel observation of a country, for small hand-checkable stores."""
    return Observation(geo, GeoKind.COUNTRY, year, value, indicator, **extra)  # type: ignore[arg-type]


@pytest.fixture
def small_store(countries: None) -> None:
    """Three countries, two years, the open-data index's five indicators (hand-checkable)."""
    from cybercommons.economy import services
    from cybercommons.economy.importers.store import write_records

    rows = []
    values = {
        # use: Internet %, fixed BB per 100 (goal 60); access: mobile per 100 (goal 120),
        # 3G %, 4G %
        "KEN": (40.0, 3.0, 120.0, 90.0, 60.0),
        "FRA": (90.0, 48.0, 120.0, 100.0, 100.0),
        "NPL": (50.0, 6.0, 132.0, 96.0, 45.0),
    }
    codes = ("IT.NET.USER.ZS", "IT.NET.BBND.P2", "IT.CEL.SETS.P2", "IT_MOB_3GNTWK",
             "IT_MOB_4GNTWK")
    for geo, numbers in values.items():
        for code, value in zip(codes, numbers, strict=True):
            rows.append(obs(geo, 2020, value, code))
            rows.append(obs(geo, 2019, value - 5, code))
    rows.append(Observation("WLD", GeoKind.AGGREGATE, 2020, 99.0, "IT.NET.USER.ZS"))
    write_records(rows, name="small-store")
    services.ensure_built_in_indices()
