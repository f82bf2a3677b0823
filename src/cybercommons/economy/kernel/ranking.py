"""Rankings from index scores, and how two rankings of the same countries differ.

Why: a user who changes weights or goalposts wants to see who moves and by how much,
and one number for how much the order changed overall (Spearman's rank correlation).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


def rank_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """Rank places by score, 1 = highest; ties share the mean of their ranks.

    NaN scores are left out (a place without a score has no rank).
    """
    kept = {geo: value for geo, value in scores.items() if not np.isnan(value)}
    if not kept:
        return {}
    geos = sorted(kept)
    from scipy.stats import rankdata

    ranks = rankdata([-kept[geo] for geo in geos], method="average")
    return {geo: float(rank) for geo, rank in zip(geos, ranks, strict=True)}


@dataclass(frozen=True)
class RankShift:
    """One place's rank under two definitions; ``shift`` > 0 means it moved up in B."""

    geo: str
    rank_a: float
    rank_b: float

    @property
    def shift(self) -> float:
        """Places gained going from A to B (positive = better rank in B)."""
        return self.rank_a - self.rank_b


@dataclass(frozen=True)
class RankingComparison:
    """Two rankings over the places both scored.

    ``spearman`` is Spearman's rho over the common places (1 = same order, -1 =
    reversed; NaN with fewer than two places). ``only_in_a``/``only_in_b`` are places
    scored by one definition only, listed rather than silently dropped.
    """

    shifts: tuple[RankShift, ...]
    spearman: float
    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]

    def largest_moves(self, count: int = 10) -> list[RankShift]:
        """The places whose rank changed most, either way, largest first."""
        return sorted(self.shifts, key=lambda s: (-abs(s.shift), s.geo))[:count]

    @property
    def mean_absolute_shift(self) -> float:
        """Average number of places moved (0 when the orders agree)."""
        if not self.shifts:
            return float("nan")
        return float(np.mean([abs(s.shift) for s in self.shifts]))


def compare_rankings(
    scores_a: Mapping[str, float], scores_b: Mapping[str, float]
) -> RankingComparison:
    """Compare the rankings that two sets of index scores give the same places.

    Both rankings are recomputed over the common places only, so a place missing from
    one definition does not shift everyone else's rank.
    """
    clean_a = {g: v for g, v in scores_a.items() if not np.isnan(v)}
    clean_b = {g: v for g, v in scores_b.items() if not np.isnan(v)}
    common = sorted(set(clean_a) & set(clean_b))
    ranks_a = rank_scores({g: clean_a[g] for g in common})
    ranks_b = rank_scores({g: clean_b[g] for g in common})
    shifts = tuple(RankShift(g, ranks_a[g], ranks_b[g]) for g in common)
    return RankingComparison(
        shifts=shifts,
        spearman=spearman(
            np.array([ranks_a[g] for g in common]), np.array([ranks_b[g] for g in common])
        ),
        only_in_a=tuple(sorted(set(clean_a) - set(clean_b))),
        only_in_b=tuple(sorted(set(clean_b) - set(clean_a))),
    )


def spearman(ranks_a: np.ndarray, ranks_b: np.ndarray) -> float:
    """Spearman's rho: the Pearson correlation of two rank vectors (ties averaged).

    NaN when fewer than two places or when either ranking is constant.
    """
    if len(ranks_a) < 2:
        return float("nan")
    a = ranks_a - ranks_a.mean()
    b = ranks_b - ranks_b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    if denominator == 0:
        return float("nan")
    return float((a * b).sum() / denominator)
