"""How exposed each country's international connectivity is, from the network's shape.

For every country this module reports the number of cables, landing stations and
international links, and two minimum cuts towards the global core (see ``graph``):

* ``min_cable_cut``: the fewest units (cables, in a cable-level network) whose loss leaves no
  path from the country to the core; computed as a maximum flow where every unit is one arc
  of capacity 1 (hypergraph Menger: a cable joining many landing points still counts once).
* ``min_station_cut``: the same with landing stations as the cuttable things.

A **single point of failure** of a country is a unit whose loss alone cuts it off, that is
every unit lying in some minimum cut when the minimum cut is 1. All units lying in *some*
minimum cut are found from one maximum flow: a saturated unit arc ``a -> b`` lies in some
minimum cut exactly when ``a`` and ``b`` fall in different strongly connected components of
the residual graph. Removing such a unit lowers the country's min-cut by exactly one;
removing any other leaves it unchanged. The single-failure sweep (every unit cut in turn,
every country recomputed) therefore needs one flow per country, not one per pair.

Resilience score (0-100)
------------------------
``score = 100 * (w_c * s(k_c) + w_s * s(k_s) + w_d * s(d / 3))`` with ``s(x) = 1 - 2**-x``,
where ``k_c`` is the min cable cut, ``k_s`` the min station cut and ``d`` the number of
distinct foreign countries reached directly. ``s`` rewards the first independent path most
(0 -> 0.5) and each further one half as much, so a country with one cable scores well below
one with two, while the tenth cable adds little. Default weights ``w_c=0.6, w_s=0.3,
w_d=0.1``: cable cuts are the commonest failure, station loss the next, and direct
neighbours a weaker proxy of route diversity. An unbounded cut (a country joined to the core
by something that cannot be cut in that mode) counts as ``s = 1``. The inputs and weights are
returned with every score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from igraph import GraphBase
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .graph import STATION_MODE, UNIT_MODE, UNLIMITED, FlowGraph, Network, compile_flow_graph

DEFAULT_WEIGHTS: dict[str, float] = {"cable_cut": 0.6, "station_cut": 0.3, "neighbours": 0.1}


@dataclass(frozen=True, slots=True)
class MinCut:
    """One country's minimum cut towards the core.

    ``value`` is ``None`` when no finite cut exists in this mode. ``cut`` is one minimum set
    of unit (or station) ids; ``critical`` are all ids lying in some minimum cut.
    """

    country: str
    mode: str
    value: int | None
    cut: tuple[str, ...]
    critical: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResilienceScore:
    """A 0-100 score with the inputs and weights it was computed from."""

    value: float
    inputs: dict[str, float | int | None]
    weights: dict[str, float]
    method: str = "100*(w_c*s(k_c)+w_s*s(k_s)+w_d*s(d/3)), s(x)=1-2**-x"


@dataclass(frozen=True, slots=True)
class CountryResilience:
    """Everything the analysis says about one country."""

    country: str
    is_hub: bool
    cables: int
    landing_stations: int
    international_links: int
    neighbours: int
    min_cable_cut: int | None
    min_station_cut: int | None
    cable_cut: tuple[str, ...]
    station_cut: tuple[str, ...]
    single_points_of_failure: tuple[str, ...]
    station_single_points_of_failure: tuple[str, ...]
    score: ResilienceScore


@dataclass(slots=True)
class SweepResult:
    """Single-failure sweep: each unit cut alone, every country's min-cut after.

    ``base[c]`` is the min-cut before; ``drops[u]`` the countries whose min-cut falls by one
    when ``u`` is cut; ``cut_off[u]`` those left with no path to the core.
    """

    mode: str
    base: dict[str, int | None]
    drops: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cut_off: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def after(self, unit_id: str, country_code: str) -> int | None:
        """A country's min-cut once ``unit_id`` is lost."""
        before = self.base[country_code]
        if before is None:
            return None
        return before - 1 if country_code in self.drops.get(unit_id, ()) else before


def min_cut(
    fg: FlowGraph,
    country_code: str,
    mode: str = UNIT_MODE,
    *,
    removed_units: Iterable[str] = (),
    removed_stations: Iterable[str] = (),
    with_critical: bool = True,
    capacities: np.ndarray | None = None,
) -> MinCut:
    """Minimum number of units (or stations) whose loss cuts ``country_code`` off the core."""
    source = fg.country_node(country_code)
    cap = (
        capacities.copy()
        if capacities is not None
        else fg.capacities(mode, removed_units, removed_stations)
    )
    if country_code in fg.hub_arc:
        cap[fg.hub_arc[country_code]] = 0.0
    # The raw binding skips building igraph's Flow object, which costs more than the flow.
    flow_value, flows, cut_arcs, _ = GraphBase.maxflow(fg.graph, source, fg.sink, cap.tolist())
    if flow_value >= UNLIMITED / 2:
        return MinCut(country_code, mode, None, ())
    value = round(flow_value)
    owner, ids = (
        (fg.unit_arc, fg.unit_ids) if mode == UNIT_MODE else (fg.station_arc, fg.station_ids)
    )
    cut = tuple(sorted(ids[owner[e]] for e in cut_arcs if owner[e] >= 0))
    critical: tuple[str, ...] = ()
    if with_critical and value > 0:
        critical = _critical(fg, cap, np.asarray(flows), owner, ids)
    return MinCut(country_code, mode, value, cut, critical)


def min_cut_value(
    fg: FlowGraph, country_code: str, capacities: np.ndarray | list[float]
) -> int | None:
    """Only the size of the minimum cut (``None`` when unbounded); the cheapest query.

    ``capacities`` may be a plain list (``ndarray.tolist()``) to reuse across countries;
    it is not modified.
    """
    source = fg.country_node(country_code)
    cap = capacities.tolist() if isinstance(capacities, np.ndarray) else capacities
    hub_arc = fg.hub_arc.get(country_code)
    if hub_arc is not None:
        cap = list(cap)
        cap[hub_arc] = 0.0
    value = fg.graph.maxflow_value(source, fg.sink, cap)
    return None if value >= UNLIMITED / 2 else round(value)


def _critical(
    fg: FlowGraph, cap: np.ndarray, flows: np.ndarray, owner: np.ndarray, ids: list[str]
) -> tuple[str, ...]:
    """Ids whose arc lies in some minimum cut (saturated, ends in different residual SCCs)."""
    forward = flows < cap - 1e-9
    backward = flows > 1e-9
    rows = np.concatenate((fg.src[forward], fg.dst[backward]))
    cols = np.concatenate((fg.dst[forward], fg.src[backward]))
    n = fg.graph.vcount()
    residual = csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _, label = connected_components(residual, directed=True, connection="strong")
    candidate = (owner >= 0) & (cap == 1.0) & ~forward
    arcs = np.nonzero(candidate & (label[fg.src] != label[fg.dst]))[0]
    return tuple(sorted(ids[owner[a]] for a in arcs))


def single_failure_sweep(
    fg: FlowGraph, mode: str = UNIT_MODE, countries: Iterable[str] | None = None
) -> SweepResult:
    """Cut every unit (or station) in turn and give every country's min-cut after each cut.

    One maximum flow per country (see the module docstring for why that is exact).
    """
    codes = list(countries) if countries is not None else fg.network.countries()
    base_cap = fg.capacities(mode)
    result = SweepResult(mode=mode, base={})
    drops: dict[str, list[str]] = {}
    cut_off: dict[str, list[str]] = {}
    for code in codes:
        found = min_cut(fg, code, mode, capacities=base_cap)
        result.base[code] = found.value
        for item in found.critical:
            drops.setdefault(item, []).append(code)
            if found.value == 1:
                cut_off.setdefault(item, []).append(code)
    result.drops = {k: tuple(v) for k, v in drops.items()}
    result.cut_off = {k: tuple(v) for k, v in cut_off.items()}
    return result


def score(
    cable_cut: int | None,
    station_cut: int | None,
    neighbours: int,
    weights: Mapping[str, float] | None = None,
) -> ResilienceScore:
    """The 0-100 resilience score described in the module docstring."""
    w = dict(DEFAULT_WEIGHTS if weights is None else weights)
    if set(w) != set(DEFAULT_WEIGHTS) or any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise ValueError(
            f"weights must be non-negative values for {sorted(DEFAULT_WEIGHTS)}, got {w}"
        )
    total = sum(w.values())

    def s(x: float | None) -> float:
        return 1.0 if x is None else 1.0 - 2.0 ** (-max(x, 0.0))

    value = (
        w["cable_cut"] * s(cable_cut)
        + w["station_cut"] * s(station_cut)
        + w["neighbours"] * s(neighbours / 3)
    ) / total
    inputs: dict[str, float | int | None] = {
        "cable_cut": cable_cut,
        "station_cut": station_cut,
        "neighbours": neighbours,
    }
    return ResilienceScore(round(100 * value, 2), inputs, w)


def country_counts(network: Network) -> dict[str, dict[str, int]]:
    """Per country: cables, landing stations in use, international links, neighbours.

    Counts are per cable: the segments and landing ties of a segmented cable count as their
    parent cable. An international link is one (cable, foreign country) pair: a cable
    landing in the country and in three others gives three.
    """
    reached: dict[str, set[str]] = {}
    stations: dict[str, set[str]] = {}
    for unit in network.units.values():
        if not unit.cuttable and unit.parent is None:
            continue
        owner = unit.parent or unit.id
        reached.setdefault(owner, set()).update(network.unit_countries(unit))
        for end in unit.endpoints:
            if end.startswith("lp:") and end[3:] in network.landing_country:
                stations.setdefault(network.landing_country[end[3:]], set()).add(end[3:])
    cables: dict[str, int] = {}
    links: dict[str, set[tuple[str, str]]] = {}
    for owner, countries in reached.items():
        for code in countries:
            cables[code] = cables.get(code, 0) + 1
            links.setdefault(code, set()).update((owner, o) for o in countries if o != code)
    out: dict[str, dict[str, int]] = {}
    for code in network.countries():
        pairs = links.get(code, set())
        out[code] = {
            "cables": cables.get(code, 0),
            "landing_stations": len(stations.get(code, ())),
            "international_links": len(pairs),
            "neighbours": len({o for _, o in pairs}),
        }
    return out


def analyse(
    network: Network,
    weights: Mapping[str, float] | None = None,
    fg: FlowGraph | None = None,
) -> dict[str, CountryResilience]:
    """Counts, both minimum cuts, single points of failure and the score for every country."""
    fg = fg or compile_flow_graph(network)
    counts = country_counts(network)
    unit_cap = fg.capacities(UNIT_MODE)
    station_cap = fg.capacities(STATION_MODE)
    out: dict[str, CountryResilience] = {}
    for code in network.countries():
        by_unit = min_cut(fg, code, UNIT_MODE, capacities=unit_cap)
        by_station = min_cut(fg, code, STATION_MODE, capacities=station_cap)
        c = counts[code]
        out[code] = CountryResilience(
            country=code,
            is_hub=code in network.hubs,
            cables=c["cables"],
            landing_stations=c["landing_stations"],
            international_links=c["international_links"],
            neighbours=c["neighbours"],
            min_cable_cut=by_unit.value,
            min_station_cut=by_station.value,
            cable_cut=by_unit.cut,
            station_cut=by_station.cut,
            single_points_of_failure=by_unit.critical if by_unit.value == 1 else (),
            station_single_points_of_failure=(by_station.critical if by_station.value == 1 else ()),
            score=score(by_unit.value, by_station.value, c["neighbours"], weights),
        )
    return out
