"""Rank shifts and Spearman's rho between two index definitions."""

import math

import pytest
from scipy.stats import spearmanr

from cybercommons.economy.kernel.ranking import compare_rankings, rank_scores


def test_it_ranks_highest_first_and_averages_ties():
    assert rank_scores({"A": 10.0, "B": 30.0, "C": 30.0, "D": math.nan}) == {
        "A": 3.0,
        "B": 1.5,
        "C": 1.5,
    }


def test_identical_orders_have_rho_one_and_no_shifts():
    comparison = compare_rankings({"A": 1, "B": 2, "C": 3}, {"A": 10, "B": 20, "C": 30})
    assert comparison.spearman == pytest.approx(1.0)
    assert comparison.mean_absolute_shift == 0.0


def test_it_reports_who_moved_and_by_how_much():
    a = {"A": 90, "B": 80, "C": 70, "D": 60}
    b = {"A": 70, "B": 80, "C": 90, "D": 60}
    comparison = compare_rankings(a, b)
    moves = {s.geo: s.shift for s in comparison.shifts}
    assert moves == {"A": -2.0, "B": 0.0, "C": 2.0, "D": 0.0}
    # d = (2, 0, 2, 0): rho = 1 - 6 * 8 / (4 * 15) = 0.2
    assert comparison.spearman == pytest.approx(0.2)
    assert [s.geo for s in comparison.largest_moves(2)] == ["A", "C"]


def test_places_scored_by_one_definition_only_are_listed_not_ranked():
    comparison = compare_rankings({"A": 1, "B": 2, "X": 3}, {"A": 1, "B": 2, "Y": 5})
    assert comparison.only_in_a == ("X",)
    assert comparison.only_in_b == ("Y",)
    assert {s.geo for s in comparison.shifts} == {"A", "B"}


def test_rho_agrees_with_scipy_with_ties():
    a = {"A": 1, "B": 2, "C": 2, "D": 5, "E": 3}
    b = {"A": 2, "B": 1, "C": 4, "D": 4, "E": 3}
    expected = spearmanr([a[k] for k in "ABCDE"], [b[k] for k in "ABCDE"]).statistic
    assert compare_rankings(a, b).spearman == pytest.approx(expected)
