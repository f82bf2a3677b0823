"""Rank funders for a digital-development project, and projects for a funder, by fit.

A match score (0-100) is the weighted sum of five components, each 0-1 with a reason
(a :class:`~cybercommons.economy.kernel.messages.Message` the pages render in the
reader's language): where (country/region eligibility), what (sector), why (SDG
targets), how much (the ask against the funder's ticket sizes) and who (the funder
types the project accepts). Geography is also a gate: a funder that cannot fund in the
project's country is listed as ineligible with the reason, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from cybercommons.economy.kernel.messages import Message


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
    """One part of a match: its fit (0-1), its weight and the reason, as a message."""

    name: str
    fit: float
    weight: float
    reason: Message


@dataclass(frozen=True)
class Match:
    """A project-funder pair: score 0-100, whether eligible, and every component."""

    project_id: str
    funder_id: str
    score: float
    eligible: bool
    components: tuple[Component, ...] = field(default_factory=tuple)

    @property
    def reasons(self) -> list[Message]:
        """The components' reasons, in component order."""
        return [c.reason for c in self.components]


# Every code a component's reason can carry, for the catalogue that renders them.
REASON_CODES = frozenset({
    "match.funder_excludes_country", "match.funder_funds_country",
    "match.funder_funds_regions", "match.funder_funds_anywhere",
    "match.funder_not_in_country", "match.funder_no_sector_focus", "match.project_no_sector",
    "match.no_sector_in_common", "match.shared_sectors", "match.project_no_sdg",
    "match.funder_no_sdg", "match.no_sdg_goal_in_common", "match.sdg_overlap",
    "match.funder_no_ticket", "match.project_no_amount", "match.ask_below_minimum",
    "match.ask_above_maximum", "match.ask_within_range", "match.project_accepts_any_type",
    "match.project_seeks_type", "match.project_does_not_seek_type",
})


def _say(code: str, **params: object) -> Message:
    return Message(f"match.{code}", dict(params))


def _geography(project: Project, funder: Funder) -> tuple[float, Message, bool]:
    country = project.country
    if country in funder.excluded:
        return 0.0, _say("funder_excludes_country", country=country), False
    if country in funder.countries:
        return 1.0, _say("funder_funds_country", country=country), True
    shared = sorted(project.regions & funder.regions)
    if shared:
        return 0.8, _say("funder_funds_regions", regions=shared), True
    if not funder.countries and not funder.regions:
        return 0.6, _say("funder_funds_anywhere"), True
    return 0.0, _say("funder_not_in_country", country=country), False


def _sector(project: Project, funder: Funder) -> tuple[float, Message]:
    if not funder.sectors:
        return 0.5, _say("funder_no_sector_focus")
    if not project.sectors:
        return 0.0, _say("project_no_sector")
    shared = sorted(project.sectors & funder.sectors)
    if not shared:
        return 0.0, _say("no_sector_in_common")
    return len(shared) / len(project.sectors), _say("shared_sectors", sectors=shared)


def _goal(target: str) -> str:
    return target.split(".", 1)[0]


def _sdg(project: Project, funder: Funder) -> tuple[float, Message]:
    if not project.sdg_targets:
        return 0.0, _say("project_no_sdg")
    if not funder.sdg_targets:
        return 0.5, _say("funder_no_sdg")
    funder_goals = {_goal(t) for t in funder.sdg_targets}
    exact = sorted(project.sdg_targets & funder.sdg_targets)
    same_goal = sorted(
        t for t in project.sdg_targets - funder.sdg_targets if _goal(t) in funder_goals
    )
    fit = (len(exact) + 0.5 * len(same_goal)) / len(project.sdg_targets)
    if not exact and not same_goal:
        return 0.0, _say("no_sdg_goal_in_common")
    return fit, _say("sdg_overlap", same_targets=exact, same_goal=same_goal)


def _ticket(project: Project, funder: Funder) -> tuple[float, Message]:
    ask = project.ask_usd
    low, high = funder.ticket_min_usd, funder.ticket_max_usd
    if low is None and high is None:
        return 0.5, _say("funder_no_ticket")
    if ask <= 0:
        return 0.0, _say("project_no_amount")
    if low is not None and ask < low:
        return ask / low, _say("ask_below_minimum", ask_usd=ask, minimum_usd=low)
    if high is not None and ask > high:
        # The funder could cover high / ask of the ask: co-funding is needed for the rest.
        return high / ask, _say("ask_above_maximum", ask_usd=ask, maximum_usd=high,
                                share_covered=high / ask)
    return 1.0, _say("ask_within_range", ask_usd=ask, minimum_usd=low, maximum_usd=high)


def _funder_type(project: Project, funder: Funder) -> tuple[float, Message]:
    if not project.accepts:
        return 1.0, _say("project_accepts_any_type")
    if funder.type in project.accepts:
        return 1.0, _say("project_seeks_type", funder_type=funder.type.value)
    return 0.0, _say("project_does_not_seek_type", funder_type=funder.type.value)


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
