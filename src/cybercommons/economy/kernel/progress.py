"""Progress towards the 2030 targets: trend, projection, year reached, rate needed;
gap series (women vs men, towns vs countryside); peer-group means.

The trend is an ordinary least-squares line through the available years, with the
standard error of its slope and a 95 % confidence interval, so a page can say "about
+3.1 points a year (±0.8)" instead of pretending a line through three points is exact.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from cybercommons.economy.kernel.observations import Observation

TARGET_YEAR = 2030
CONFIDENCE = 0.95
# "The current pace" is fitted on the last ten years with data by default, not on a
# series that may reach back to the 1990s and bend on the way.
DEFAULT_TREND_WINDOW = 10


def _student_t() -> Any:
    """scipy.stats takes a second to import; load it on first use, not at start-up."""
    from scipy.stats import t

    return t


@dataclass(frozen=True)
class Trend:
    """A least-squares line ``value = intercept + slope * (year - centre)``.

    ``slope`` is in the series' unit per year; ``slope_se`` its standard error and
    ``slope_ci`` the 95 % interval (NaN with two points, where no error can be
    estimated). ``residual_se`` is the standard deviation of points around the line.
    """

    slope: float
    intercept: float
    centre: float
    slope_se: float
    slope_ci: tuple[float, float]
    residual_se: float
    n: int
    sxx: float

    def value_at(self, year: float) -> float:
        """The fitted value at ``year`` (unbounded)."""
        return self.intercept + self.slope * (year - self.centre)

    def interval_at(self, year: float) -> tuple[float, float]:
        """95 % confidence interval of the fitted mean at ``year`` (NaN with < 3 points)."""
        if self.n < 3:
            return (math.nan, math.nan)
        spread = self.residual_se * math.sqrt(1 / self.n + (year - self.centre) ** 2 / self.sxx)
        half = float(_student_t().ppf(0.5 + CONFIDENCE / 2, self.n - 2)) * spread
        centre = self.value_at(year)
        return (centre - half, centre + half)


def fit_trend(years: Sequence[float], values: Sequence[float]) -> Trend | None:
    """Fit a least-squares line; None with fewer than two distinct years.

    NaN values are dropped first. Why a line: the 2030 targets are read as "at the
    current pace", and a line's slope is that pace with an honest uncertainty.
    """
    x = np.asarray(years, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    if len(np.unique(x)) < 2:
        return None
    centre = float(x.mean())
    dx = x - centre
    sxx = float((dx * dx).sum())
    slope = float((dx * (y - y.mean())).sum() / sxx)
    intercept = float(y.mean())
    n = len(x)
    if n > 2:
        residuals = y - (intercept + slope * dx)
        residual_se = float(math.sqrt((residuals * residuals).sum() / (n - 2)))
        slope_se = residual_se / math.sqrt(sxx)
        half = float(_student_t().ppf(0.5 + CONFIDENCE / 2, n - 2)) * slope_se
        ci = (slope - half, slope + half)
    else:
        residual_se = slope_se = math.nan
        ci = (math.nan, math.nan)
    return Trend(slope, intercept, centre, slope_se, ci, residual_se, n, sxx)


class Status(StrEnum):
    """Where a series stands against its target."""

    ALREADY_REACHED = "already_reached"
    ON_TRACK = "on_track"  # reached by the target year at the current pace
    OFF_TRACK = "off_track"  # reached, but after the target year
    NEVER = "never"  # the trend is flat or moving away from the target
    INSUFFICIENT_DATA = "insufficient_data"


@dataclass(frozen=True)
class Target:
    """A target value for an indicator, and the range its values can take.

    ``higher_is_better`` False for targets to stay under (a price at most 2 % of income).
    ``valid_range`` bounds projections (0-100 for percentages).
    """

    value: float
    year: int = TARGET_YEAR
    higher_is_better: bool = True
    valid_range: tuple[float, float] = (-math.inf, math.inf)


# 2030 targets whose values are published with the indicator on ITU DataHub's universal
# and meaningful connectivity dashboard ("met if at least 95 %"), plus the Broadband
# Commission's affordability threshold (entry-level broadband under 2 % of monthly GNI
# per capita). Keys are ITU codes; services map them to stored indicator codes.
UMC_2030_TARGETS = {
    "i99H": Target(95.0, valid_range=(0.0, 100.0)),
    "xHH6": Target(95.0, valid_range=(0.0, 100.0)),
    "i271mb_high_ts_GNI": Target(2.0, higher_is_better=False, valid_range=(0.0, math.inf)),
    "i154_FBB_ts_GNI": Target(2.0, higher_is_better=False, valid_range=(0.0, math.inf)),
}


@dataclass(frozen=True)
class TargetProgress:
    """Everything the progress page shows for one series and target.

    - ``latest_year``/``latest_value``: the newest observation;
    - ``trend``: the fitted line (None with one point);
    - ``projected``: the trend's value in the target year, bounded to the valid range,
      with ``projected_interval`` its 95 % interval (also bounded);
    - ``year_reached``: the (fractional) year the target is reached at the current pace
      from the latest value; None when never or already reached;
    - ``rate_needed``: change per year needed from the latest value to hit the target in
      the target year (in the series' unit per year); None if the target year has passed.
    """

    status: Status
    latest_year: int | None
    latest_value: float | None
    trend: Trend | None
    projected: float | None
    projected_interval: tuple[float, float] | None
    year_reached: float | None
    rate_needed: float | None
    target: Target


def check_window(window_years: int | None) -> int | None:
    """Return a valid trend window (years) or raise ValueError naming the problem.

    None means every year with data; otherwise at least 2 years, since a line needs two.
    """
    if window_years is None:
        return None
    if isinstance(window_years, bool) or not isinstance(window_years, int):
        raise ValueError(f"the trend window must be a whole number of years, not "
                         f"{window_years!r}")
    if window_years < 2:
        raise ValueError(f"the trend window must be at least 2 years, not {window_years}")
    return window_years


def within_window(points: Sequence[tuple[int, float]], window_years: int | None
                  ) -> list[tuple[int, float]]:
    """The ``(year, value)`` points of the last ``window_years`` years up to the latest one.

    Why: the trend is "the current pace"; a window of 10 keeps the years
    ``latest - 9 … latest`` (calendar years, gaps included), None keeps them all.
    """
    window = check_window(window_years)
    ordered = sorted(points)
    if window is None or not ordered:
        return ordered
    first_kept = ordered[-1][0] - window + 1
    return [(year, value) for year, value in ordered if year >= first_kept]


def progress_to_target(
    years: Sequence[int], values: Sequence[float], target: Target, *,
    window_years: int | None = DEFAULT_TREND_WINDOW,
) -> TargetProgress:
    """Assess one series against one target (see :class:`TargetProgress`).

    The latest value is the latest year with data; the trend is fitted on the last
    ``window_years`` calendar years up to it (default 10; None fits every year).
    Units: the series' own; years are calendar years.
    """
    pairs = within_window(
        [(int(year), float(value))
         for year, value in zip(years, values, strict=True) if not math.isnan(value)],
        window_years,
    )
    if not pairs:
        return TargetProgress(
            Status.INSUFFICIENT_DATA, None, None, None, None, None, None, None, target
        )
    latest_year, latest_value = pairs[-1]
    gap = target.value - latest_value
    rate_needed = gap / (target.year - latest_year) if latest_year < target.year else None
    reached = (
        latest_value >= target.value if target.higher_is_better else latest_value <= target.value
    )
    trend = fit_trend([p[0] for p in pairs], [p[1] for p in pairs])
    projected = interval = None
    low, high = target.valid_range
    if trend is not None:
        projected = float(np.clip(trend.value_at(target.year), low, high))
        lower, upper = trend.interval_at(target.year)
        interval = (float(np.clip(lower, low, high)), float(np.clip(upper, low, high)))
    if reached:
        status, year_reached = Status.ALREADY_REACHED, None
    elif trend is None:
        status, year_reached = Status.INSUFFICIENT_DATA, None
    elif trend.slope == 0 or (trend.slope > 0) != (gap > 0):
        status, year_reached = Status.NEVER, None
    else:
        year_reached = latest_year + gap / trend.slope
        status = Status.ON_TRACK if year_reached <= target.year else Status.OFF_TRACK
    return TargetProgress(
        status=status,
        latest_year=latest_year,
        latest_value=latest_value,
        trend=trend,
        projected=projected,
        projected_interval=interval,
        year_reached=year_reached,
        rate_needed=rate_needed,
        target=target,
    )


class GapKind(StrEnum):
    """How two breakdowns are compared."""

    DIFFERENCE = "difference"  # a - b, in the series' unit (percentage points for %)
    RATIO = "ratio"  # b / a, the parity score ITU uses (1 = parity)


GENDER = ("sex", "male", "female")
URBAN_RURAL = ("location", "urban", "rural")


def gap_series(
    observations: Iterable[Observation],
    dimension: str,
    first: str,
    second: str,
    kind: GapKind = GapKind.DIFFERENCE,
) -> list[Observation]:
    """Build a gap series from breakdown observations, as observations of its own.

    Why: the gender and urban/rural gaps are tracked to 2030 like any indicator, so
    they come back as ordinary observations with breakdown ``{"gap": "male-female"}``
    (or ``"female/male"`` for a ratio), for the same places, years and indicator where
    both sides exist. ``gap_series(obs, *GENDER)`` gives male minus female;
    ``gap_series(obs, *URBAN_RURAL)`` urban minus rural. Other breakdown dimensions
    must match (the gap is taken within, say, the same skill type).
    """
    sides: dict[tuple[str, int, str, tuple[tuple[str, str], ...]], dict[str, Observation]] = (
        defaultdict(dict)
    )
    for obs in observations:
        side = obs.breakdown.get(dimension)
        if side not in (first, second):
            continue
        rest = tuple(sorted((k, v) for k, v in obs.breakdown.items() if k != dimension))
        sides[(obs.geo, obs.year, obs.indicator, rest)][side] = obs
    label = f"{first}-{second}" if kind is GapKind.DIFFERENCE else f"{second}/{first}"
    gaps = []
    for (geo, year, indicator, rest), pair in sorted(sides.items()):
        if first not in pair or second not in pair:
            continue
        a, b = pair[first], pair[second]
        if kind is GapKind.DIFFERENCE:
            value = a.value - b.value
            unit = "percentage points" if a.unit.startswith(("%", "percent")) else a.unit
        else:
            if a.value == 0:
                continue  # no parity score when one side is zero
            value = b.value / a.value
            unit = "ratio"
        gaps.append(
            Observation(
                geo=geo,
                geo_kind=a.geo_kind,
                year=year,
                value=value,
                indicator=indicator,
                breakdown={**dict(rest), "gap": label},
                unit=unit,
                source=a.source,
                note=f"{label} gap",
            )
        )
    return gaps


@dataclass(frozen=True)
class PeerAggregate:
    """A group's mean for one indicator and year, and how complete it is.

    ``weighted_mean`` uses population weights over members with both a value and a
    population; ``population_coverage`` is the share (0-1) of the group's known
    population that has a value. Members without a value are listed, never guessed.
    """

    members: int
    with_data: int
    mean: float
    weighted_mean: float
    population_coverage: float
    missing: tuple[str, ...]
    unweighted_only: tuple[str, ...]


def peer_mean(
    values: Mapping[str, float],
    group: Iterable[str],
    population: Mapping[str, float] | None = None,
) -> PeerAggregate:
    """Unweighted and population-weighted mean of ``values`` over ``group``.

    Why: "how does Kenya compare with other LDCs" needs both: the unweighted mean treats
    each country as one voice, the weighted mean tells how many people are online.
    ``population`` is in people (SP.POP.TOTL) for the same year; members with a value
    but no population are in the unweighted mean only and listed in ``unweighted_only``.
    """
    members = sorted(set(group))
    present = {g: float(values[g]) for g in members if g in values and not math.isnan(values[g])}
    missing = tuple(g for g in members if g not in present)
    mean = float(np.mean(list(present.values()))) if present else math.nan
    weighted = math.nan
    coverage = math.nan
    unweighted_only: tuple[str, ...] = ()
    if population is not None:
        weights = {
            g: float(population[g])
            for g in present
            if g in population and math.isfinite(population[g]) and population[g] > 0
        }
        unweighted_only = tuple(g for g in present if g not in weights)
        total_weight = sum(weights.values())
        if total_weight > 0:
            weighted = sum(present[g] * w for g, w in weights.items()) / total_weight
        known_population = sum(
            float(population[g])
            for g in members
            if g in population and math.isfinite(population[g]) and population[g] > 0
        )
        if known_population > 0:
            coverage = total_weight / known_population
    return PeerAggregate(
        members=len(members),
        with_data=len(present),
        mean=mean,
        weighted_mean=weighted,
        population_coverage=coverage,
        missing=missing,
        unweighted_only=unweighted_only,
    )


def series_of(
    observations: Iterable[Observation],
    geo: str,
    indicator: str,
    breakdown: Mapping[str, str] | None = None,
) -> tuple[list[int], list[float]]:
    """One place's series for one indicator and breakdown (total by default), by year.

    Why: :func:`progress_to_target` takes years and values; the store holds records.
    When a year appears twice (two sources), the later record wins.
    """
    wanted = dict(breakdown or {})
    by_year: dict[int, float] = {}
    for obs in observations:
        if obs.geo == geo and obs.indicator == indicator and dict(obs.breakdown) == wanted:
            by_year[obs.year] = obs.value
    years = sorted(by_year)
    return years, [by_year[year] for year in years]


def peer_series(
    values_by_year: Mapping[int, Mapping[str, float]],
    group: Iterable[str],
    population_by_year: Mapping[int, Mapping[str, float]] | None = None,
) -> dict[int, PeerAggregate]:
    """:func:`peer_mean` for every year, with that year's population as weights."""
    members = frozenset(group)
    return {
        year: peer_mean(
            values,
            members,
            population_by_year.get(year, {}) if population_by_year is not None else None,
        )
        for year, values in sorted(values_by_year.items())
    }
