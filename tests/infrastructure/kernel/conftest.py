"""Fixtures for the infrastructure kernel: the real 2022 cable map, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercommons.infrastructure.kernel.country_names import resolve_country
from cybercommons.infrastructure.kernel.graph import Network, build_network
from cybercommons.infrastructure.kernel.telegeography import Dataset, load_snapshot


@pytest.fixture(scope="session")
def v3_dataset(shared_data: Path) -> Dataset:
    """The TeleGeography v3 snapshot of November 2022."""
    return load_snapshot(shared_data / "submarine_cables" / "v3_2022-11")


@pytest.fixture(scope="session")
def v3_network(v3_dataset: Dataset) -> Network:
    """In-service cables of the 2022 map as a cable-level network."""
    landing = {}
    for point in v3_dataset.landing_points.values():
        code = resolve_country(point.country or "", point.name).alpha2
        assert code is not None, point
        landing[point.id] = code
    return build_network(v3_dataset.cables.values(), landing)
