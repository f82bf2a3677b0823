"""Distances, regions and latitude bands on routes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cybercommons.infrastructure.kernel.geometry import (
    Region,
    edge_lengths_km,
    haversine_km,
    length_in_latitude_band_km,
    line_touches_region,
    points_in_ring,
)


def test_one_degree_of_the_equator_is_about_111_km() -> None:
    assert haversine_km((0, 0), (1, 0)) == pytest.approx(111.195, rel=1e-4)
    assert haversine_km((179.5, 0), (-179.5, 0)) == pytest.approx(111.195, rel=1e-4)
    assert edge_lengths_km([(0, 0), (1, 0), (1, 1)]).sum() == pytest.approx(222.39, rel=1e-4)


def test_points_in_a_concave_ring_are_told_apart() -> None:
    # A "U" shape: the notch between the arms is outside.
    ring = ((0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3))
    inside = points_in_ring(np.array([[0.5, 2.0], [1.5, 2.0], [2.5, 2.0], [1.5, 0.5]]), ring)
    assert inside.tolist() == [True, False, True, True]


def test_a_line_passing_through_a_region_touches_it() -> None:
    region = Region("box", ((0, 0), (1, 0), (1, 1), (0, 1)))
    assert line_touches_region([(-1, 0.5), (2, 0.5)], region)
    assert not line_touches_region([(-1, 2), (2, 2)], region)
    assert line_touches_region([(0.5, 0.5), (5, 5)], region)


def test_length_in_a_latitude_band_counts_both_hemispheres() -> None:
    north = [(0.0, 65.0), (1.0, 65.0)]
    south = [(0.0, -65.0), (1.0, -65.0)]
    expected = 111.195 * math.cos(math.radians(65))
    assert length_in_latitude_band_km(north, 60, 90) == pytest.approx(expected, rel=1e-3)
    assert length_in_latitude_band_km(south, 60, 90) == pytest.approx(expected, rel=1e-3)
    assert length_in_latitude_band_km(north, 0, 60) == 0.0
