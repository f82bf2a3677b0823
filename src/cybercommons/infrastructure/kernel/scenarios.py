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

Geomagnetic storm
-----------------
Repeaters sit along a cable every ``repeater_spacing_km`` (a parameter; Jyothi, "Solar
Superstorms: Planning for an Internet Apocalypse", ACM SIGCOMM 2021, gives 50-150 km). Each
repeater inside a latitude band fails independently with that band's probability. A stretch
of ``L`` km inside a band holds ``L / spacing`` repeaters (an expected, possibly fractional,
count), so it survives with probability ``(1 - p) ** (L / spacing)``. Each Monte-Carlo trial
draws which segments (segment level) or cables (cable level) fail and finds, from one
connected-components pass, which countries are cut off.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .geometry import (
    Region,
    bbox_region,
    length_in_latitude_band_km,
    line_touches_region,
    segment_cable,
)
from .graph import CORE, UNIT_MODE, Line, Network, Unit, compile_flow_graph, junction, lp
from .resilience import min_cut

CABLE_LEVEL = "cable"
SEGMENT_LEVEL = "segment"

# --- named regions and events from the record --------------------------------------------

NAMED_REGIONS: dict[str, Region] = {
    "red-sea-corridor": Region(
        "Red Sea corridor",
        (
            (32.2, 30.1),
            (33.2, 28.2),
            (35.0, 27.6),
            (38.0, 23.5),
            (41.0, 18.0),
            (43.6, 12.9),
            (45.5, 12.6),
            (45.5, 11.2),
            (43.0, 11.2),
            (42.0, 14.0),
            (38.5, 18.0),
            (36.3, 21.5),
            (33.6, 26.0),
            (32.0, 29.0),
        ),
        "Gulf of Suez to Bab-el-Mandeb and the western Gulf of Aden",
    ),
    "luzon-strait": bbox_region("Luzon Strait", 119.5, 18.5, 122.5, 22.0),
    "baltic-sea": Region(
        "Baltic Sea",
        (
            (12.6, 54.4),
            (14.5, 53.9),
            (19.5, 54.4),
            (21.2, 55.4),
            (21.0, 57.0),
            (23.5, 57.3),
            (24.3, 59.2),
            (30.3, 59.9),
            (29.0, 60.4),
            (22.8, 60.2),
            (21.3, 61.5),
            (21.3, 63.5),
            (25.4, 65.2),
            (22.5, 65.9),
            (17.5, 62.5),
            (18.6, 60.4),
            (19.0, 59.2),
            (16.8, 57.0),
            (15.9, 56.1),
            (12.9, 55.4),
        ),
        "Baltic proper, Gulfs of Finland, Riga and Bothnia; the Danish straits excluded",
    ),
    "west-africa-coast": Region(
        "West Africa coast",
        (
            (-18.5, 16.0),
            (-16.2, 15.5),
            (-14.5, 10.5),
            (-12.8, 8.0),
            (-10.5, 6.0),
            (-7.5, 4.3),
            (-2.0, 4.9),
            (2.5, 6.3),
            (6.0, 4.1),
            (9.6, 3.6),
            (9.4, 0.0),
            (12.0, -5.5),
            (13.5, -9.0),
            (11.5, -9.5),
            (7.5, -2.0),
            (4.0, 2.0),
            (-3.0, 2.5),
            (-8.0, 2.5),
            (-14.0, 5.5),
            (-18.0, 9.5),
            (-20.0, 14.0),
        ),
        "The shelf and slope from Senegal to Angola, where the coastal trunk cables run",
    ),
}


@dataclass(frozen=True, slots=True)
class ReadyScenario:
    """A real event from the public record: which cables were reported cut."""

    key: str
    title: str
    date: str
    cable_names: tuple[str, ...]
    site: Region
    record: str


READY_SCENARIOS: dict[str, ReadyScenario] = {
    "tonga-2022": ReadyScenario(
        "tonga-2022",
        "Hunga Tonga-Hunga Ha'apai eruption",
        "2022-01-15",
        ("Tonga Cable", "Tonga Domestic Cable Extension (TDCE)"),
        bbox_region("Tongatapu and Hunga", -176.0, -22.0, -174.5, -20.0),
        "The eruption's pyroclastic flows broke the Tonga-Fiji cable and the domestic "
        "extension to the outer islands; Tonga was offline for five weeks.",
    ),
    "red-sea-2024": ReadyScenario(
        "red-sea-2024",
        "Red Sea cuts (anchor drag of the sinking Rubymar)",
        "2024-02-24",
        ("Asia Africa Europe-1 (AAE-1)", "SEACOM/Tata TGN-Eurasia", "Europe India Gateway (EIG)"),
        bbox_region("Southern Red Sea near the Rubymar wreck", 42.0, 12.6, 43.8, 14.6),
        "Operators reported AAE-1, Seacom and EIG cut in the southern Red Sea; Seacom's "
        "Red Sea stretch is mapped as 'SEACOM/Tata TGN-Eurasia'.",
    ),
    "west-africa-2024": ReadyScenario(
        "west-africa-2024",
        "Trou sans Fond canyon slide off Côte d'Ivoire",
        "2024-03-14",
        (
            "West Africa Cable System (WACS)",
            "MainOne",
            "SAT-3/WASC",
            "Africa Coast to Europe (ACE)",
        ),
        bbox_region("Trou sans Fond canyon off Abidjan", -4.6, 3.8, -3.4, 5.3),
        "An undersea slide cut WACS, MainOne, SAT-3 and ACE; Côte d'Ivoire, Liberia, "
        "Benin, Ghana and Burkina Faso lost most international capacity.",
    ),
    "baltic-2024": ReadyScenario(
        "baltic-2024",
        "Baltic Sea cable damage",
        "2024-11-17",
        ("BCS East-West Interlink", "C-Lion1"),
        bbox_region("Swedish EEZ east of Gotland and Oland", 17.5, 55.5, 21.0, 57.8),
        "The Lithuania-Sweden and Finland-Germany cables were damaged within a day; the "
        "power and data cables damaged on 25 December 2024 are not part of this scenario.",
    ),
}


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def match_cable_names(
    names: Iterable[str], cables: Mapping[str, object]
) -> tuple[list[str], list[str]]:
    """Find cables by id or by name (ignoring case and punctuation).

    Returns ``(found cable ids, names absent from the data)``.
    """
    by_name = {_fold(str(getattr(c, "name", ""))): cid for cid, c in cables.items()}
    found, absent = [], []
    for name in names:
        if name in cables:
            found.append(name)
        elif _fold(name) in by_name:
            found.append(by_name[_fold(name)])
        else:
            absent.append(name)
    return found, absent


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


class CableReach:
    """Which countries each cable's surviving parts still join together.

    A cable serves a country when some group of landing points still joined by its intact
    parts holds one of the country's landing points and at least one other landing point.
    International links are (cable, foreign country) pairs within such groups; they add up
    cable by cable, so a scenario only needs to recompute the cables it touches.
    """

    def __init__(self, network: Network) -> None:
        self.network = network
        self.units_by_cable: dict[str, list[Unit]] = {}
        for unit in network.units.values():
            self.units_by_cable.setdefault(unit.parent or unit.id, []).append(unit)
        self.cable_of = {u.id: cable for cable, units in self.units_by_cable.items() for u in units}
        self._intact = {c: self._links(c, frozenset()) for c in self.units_by_cable}

    def groups(self, cable_id: str, removed: frozenset[str]) -> list[set[str]]:
        """Country groups the cable still joins once ``removed`` units are gone."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        places: set[str] = set()
        for unit in self.units_by_cable[cable_id]:
            ends = [e for e in unit.endpoints if e.startswith(("lp:", "junction:", "country:"))]
            places.update(e for e in ends if not e.startswith("junction:"))
            if unit.id in removed or not ends:
                continue
            for e in ends[1:]:
                parent[find(ends[0])] = find(e)
        grouped: dict[str, set[str]] = {}
        for end in places:
            grouped.setdefault(find(end), set()).add(end)
        return [{self._country(e) for e in g} for g in grouped.values() if len(g) >= 2]

    def _country(self, end: str) -> str:
        return self.network.landing_country[end[3:]] if end.startswith("lp:") else end[8:]

    def _links(self, cable_id: str, removed: frozenset[str]) -> dict[str, int]:
        foreign: dict[str, set[str]] = {}
        for group in self.groups(cable_id, removed):
            for c in group:
                foreign.setdefault(c, set()).update(group - {c})
        return {c: len(f) for c, f in foreign.items()}

    def counts(self, removed: Iterable[str] = ()) -> dict[str, tuple[int, int]]:
        """Per country: (cables serving it, international links)."""
        dead = frozenset(removed)
        touched = {self.cable_of[u] for u in dead if u in self.cable_of}
        cables: dict[str, int] = {}
        links: dict[str, int] = {}
        for cable_id, intact in self._intact.items():
            per = self._links(cable_id, dead) if cable_id in touched else intact
            for c, n in per.items():
                cables[c] = cables.get(c, 0) + 1
                links[c] = links.get(c, 0) + n
        return {c: (cables.get(c, 0), links.get(c, 0)) for c in self.network.countries()}

    def links_lost(self, removed: Iterable[str]) -> dict[str, int]:
        """International links each country loses when ``removed`` units are gone."""
        dead = frozenset(removed)
        out: dict[str, int] = {}
        for cable_id in {self.cable_of[u] for u in dead if u in self.cable_of}:
            mine = frozenset(u.id for u in self.units_by_cable[cable_id]) & dead
            after = self._links(cable_id, mine)
            for c, n in self._intact[cable_id].items():
                if n - after.get(c, 0):
                    out[c] = out.get(c, 0) + n - after.get(c, 0)
        return out


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
    after_counts = reach.counts(removed_u)
    cap_before = fg.capacities(UNIT_MODE)
    cap_after = fg.capacities(UNIT_MODE, removed_u, removed_s)
    pop = population or {}
    impacts: dict[str, CountryImpact] = {}
    for code in countries:
        before = min_cut(fg, code, capacities=cap_before, with_critical=False).value
        after = min_cut(fg, code, capacities=cap_after, with_critical=False).value
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


# --- geomagnetic storm Monte-Carlo ----------------------------------------------------------

SPACING_RANGE_KM = (10.0, 500.0)
TRIALS_RANGE = (1, 1_000_000)


@dataclass(frozen=True, slots=True)
class LatitudeBand:
    """Repeaters at |latitude| in [min_abs_lat, max_abs_lat) fail with ``p_repeater``."""

    min_abs_lat: float
    max_abs_lat: float
    p_repeater: float


@dataclass(frozen=True, slots=True)
class StormParameters:
    """Everything a storm run depends on, each with its allowed range checked."""

    bands: tuple[LatitudeBand, ...]
    repeater_spacing_km: float = 70.0
    spacing_source: str = (
        "Jyothi, 'Solar Superstorms: Planning for an Internet Apocalypse', ACM SIGCOMM 2021 "
        "(repeaters every 50-150 km)"
    )
    trials: int = 10_000
    seed: int = 0
    level: str = SEGMENT_LEVEL

    def validate(self) -> None:
        """Refuse absurd parameters, naming the allowed range."""
        lo, hi = SPACING_RANGE_KM
        if not (lo <= self.repeater_spacing_km <= hi):
            raise ValueError(
                f"repeater_spacing_km must lie in [{lo}, {hi}] km, got {self.repeater_spacing_km}"
            )
        tlo, thi = TRIALS_RANGE
        if not (isinstance(self.trials, int) and tlo <= self.trials <= thi):
            raise ValueError(f"trials must be an integer in [{tlo}, {thi}], got {self.trials}")
        if not self.bands:
            raise ValueError("at least one latitude band is needed")
        for band in self.bands:
            if not (0.0 <= band.min_abs_lat < band.max_abs_lat <= 90.0):
                raise ValueError(
                    "band latitudes must satisfy 0 <= min_abs_lat < max_abs_lat <= 90 degrees, "
                    f"got [{band.min_abs_lat}, {band.max_abs_lat})"
                )
            if not (0.0 <= band.p_repeater <= 1.0):
                raise ValueError(
                    f"p_repeater must lie in [0, 1], got {band.p_repeater} for band "
                    f"[{band.min_abs_lat}, {band.max_abs_lat})"
                )
        ordered = sorted(self.bands, key=lambda b: b.min_abs_lat)
        for a, b in itertools.pairwise(ordered):
            if b.min_abs_lat < a.max_abs_lat:
                raise ValueError("latitude bands must not overlap")
        _check_level(self.level)


def illustrative_storm(trials: int = 10_000, seed: int = 0) -> StormParameters:
    """An example severe storm: p=0.01 per repeater above 60 degrees, 0.001 from 40 to 60.

    The probabilities are illustrative parameters in the spirit of Jyothi (2021), which
    explores per-repeater failure probabilities by latitude band; they are not predictions.
    """
    return StormParameters(
        bands=(LatitudeBand(40.0, 60.0, 0.001), LatitudeBand(60.0, 90.0, 0.01)),
        trials=trials,
        seed=seed,
    )


@dataclass(slots=True)
class StormResult:
    """Monte-Carlo outcome: per-country probabilities and the spread over trials."""

    parameters: StormParameters
    unit_failure_probability: dict[str, float]
    p_cut_off: dict[str, float]
    mean_links_lost: dict[str, float]
    countries_cut_off_per_trial: np.ndarray
    population_cut_off_per_trial: np.ndarray | None = None

    def expected_population_cut_off(self) -> float | None:
        """Mean over trials of the population in newly cut-off countries."""
        p = self.population_cut_off_per_trial
        return None if p is None else float(p.mean())


def failure_probabilities(network: Network, params: StormParameters) -> dict[str, float]:
    """Probability that each cuttable unit fails in the storm.

    Units without drawn geometry get 0 (not assessed rather than guessed).
    """
    probs: dict[str, float] = {}
    for unit in network.units.values():
        if not unit.cuttable:
            continue
        lines = [ln for ln in network.lines.get(unit.id, ()) if len(ln) >= 2]
        log_survive = 0.0
        certain = False
        for band in params.bands:
            km = sum(
                length_in_latitude_band_km(ln, band.min_abs_lat, band.max_abs_lat) for ln in lines
            )
            repeaters = km / params.repeater_spacing_km
            if repeaters <= 0 or band.p_repeater <= 0:
                continue
            if band.p_repeater >= 1.0:
                certain = True
            else:
                log_survive += repeaters * float(np.log1p(-band.p_repeater))
        probs[unit.id] = 1.0 if certain else float(-np.expm1(log_survive))
    return probs


@dataclass(slots=True)
class _StormModel:
    """The network contracted for fast Monte-Carlo connectivity checks.

    Everything the storm cannot break is merged into super-nodes once; what remains are the
    exposed units, each an incidence edge list between super-nodes. A batch of trials then
    becomes one block-diagonal graph, solved by a single connected-components call.
    """

    size: int  # super-nodes
    a: np.ndarray  # variable edges between super-nodes
    b: np.ndarray
    tag1: np.ndarray  # exposed-unit column whose loss removes the edge, or -1
    tag2: np.ndarray
    country_super: np.ndarray
    hub_mask: np.ndarray
    core_super: int


def _storm_model(network: Network, exposed_ids: list[str]) -> _StormModel:
    index: dict[str, int] = {CORE: 0}

    def node(name: str) -> int:
        return index.setdefault(name, len(index))

    countries = network.countries()
    for code in countries:
        node(f"country:{code}")
    column = {u: i for i, u in enumerate(exposed_ids)}
    a, b, t1, t2 = [], [], [], []
    for lp_id, code in network.landing_country.items():
        a.append(node(f"lp:{lp_id}"))
        b.append(node(f"country:{code}"))
        t1.append(-1)
        t2.append(-1)
    for unit in network.units.values():
        me = node(f"unit:{unit.id}")
        for end in unit.endpoints:
            a.append(me)
            b.append(node(end))
            t1.append(column.get(unit.id, -1))
            t2.append(column.get(end[5:], -1) if end.startswith("unit:") else -1)
    a_arr, b_arr = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    t1_arr, t2_arr = np.asarray(t1, dtype=np.int64), np.asarray(t2, dtype=np.int64)
    fixed = (t1_arr < 0) & (t2_arr < 0)
    n = len(index)
    permanent = coo_matrix(
        (np.ones(int(fixed.sum()), dtype=np.int8), (a_arr[fixed], b_arr[fixed])), shape=(n, n)
    )
    size, label = connected_components(permanent, directed=False)
    va, vb = label[a_arr[~fixed]], label[b_arr[~fixed]]
    keep = va != vb
    return _StormModel(
        size=int(size),
        a=va[keep],
        b=vb[keep],
        tag1=t1_arr[~fixed][keep],
        tag2=t2_arr[~fixed][keep],
        country_super=label[[index[f"country:{c}"] for c in countries]],
        hub_mask=np.asarray([c in network.hubs for c in countries], dtype=bool),
        core_super=int(label[0]),
    )


def _connected_batch(model: _StormModel, dead: np.ndarray) -> np.ndarray:
    """(trials x countries) still joined to the core, for a (trials x exposed) dead mask."""
    trials = dead.shape[0]
    alive = np.ones((trials, len(model.a)), dtype=bool)
    if dead.shape[1]:
        alive &= ~np.where(model.tag1 >= 0, dead[:, np.maximum(model.tag1, 0)], False)
        alive &= ~np.where(model.tag2 >= 0, dead[:, np.maximum(model.tag2, 0)], False)
    t_idx, e_idx = np.nonzero(alive)
    offset = t_idx * model.size
    total = trials * model.size
    graph = coo_matrix(
        (np.ones(len(e_idx), dtype=np.int8), (offset + model.a[e_idx], offset + model.b[e_idx])),
        shape=(total, total),
    )
    _, label = connected_components(graph, directed=False)
    label = label.reshape(trials, model.size)
    country_label = label[:, model.country_super]
    hub_labels = country_label[:, model.hub_mask]
    hubs_per_label = np.bincount(hub_labels.ravel(), minlength=int(label.max()) + 1)
    others = hubs_per_label[country_label] - model.hub_mask.astype(np.int64)
    return (others > 0) | (country_label == label[:, [model.core_super]])


def run_storm(
    network: Network,
    params: StormParameters,
    population: Mapping[str, float] | None = None,
    batch: int = 500,
) -> StormResult:
    """Monte-Carlo geomagnetic storm (see the module docstring); parameters are validated.

    At segment level pass a network from ``segment_network``; at cable level a cable network.
    ``batch`` trials are solved together (memory grows with it, speed too).
    """
    params.validate()
    probs = failure_probabilities(network, params)
    exposed_ids = [u for u, p in probs.items() if p > 0]
    p = np.array([probs[u] for u in exposed_ids])
    model = _storm_model(network, exposed_ids)
    countries = network.countries()
    rng = np.random.default_rng(params.seed)
    baseline = _connected_batch(model, np.zeros((1, len(exposed_ids)), dtype=bool))[0]
    reach = CableReach(network)
    position = {c: i for i, c in enumerate(countries)}
    cut_counts = np.zeros(len(countries))
    links_lost = np.zeros(len(countries))
    per_trial = np.zeros(params.trials, dtype=np.int64)
    pop_vec = np.array([float(population.get(c, 0.0)) for c in countries]) if population else None
    pop_trial = np.zeros(params.trials) if pop_vec is not None else None
    links_cache: dict[frozenset[str], np.ndarray] = {}
    done = 0
    while done < params.trials:
        size = min(batch, params.trials - done)
        dead = rng.random((size, len(exposed_ids))) < p
        lost = baseline & ~_connected_batch(model, dead)
        cut_counts += lost.sum(axis=0)
        per_trial[done : done + size] = lost.sum(axis=1)
        if pop_trial is not None and pop_vec is not None:
            pop_trial[done : done + size] = lost @ pop_vec
        for row in dead[dead.any(axis=1)]:
            key = frozenset(exposed_ids[i] for i in np.nonzero(row)[0])
            if key not in links_cache:
                vec = np.zeros(len(countries))
                for code, count in reach.links_lost(key).items():
                    vec[position[code]] = count
                links_cache[key] = vec
            links_lost += links_cache[key]
        done += size
    trials = params.trials
    return StormResult(
        parameters=params,
        unit_failure_probability=probs,
        p_cut_off={c: float(cut_counts[i] / trials) for i, c in enumerate(countries)},
        mean_links_lost={c: float(links_lost[i] / trials) for i, c in enumerate(countries)},
        countries_cut_off_per_trial=per_trial,
        population_cut_off_per_trial=pop_trial,
    )
