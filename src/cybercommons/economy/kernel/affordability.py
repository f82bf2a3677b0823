"""The A4AI "1 for 2" affordability test, and its newer 5 GB form.

The Alliance for Affordable Internet calls mobile data affordable when 1 GB costs at
most 2 % of average monthly income (GNI per capita / 12); the Broadband Commission
keeps the 2 % threshold and newer targets ask the same of a 5 GB allowance. All shares
here are percentages of *monthly* GNI per capita.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from cybercommons.economy.kernel.observations import GeoKind, Observation

THRESHOLD_PERCENT = 2.0
MONTHS_PER_YEAR = 12


class Basket(StrEnum):
    """The mobile-data allowance tested."""

    ONE_GB = "1GB"
    FIVE_GB = "5GB"


def share_of_monthly_income(price_usd: float, gni_per_capita_usd: float) -> float:
    """A monthly price as a percentage of monthly GNI per capita.

    ``price_usd`` is the monthly price of the allowance in current US$; ``gni_per_capita_usd``
    is annual GNI per capita (Atlas method, current US$, WDI NY.GNP.PCAP.CD). Raises
    ValueError for a non-positive income or a negative price, which have no share.
    """
    if not math.isfinite(gni_per_capita_usd) or gni_per_capita_usd <= 0:
        raise ValueError(f"GNI per capita must be positive, got {gni_per_capita_usd}")
    if not math.isfinite(price_usd) or price_usd < 0:
        raise ValueError(f"price must be zero or positive, got {price_usd}")
    return 100.0 * price_usd / (gni_per_capita_usd / MONTHS_PER_YEAR)


def affordable_price_usd(
    gni_per_capita_usd: float, threshold_percent: float = THRESHOLD_PERCENT
) -> float:
    """The highest monthly price (US$) that still passes the test for this income."""
    if gni_per_capita_usd <= 0:
        raise ValueError(f"GNI per capita must be positive, got {gni_per_capita_usd}")
    return gni_per_capita_usd / MONTHS_PER_YEAR * threshold_percent / 100.0


@dataclass(frozen=True)
class AffordabilityResult:
    """One country-year's test: the share, the threshold and whether it passes.

    ``gap_points`` is share minus threshold in percentage points (negative = headroom).
    ``price_reduction_needed`` is the fraction by which the price must fall to pass
    (0 when it already passes).
    """

    geo: str
    year: int
    basket: Basket
    share_percent: float
    threshold_percent: float

    @property
    def affordable(self) -> bool:
        """True when the allowance costs at most the threshold share of monthly income."""
        return self.share_percent <= self.threshold_percent

    @property
    def gap_points(self) -> float:
        """Share minus threshold, in percentage points of monthly GNI per capita."""
        return self.share_percent - self.threshold_percent

    @property
    def price_reduction_needed(self) -> float:
        """Fraction (0-1) by which the price must fall to meet the threshold."""
        if self.affordable or self.share_percent == 0:
            return 0.0
        return 1.0 - self.threshold_percent / self.share_percent


@dataclass(frozen=True)
class AffordabilitySummary:
    """How many countries pass, and which do not, for one basket and year."""

    basket: Basket
    year: int | None
    results: tuple[AffordabilityResult, ...]

    @property
    def passing(self) -> tuple[str, ...]:
        """Countries meeting the target, by code."""
        return tuple(r.geo for r in self.results if r.affordable)

    @property
    def failing(self) -> tuple[str, ...]:
        """Countries missing the target, by code."""
        return tuple(r.geo for r in self.results if not r.affordable)

    @property
    def share_passing(self) -> float:
        """Fraction (0-1) of tested countries meeting the target; NaN when none tested."""
        if not self.results:
            return float("nan")
        return len(self.passing) / len(self.results)


def one_for_two(
    shares: Mapping[str, float],
    *,
    year: int,
    basket: Basket = Basket.ONE_GB,
    threshold_percent: float = THRESHOLD_PERCENT,
) -> AffordabilitySummary:
    """Test each country's price share (% of monthly GNI per capita) against the threshold.

    Why: the affordability page lists who meets "1 for 2" (or "5 for 2") and by how
    much the others miss it. NaN shares are left out, not counted as failing.
    """
    results = tuple(
        AffordabilityResult(geo, year, basket, float(share), threshold_percent)
        for geo, share in sorted(shares.items())
        if math.isfinite(share)
    )
    return AffordabilitySummary(basket, year, results)


def one_for_two_from_observations(
    observations: Iterable[Observation],
    *,
    indicator: str,
    basket: Basket = Basket.ONE_GB,
    threshold_percent: float = THRESHOLD_PERCENT,
) -> dict[int, AffordabilitySummary]:
    """Run the test for every year of a price-share series (countries only).

    ``indicator`` is the code of a series already expressed as % of monthly GNI per
    capita, such as OWID's A4AI "Cost of 1GB of mobile data (% of mean GNI per capita)".
    Aggregates are skipped so that a regional average never counts as a country.
    """
    by_year: dict[int, dict[str, float]] = {}
    for obs in observations:
        if obs.indicator != indicator or obs.geo_kind is not GeoKind.COUNTRY or obs.breakdown:
            continue
        by_year.setdefault(obs.year, {})[obs.geo] = obs.value
    return {
        year: one_for_two(shares, year=year, basket=basket, threshold_percent=threshold_percent)
        for year, shares in sorted(by_year.items())
    }
