"""Fixtures of the infrastructure tests: countries, the demo network and a cast of people.

Django is imported inside the fixtures: the kernel tests below this folder run without it
(``-p no:django``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def fresh_network_cache() -> Iterator[None]:
    """Built networks are cached per dataset id; a test database reuses ids."""
    yield
    try:
        from cybercommons.infrastructure import network
    except Exception:
        return
    network.forget()


@pytest.fixture
def countries(db: None) -> None:
    from cybercommons.core.countries import sync_countries

    sync_countries()


@dataclass
class Cast:
    owner: Any
    outsider: Any
    staff: Any


@pytest.fixture
def cast(countries: None) -> Cast:
    from tests.factories import UserFactory

    owner = UserFactory(username="amina")
    outsider = UserFactory(username="mallory")
    staff = UserFactory(username="operator", is_staff=True)
    return Cast(owner, outsider, staff)


@pytest.fixture
def sample(countries: None) -> Any:
    """The demo's Pacific network, active."""
    from cybercommons.infrastructure import demo
    from cybercommons.infrastructure.models import Dataset

    demo.load()
    return Dataset.objects.get(slug=demo.SLUG)
