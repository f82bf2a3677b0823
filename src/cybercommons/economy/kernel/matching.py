"""Rank funders for a digital-development project, and projects for a funder, by fit.

A match score (0-100) is the weighted sum of five components, each 0-1 with a reason
a person can read: where (country/region eligibility), what (sector), why (SDG
targets), how much (the ask against the funder's ticket sizes) and who (the funder
types the project accepts). Geography is also a gate: a funder that cannot fund in the
project's country is listed as ineligible with the reason, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class FunderType(StrEnum):
    """Kinds of funder in the registry."""

    DEVELOPMENT_BANK = "development_bank"
    GOVERNMENT = "government"
    COMPANY = "company"
    FOUNDATION = "foundation"
    VENTURE = "venture"


@dataclass(frozen=True)
class Project:
    """What a project is, where, and what it asks for.

    ``regions`` are the groups the country belongs to (M49 region codes, ``LDC``,
    ``SIDS``, income groups), so funders that fund by region can match. ``ask_usd`` is
    the amount sought (US$); ``accepts`` the funder types the project wants (empty:
    any).
    """

    id: str
    country: str
    sectors: frozenset[str]
    sdg_targets: frozenset[str]
    ask_usd: float
    regions: frozenset[str] = frozenset()
    accepts: frozenset[FunderType] = frozenset()
    name: str = ""


@dataclass(frozen=True)
class Funder:
    """What a funder funds, where, and in what amounts.

    Empty ``countries`` and ``regions`` mean "anywhere" (minus ``excluded``). Ticket
    sizes are in US$; None means no stated bound.
    """

    id: str
    type: FunderType
    sectors: frozenset[str] = frozenset()
    sdg_targets: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    ticket_min_usd: float | None = None
    ticket_max_usd: float | None = None
    name: str = ""


@dataclass(frozen=True)
class Weights:
    """Weight of each component in the score; they must add up to 1."""

    geography: float = 0.30
    sector: float = 0.25
    sdg: float = 0.15
    ticket: float = 0.20
    funder_type: float = 0.10

    def __post_init__(self) -> None:
        total = self.geography + self.sector + self.sdg + self.ticket + self.funder_type
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"match weights add up to {total:.6g}, not 1")
        if min(self.geography, self.sector, self.sdg, self.ticket, self.funder_type) < 0:
            raise ValueError("match weights must not be negative")


@dataclass(frozen=True)
class Component:
    """One part of a match: its fit (0-1), its weight and the reason, in words."""

    name: str
    fit: float
    weight: float
    reason: str


@dataclass(frozen=True)
class Match:
    """A project-funder pair: score 0-100, whether eligible, and every component."""

    project_id: str
    funder_id: str
    score: float
    eligible: bool
    components: tuple[Component, ...] = field(default_factory=tuple)

    @property
    def reasons(self) -> list[str]:
        """The components' reasons, in component order."""
        return [c.reason for c in self.components]


def _money(amount: float) -> str:
    if amount >= 1e9:
        return f"US${amount / 1e9:.1f}bn"
    if amount >= 1e6:
        return f"US${amount / 1e6:.1f}M"
    if amount >= 1e3:
        return f"US${amount / 1e3:.0f}k"
    return f"US${amount:.0f}"


def _geography(project: Project, funder: Funder) -> tuple[float, str, bool]:
    if project.country in funder.excluded:
        return 0.0, f"funder excludes {project.country}", False
    if project.country in funder.countries:
        return 1.0, f"funder funds projects in {project.country}", True
    shared = sorted(project.regions & funder.regions)
    if shared:
        return 0.8, f"funder funds projects in {', '.join(shared)}", True
    if not funder.countries and not funder.regions:
        return 0.6, "funder funds anywhere", True
    return 0.0, f"funder does not fund in {project.country} or its regions", False


def _sector(project: Project, funder: Funder) -> tuple[float, str]:
    if not funder.sectors:
        return 0.5, "funder states no sector focus"
    if not project.sectors:
        return 0.0, "project states no sector"
    shared = sorted(project.sectors & funder.sectors)
    if not shared:
        return 0.0, "no sector in common"
    return len(shared) / len(project.sectors), f"shared sectors: {', '.join(shared)}"


def _goal(target: str) -> str:
    return target.split(".", 1)[0]


def _sdg(project: Project, funder: Funder) -> tuple[float, str]:
    if not project.sdg_targets:
        return 0.0, "project names no SDG target"
    if not funder.sdg_targets:
        return 0.5, "funder names no SDG target"
    funder_goals = {_goal(t) for t in funder.sdg_targets}
    exact = sorted(project.sdg_targets & funder.sdg_targets)
    same_goal = sorted(
        t for t in project.sdg_targets - funder.sdg_targets if _goal(t) in funder_goals
    )
    fit = (len(exact) + 0.5 * len(same_goal)) / len(project.sdg_targets)
    if not exact and not same_goal:
        return 0.0, "no SDG goal in common"
    parts = []
    if exact:
        parts.append(f"same targets {', '.join(exact)}")
    if same_goal:
        parts.append(f"same goal for {', '.join(same_goal)}")
    return fit, "; ".join(parts)


def _ticket(project: Project, funder: Funder) -> tuple[float, str]:
    ask = project.ask_usd
    low, high = funder.ticket_min_usd, funder.ticket_max_usd
    if low is None and high is None:
        return 0.5, "funder states no ticket size"
    if ask <= 0:
        return 0.0, "project states no amount sought"
    if low is not None and ask < low:
        return ask / low, f"ask {_money(ask)} is below the minimum ticket {_money(low)}"
    if high is not None and ask > high:
        return (
            high / ask,
            f"ask {_money(ask)} is above the maximum ticket {_money(high)}: "
            f"funder could cover {high / ask:.0%}, co-funding needed",
        )
    bounds = (
        f"{_money(low) if low is not None else 'any'}-{_money(high) if high is not None else 'any'}"
    )
    return 1.0, f"ask {_money(ask)} is within the ticket range {bounds}"


def _funder_type(project: Project, funder: Funder) -> tuple[float, str]:
    if not project.accepts:
        return 1.0, "project accepts any funder type"
    if funder.type in project.accepts:
        return 1.0, f"project seeks {funder.type.value.replace('_', ' ')} funding"
    return 0.0, f"project does not seek {funder.type.value.replace('_', ' ')} funding"


def match(project: Project, funder: Funder, weights: Weights | None = None) -> Match:
    """Score one project-funder pair, with a reason for each component.

    The score is 0-100. A geographically ineligible pair scores 0 and is marked
    ``eligible=False``; its other components are still computed and explained.
    """
    weights = weights or Weights()
    geo_fit, geo_reason, eligible = _geography(project, funder)
    sector_fit, sector_reason = _sector(project, funder)
    sdg_fit, sdg_reason = _sdg(project, funder)
    ticket_fit, ticket_reason = _ticket(project, funder)
    type_fit, type_reason = _funder_type(project, funder)
    components = (
        Component("geography", geo_fit, weights.geography, geo_reason),
        Component("sector", sector_fit, weights.sector, sector_reason),
        Component("sdg", sdg_fit, weights.sdg, sdg_reason),
        Component("ticket", ticket_fit, weights.ticket, ticket_reason),
        Component("funder_type", type_fit, weights.funder_type, type_reason),
    )
    score = 100.0 * sum(c.fit * c.weight for c in components) if eligible else 0.0
    return Match(project.id, funder.id, round(score, 6), eligible, components)


def _order(item: Match) -> tuple[bool, float, str, str]:
    return (not item.eligible, -item.score, item.funder_id, item.project_id)


def rank_funders(
    project: Project, funders: Iterable[Funder], weights: Weights | None = None
) -> list[Match]:
    """Funders for one project, best fit first; ineligible funders last, with reasons."""
    return sorted((match(project, funder, weights) for funder in funders), key=_order)


def rank_projects(
    funder: Funder, projects: Iterable[Project], weights: Weights | None = None
) -> list[Match]:
    """Projects for one funder, best fit first; ineligible projects last, with reasons."""
    return sorted((match(project, funder, weights) for project in projects), key=_order)
