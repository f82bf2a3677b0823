"""A plain, readable networkx version of the resilience computations, used as a reference.

It builds the same flow graph as ``graph.compile_flow_graph`` by name rather than by index
and answers the same questions the slow, obvious way: a single-failure sweep here really
removes each unit and recomputes every country. Tests check that the fast igraph kernel
agrees with it; benchmarks time both.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
from networkx.algorithms.flow import dinitz

from .graph import CORE, STATION_MODE, UNIT_MODE, Network


def build_digraph(
    network: Network,
    mode: str = UNIT_MODE,
    removed_units: Iterable[str] = (),
    removed_stations: Iterable[str] = (),
) -> nx.DiGraph:
    """The flow graph as a networkx DiGraph; arcs without a ``capacity`` are unlimited."""
    removed_u, removed_s = set(removed_units), set(removed_stations)
    g = nx.DiGraph()
    g.add_node(CORE)
    for lp_id, code in network.landing_country.items():
        station_cap = 0 if lp_id in removed_s else 1
        if mode == STATION_MODE:
            g.add_edge(("lp-in", lp_id), ("lp-out", lp_id), capacity=station_cap, station=lp_id)
        elif lp_id in removed_s:
            g.add_edge(("lp-in", lp_id), ("lp-out", lp_id), capacity=0)
        else:
            g.add_edge(("lp-in", lp_id), ("lp-out", lp_id))
        g.add_edge(("country", code), ("lp-in", lp_id))
        g.add_edge(("lp-out", lp_id), ("country", code))
    for unit in network.units.values():
        u_in, u_out = ("unit-in", unit.id), ("unit-out", unit.id)
        if unit.id in removed_u:
            g.add_edge(u_in, u_out, capacity=0)
        elif mode == UNIT_MODE and unit.cuttable:
            g.add_edge(u_in, u_out, capacity=1, unit=unit.id)
        else:
            g.add_edge(u_in, u_out)
        for end in unit.endpoints:
            if end == CORE:
                g.add_edge(CORE, u_in)
                g.add_edge(u_out, CORE)
            elif end.startswith("lp:"):
                g.add_edge(("lp-out", end[3:]), u_in)
                g.add_edge(u_out, ("lp-in", end[3:]))
            elif end.startswith("unit:"):
                g.add_edge(("unit-out", end[5:]), u_in)
                g.add_edge(u_out, ("unit-in", end[5:]))
            else:  # country: or junction:
                kind, _, name = end.partition(":")
                g.add_edge((kind, name), u_in)
                g.add_edge(u_out, (kind, name))
    for hub in network.hubs:
        g.add_edge(("country", hub), CORE, hub=hub)
    return g


def min_cut_value(g: nx.DiGraph, country_code: str) -> int | None:
    """Minimum cut from a country to the core; ``None`` when unbounded."""
    source = ("country", country_code)
    if source not in g:
        raise KeyError(f"country {country_code!r} is not in the network")
    closed = g.has_edge(source, CORE)
    if closed:
        # A hub must reach the core through another hub.
        g.remove_edge(source, CORE)
    try:
        value = nx.maximum_flow_value(g, source, CORE, flow_func=dinitz)
    except nx.NetworkXUnbounded:
        value = None
    finally:
        if closed:
            g.add_edge(source, CORE)
    return None if value is None else round(value)


def all_min_cuts(network: Network, mode: str = UNIT_MODE) -> dict[str, int | None]:
    """Every country's minimum cut, one networkx flow each."""
    g = build_digraph(network, mode)
    return {code: min_cut_value(g, code) for code in network.countries()}


def brute_force_sweep(
    network: Network,
    unit_ids: Iterable[str] | None = None,
    mode: str = UNIT_MODE,
) -> dict[str, dict[str, int | None]]:
    """For each unit (or station), remove it and recompute every country's minimum cut."""
    items = (
        list(unit_ids)
        if unit_ids is not None
        else (list(network.units) if mode == UNIT_MODE else list(network.landing_country))
    )
    out: dict[str, dict[str, int | None]] = {}
    for item in items:
        if mode == UNIT_MODE:
            g = build_digraph(network, mode, removed_units=[item])
        else:
            g = build_digraph(network, mode, removed_stations=[item])
        out[item] = {code: min_cut_value(g, code) for code in network.countries()}
    return out


def connected_to_core(network: Network, removed_units: Iterable[str] = ()) -> dict[str, bool]:
    """Whether each country still reaches a hub (another hub, for a hub) once units are cut."""
    removed = set(removed_units)
    g = nx.Graph()
    for lp_id, code in network.landing_country.items():
        g.add_edge(("country", code), ("lp", lp_id))
    for unit in network.units.values():
        if unit.id in removed:
            continue
        g.add_node(("unit", unit.id))
        for end in unit.endpoints:
            kind, _, name = end.partition(":")
            if kind == "unit" and name in removed:
                continue  # a branch hangs off its trunk; a cut trunk takes it down
            g.add_edge(("unit", unit.id), (kind, name))
    hubs = set(network.hubs)
    out: dict[str, bool] = {}
    for code in network.countries():
        node = ("country", code)
        if node not in g:
            out[code] = False
            continue
        reach = nx.node_connected_component(g, node)
        others = {("country", h) for h in hubs if h != code}
        out[code] = bool(reach & others) or ("core", "") in reach
    return out


def residual_sweep(network: Network) -> dict[str, dict[str, int | None]]:
    """The fast sweep's method written with networkx: one flow per country, then SCCs.

    Returns ``{unit: {country: min-cut after losing that unit}}`` for units in some minimum
    cut of at least one country (every other unit leaves every country unchanged), plus the
    key ``""`` holding the min-cuts before any loss.
    """
    g = build_digraph(network)
    out: dict[str, dict[str, int | None]] = {"": {}}
    for code in network.countries():
        source = ("country", code)
        closed = g.has_edge(source, CORE)
        if closed:
            g.remove_edge(source, CORE)
        try:
            residual = dinitz(g, source, CORE)
        except nx.NetworkXUnbounded:
            out[""][code] = None
            continue
        finally:
            if closed:
                g.add_edge(source, CORE)
        value = round(residual.graph["flow_value"])
        out[""][code] = value
        open_arcs = nx.DiGraph()
        open_arcs.add_nodes_from(residual)
        open_arcs.add_edges_from(
            (a, b) for a, b, d in residual.edges(data=True) if d["capacity"] - d["flow"] > 0
        )
        component = {
            node: k
            for k, nodes in enumerate(nx.strongly_connected_components(open_arcs))
            for node in nodes
        }
        for a, b, data in g.edges(data=True):
            unit = data.get("unit")
            if unit is None:
                continue
            if residual[a][b]["flow"] >= 1 and component[a] != component[b]:
                out.setdefault(unit, {})[code] = value - 1
    return out
