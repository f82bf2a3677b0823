"""Failure scenarios: chosen cuts, regional cuts, real events and geomagnetic storms.

Two failure modes
-----------------
* **cable level**: a cable fails as a whole; any damage anywhere takes every landing down.
* **segment level**: a cable is cut into segments between its junctions (inferred from the
  drawn route by ``geometry.segment_cable``); damage takes down only the segments it hits,
  and landing points still joined by intact segments keep talking. Real cuts behave like
  this: after the 2024 Red Sea cuts, the stretches of AAE-1 east of the break kept working.

Per country the result gives the cables and international links before and after, the
minimum cable cut before and after, whether the country lost every path to the core, and
the population concerned (population figures are supplied by the caller, keyed by alpha-2).

Real events (``events.READY_SCENARIOS``) replay through ``run_ready``; regions
(``events.NAMED_REGIONS`` or any drawn ``geometry.Region``) through ``run_region``. The
geomagnetic-storm Monte-Carlo lives in ``storm`` and is re-exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .events import NAMED_REGIONS, READY_SCENARIOS, ReadyScenario, match_cable_names
from .geometry import Region, line_touches_region, segment_cable
from .graph import UNIT_MODE, Line, Network, Unit, compile_flow_graph, junction, lp
from .reach import CableReach
from .resilience import min_cut_value
from .storm import (
    CABLE_LEVEL,
    SEGMENT_LEVEL,
    LatitudeBand,
    StormParameters,
    StormResult,
    failure_probabilities,
    illustrative_storm,
    run_storm,
)

__all__ = [
    "CABLE_LEVEL",
    "NAMED_REGIONS",
    "READY_SCENARIOS",
    "SEGMENT_LEVEL",
    "CableReach",
    "CountryImpact",
    "LatitudeBand",
    "ReadyScenario",
    "ScenarioResult",
    "StormParameters",
    "StormResult",
    "compare",
    "failure_probabilities",
    "illustrative_storm",
    "match_cable_names",
    "run_cut",
    "run_ready",
    "run_region",
    "run_storm",
    "segment_network",
    "units_in_region",
    "units_of_cables",
]

# --- segment-level networks ---------------------------------------------------------------


def segment_network(
    network: Network,
    positions: Mapping[str, tuple[float, float]],
    snap_km: float = 5.0,
) -> Network:
    """Replace each cable unit by its segments (cuttable) and landing ties (never cut).

    Routes come from ``network.lines``; ``positions`` maps landing point id to (lon, lat).
    Units that are not cables, cables without a route and cables with a landing point of
    unknown position are kept whole.
    """
    units: dict[str, Unit] = {}
    lines: dict[str, tuple[Line, ...]] = {}
    for unit in network.units.values():
        route = network.lines.get(unit.id)
        lps = {e[3:]: positions[e[3:]] for e in unit.endpoints if e[3:] in positions}
        if unit.kind != "cable" or not route or len(lps) != len(unit.endpoints):
            units[unit.id] = unit
            if route:
                lines[unit.id] = route
            continue
        cut = segment_cable(unit.id, route, lps, snap_km)
        for seg in cut.segments:
            units[seg.id] = Unit(
                seg.id, "segment", (junction(seg.a), junction(seg.b)), unit.name, unit.id
            )
            lines[seg.id] = (seg.line,)
        for lp_id, junction_name in cut.attachments.items():
            tie = f"{unit.id}#tie:{lp_id}"
            units[tie] = Unit(
                tie, "tie", (lp(lp_id), junction(junction_name)), unit.name, unit.id, False
            )
    return Network(
        dict(network.landing_country),
        units,
        network.hubs,
        network.unresolved_landing_points,
        lines,
    )


def units_of_cables(network: Network, cable_ids: Iterable[str]) -> list[str]:
    """The cuttable units making up the given cables (the cable itself or its segments)."""
    wanted = set(cable_ids)
    return [
        u.id
        for u in network.units.values()
        if u.cuttable and (u.id in wanted or u.parent in wanted)
    ]


def units_in_region(network: Network, region: Region) -> list[str]:
    """Cuttable units whose drawn geometry lies in or crosses the region.

    On a cable network whole cables are hit; on a segment network only the segments inside.
    """
    return [
        unit_id
        for unit_id, lines in network.lines.items()
        if network.units[unit_id].cuttable
        and any(len(line) >= 2 and line_touches_region(line, region) for line in lines)
    ]


# --- deterministic cuts --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountryImpact:
    """One country before and after a scenario."""

    country: str
    cables_before: int
    cables_after: int
    links_before: int
    links_after: int
    min_cut_before: int | None
    min_cut_after: int | None
    cut_off: bool
    was_cut_off: bool
    population: float | None

    @property
    def links_lost(self) -> int:
        """International links lost (a cable to one foreign country is one link)."""
        return self.links_before - self.links_after

    @property
    def affected(self) -> bool:
        """Whether anything changed for this country."""
        return (
            self.links_lost > 0
            or self.cables_before != self.cables_after
            or self.min_cut_before != self.min_cut_after
        )


@dataclass(slots=True)
class ScenarioResult:
    """Per-country impacts of a scenario and the totals a page shows first."""

    name: str
    level: str
    removed_units: tuple[str, ...]
    removed_stations: tuple[str, ...]
    impacts: dict[str, CountryImpact]
    notes: list[str] = field(default_factory=list)

    @property
    def newly_cut_off(self) -> list[str]:
        """Countries that had a path to the core before and have none after."""
        return sorted(c for c, i in self.impacts.items() if i.cut_off and not i.was_cut_off)

    @property
    def affected(self) -> list[str]:
        """Countries where something changed."""
        return sorted(c for c, i in self.impacts.items() if i.affected)

    @property
    def population_cut_off(self) -> float:
        """Population of the newly cut-off countries with a known population."""
        return sum(self.impacts[c].population or 0.0 for c in self.newly_cut_off)

    @property
    def population_affected(self) -> float:
        """Population of the affected countries with a known population."""
        return sum(self.impacts[c].population or 0.0 for c in self.affected)


def run_cut(
    network: Network,
    *,
    units: Iterable[str] = (),
    stations: Iterable[str] = (),
    population: Mapping[str, float] | None = None,
    name: str = "custom cut",
    level: str = CABLE_LEVEL,
) -> ScenarioResult:
    """Cut the given units and landing stations; compare every country before and after."""
    _check_level(level)
    removed_u, removed_s = tuple(dict.fromkeys(units)), tuple(dict.fromkeys(stations))
    unknown = [u for u in removed_u if u not in network.units]
    unknown += [s for s in removed_s if s not in network.landing_country]
    if unknown:
        raise ValueError(f"unknown cable/unit or landing-station ids: {unknown[:10]}")
    fg = compile_flow_graph(network)
    countries = network.countries()
    reach = CableReach(network)
    before_counts = reach.counts()
    after_counts = reach.counts(removed_u, removed_s)
    cap_before = fg.capacities(UNIT_MODE).tolist()
    cap_after = fg.capacities(UNIT_MODE, removed_u, removed_s).tolist()
    pop = population or {}
    impacts: dict[str, CountryImpact] = {}
    for code in countries:
        before = min_cut_value(fg, code, cap_before)
        after = min_cut_value(fg, code, cap_after)
        impacts[code] = CountryImpact(
            country=code,
            cables_before=before_counts[code][0],
            cables_after=after_counts[code][0],
            links_before=before_counts[code][1],
            links_after=after_counts[code][1],
            min_cut_before=before,
            min_cut_after=after,
            cut_off=after == 0,
            was_cut_off=before == 0,
            population=pop.get(code),
        )
    return ScenarioResult(name, level, removed_u, removed_s, impacts)


def run_region(
    network: Network,
    region: Region | str,
    *,
    level: str = CABLE_LEVEL,
    population: Mapping[str, float] | None = None,
) -> ScenarioResult:
    """Cut everything crossing a region (a ``Region`` or a key of ``NAMED_REGIONS``).

    ``level`` labels the result; at segment level pass a network from ``segment_network``.
    """
    if isinstance(region, str):
        if region not in NAMED_REGIONS:
            raise ValueError(f"unknown region {region!r}; named regions: {sorted(NAMED_REGIONS)}")
        region = NAMED_REGIONS[region]
    hit = units_in_region(network, region)
    return run_cut(network, units=hit, population=population, name=region.name, level=level)


def run_ready(
    network: Network,
    cables: Mapping[str, object],
    key: str,
    *,
    population: Mapping[str, float] | None = None,
    level: str = CABLE_LEVEL,
) -> ScenarioResult:
    """Replay a real event from ``READY_SCENARIOS`` on this network.

    At cable level the named cables fail whole. At segment level (pass a network from
    ``segment_network``) only their segments crossing the event's site fail. Cables named in
    the record but absent from the data, or present but not in the network (planned, say),
    are listed in the result's notes.
    """
    if key not in READY_SCENARIOS:
        raise ValueError(f"unknown scenario {key!r}; ready scenarios: {sorted(READY_SCENARIOS)}")
    event = READY_SCENARIOS[key]
    found, absent = match_cable_names(event.cable_names, cables)
    hit = units_of_cables(network, found)
    if level == SEGMENT_LEVEL:
        at_site = set(units_in_region(network, event.site))
        local = [u for u in hit if u in at_site]
        # A drawn route that misses the reported site still has to fail somewhere.
        missed = {network.units[u].parent for u in hit} - {network.units[u].parent for u in local}
        hit = local + [u for u in hit if network.units[u].parent in missed]
    result = run_cut(
        network,
        units=hit,
        population=population,
        name=f"{event.title} ({event.date})",
        level=level,
    )
    missing_units = [c for c in found if not units_of_cables(network, [c])]
    if absent:
        result.notes.append(f"named in the record but absent from the data: {absent}")
    if missing_units:
        result.notes.append(f"in the data but not in this network: {missing_units}")
    result.notes.append(event.record)
    return result


def _check_level(level: str) -> None:
    if level not in (CABLE_LEVEL, SEGMENT_LEVEL):
        raise ValueError(f"level must be {CABLE_LEVEL!r} or {SEGMENT_LEVEL!r}, got {level!r}")


def compare(results: Iterable[ScenarioResult]) -> dict[str, list[CountryImpact | None]]:
    """Side-by-side view: per country, its impact in each scenario (``None`` if absent).

    Only countries affected in at least one scenario are listed.
    """
    runs = list(results)
    affected = sorted({c for r in runs for c in r.affected})
    return {c: [r.impacts.get(c) for r in runs] for c in affected}
