"""The connectivity network: landing points, countries and cuttable units, as a flow graph.

Model
-----
* A **unit** is anything that fails as one piece: a cable system, one segment of a cable, a
  terrestrial link, a branch, a satellite ground-station link. A unit joins a set of
  *endpoints* (a hyperedge), so a cable landing in twelve countries is still one unit: cutting
  it costs 1, whatever the number of landing points it joins.
* **Endpoints** are written as strings: ``"lp:<landing point id>"``, ``"country:<alpha-2>"``,
  ``"junction:<name>"`` (a branching unit or splice, never cut), ``"unit:<id>"`` (joins
  another unit, as a branch joins its trunk) and ``"core"`` (the global core, see below).
* A **landing point** belongs to one country. Inside a country, landing points are taken as
  joined by domestic backhaul that does not fail: the country node links to each of its
  landing points without limit. Cable-level modelling therefore cannot see a cut of the
  domestic network.
* The **global core** is a super-sink joined without limit to a set of *hub countries*
  (by default the ``DEFAULT_HUB_COUNT`` countries with the most international units, see
  ``default_hubs``). A country is connected when a path of surviving units leads from it to
  any hub; a hub itself is connected when such a path leads to another hub.

Flow graph
----------
Each unit becomes two nodes ``in`` and ``out`` and one arc ``in -> out``; every endpoint has an
arc into ``in`` and an arc from ``out``, both unlimited. Each landing point is split the
same way. In *unit mode* the unit arc has capacity 1 and the landing-point arc is unlimited,
so a maximum flow from a country to the core counts the minimum number of units whose loss
cuts it off (Menger's theorem on the hypergraph). In *station mode* the capacities swap and
the same flow counts landing stations. Cut units get capacity 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import igraph as ig
import numpy as np

CORE = "core"
# Larger than any possible number of units, so "unlimited" arcs never bind.
UNLIMITED = 1.0e9
DEFAULT_HUB_COUNT = 10

Line = tuple[tuple[float, float], ...]

UNIT_MODE = "unit"
STATION_MODE = "station"


def lp(landing_point_id: str) -> str:
    """Endpoint string for a landing point."""
    return f"lp:{landing_point_id}"


def country(alpha2: str) -> str:
    """Endpoint string for a country (ISO 3166-1 alpha-2)."""
    return f"country:{alpha2}"


def via(unit_id: str) -> str:
    """Endpoint string that attaches a unit to another unit (a branch to its trunk)."""
    return f"unit:{unit_id}"


def junction(name: str) -> str:
    """Endpoint string for a branching unit or splice that never fails by itself."""
    return f"junction:{name}"


@dataclass(frozen=True, slots=True)
class Unit:
    """One thing that fails as a whole, joining ``endpoints``.

    ``parent`` names the cable a segment belongs to; ``cuttable=False`` marks connections
    that are part of the model but never fail (a landing point tied to its nearest junction).
    """

    id: str
    kind: str
    endpoints: tuple[str, ...]
    name: str = ""
    parent: str | None = None
    cuttable: bool = True


@dataclass(slots=True)
class Network:
    """Landing points with their countries, the units joining them, and the hub countries."""

    landing_country: dict[str, str]
    units: dict[str, Unit]
    hubs: tuple[str, ...] = ()
    unresolved_landing_points: tuple[str, ...] = ()
    # Drawn geometry per unit (lon/lat lines), for regional cuts and storms.
    lines: dict[str, tuple[Line, ...]] = field(default_factory=dict)

    def countries(self) -> list[str]:
        """Every country with a landing point or named by a unit, sorted."""
        found = set(self.landing_country.values())
        for unit in self.units.values():
            found.update(e[8:] for e in unit.endpoints if e.startswith("country:"))
        return sorted(found)

    def unit_countries(self, unit: Unit) -> set[str]:
        """Countries a unit reaches directly through its endpoints."""
        out: set[str] = set()
        for e in unit.endpoints:
            if e.startswith("lp:") and e[3:] in self.landing_country:
                out.add(self.landing_country[e[3:]])
            elif e.startswith("country:"):
                out.add(e[8:])
        return out

    def with_units(self, extra: Iterable[Unit]) -> Network:
        """A copy with more units (e.g. candidate projects); ids must be new."""
        units = dict(self.units)
        for unit in extra:
            if unit.id in units:
                raise ValueError(f"unit id {unit.id!r} already exists in the network")
            units[unit.id] = unit
        return Network(
            dict(self.landing_country),
            units,
            self.hubs,
            self.unresolved_landing_points,
            dict(self.lines),
        )


def default_hubs(network: Network, count: int = DEFAULT_HUB_COUNT) -> tuple[str, ...]:
    """The ``count`` countries reached by the most international units (ties by code).

    An international unit reaches at least two countries. This picks the places where many
    cables meet; on the 2022 map: US, GB, DK, SG, IT, SE, ID, JP, MY, FR (Denmark, Sweden,
    Indonesia and Malaysia rank high through many short regional cables). Callers who
    define the core differently pass ``hubs`` to ``build_network``.
    """
    if count < 1:
        raise ValueError(f"hub count must be at least 1, got {count}")
    tally: Counter[str] = Counter()
    for unit in network.units.values():
        reached = network.unit_countries(unit)
        if len(reached) >= 2:
            tally.update(reached)
    ranked = sorted(tally, key=lambda c: (-tally[c], c))
    return tuple(ranked[:count])


def build_network(
    cables: Iterable[object],
    landing_country: Mapping[str, str],
    *,
    include_planned: bool = False,
    extra_units: Iterable[Unit] = (),
    hubs: Iterable[str] | None = None,
    hub_count: int = DEFAULT_HUB_COUNT,
) -> Network:
    """Build the network from parsed cables and a landing-point -> alpha-2 map.

    ``cables`` are objects with ``id``, ``name``, ``is_planned``, ``landing_point_ids`` and
    optionally ``route`` (``telegeography.Cable``). Planned cables are left out unless
    ``include_planned``.
    Landing points without a country are left out of the network and listed in
    ``unresolved_landing_points`` (never silently).
    """
    units: dict[str, Unit] = {}
    lines: dict[str, tuple[Line, ...]] = {}
    unresolved: set[str] = set()
    for cable in cables:
        if getattr(cable, "is_planned", False) and not include_planned:
            continue
        ends: list[str] = []
        for lp_id in cable.landing_point_ids:  # type: ignore[attr-defined]
            if lp_id in landing_country:
                ends.append(lp(lp_id))
            else:
                unresolved.add(lp_id)
        cable_id = cable.id  # type: ignore[attr-defined]
        units[cable_id] = Unit(cable_id, "cable", tuple(ends), cable.name)  # type: ignore[attr-defined]
        route = getattr(cable, "route", ())
        if route:
            lines[cable_id] = tuple(tuple(map(tuple, line)) for line in route)
    network = Network(dict(landing_country), units, (), tuple(sorted(unresolved)), lines)
    network = network.with_units(extra_units)
    network.hubs = tuple(hubs) if hubs is not None else default_hubs(network, hub_count)
    return network


@dataclass(slots=True)
class FlowGraph:
    """Index form of a network, shared by the flow and component computations.

    Arrays are aligned by arc: ``src``, ``dst`` (node indices), ``unit_arc`` (the unit whose
    ``in -> out`` arc this is, or -1), ``station_arc`` (the landing point whose split arc this
    is, or -1). ``hub_arc`` maps a hub country to its arc into the sink.
    """

    network: Network
    node_index: dict[str, int]
    src: np.ndarray
    dst: np.ndarray
    unit_arc: np.ndarray
    station_arc: np.ndarray
    unit_ids: list[str]
    station_ids: list[str]
    sink: int
    hub_arc: dict[str, int]
    cuttable: np.ndarray  # per unit
    graph: ig.Graph = field(repr=False)

    def country_node(self, alpha2: str) -> int:
        """Node index of a country; ``KeyError`` naming the country when it is unknown."""
        try:
            return self.node_index[country(alpha2)]
        except KeyError:
            raise KeyError(f"country {alpha2!r} is not in the network") from None

    def capacities(
        self,
        mode: str = UNIT_MODE,
        removed_units: Iterable[str] = (),
        removed_stations: Iterable[str] = (),
        source_country: str | None = None,
    ) -> np.ndarray:
        """Arc capacities for one computation.

        ``mode`` chooses what counts as one cut (units or landing stations); removed units
        and stations get capacity 0; when ``source_country`` is a hub its own arc into the
        sink is closed, so its flow must reach another hub.
        """
        if mode not in (UNIT_MODE, STATION_MODE):
            raise ValueError(f"mode must be {UNIT_MODE!r} or {STATION_MODE!r}, got {mode!r}")
        cap = np.full(len(self.src), UNLIMITED)
        is_unit = self.unit_arc >= 0
        is_station = self.station_arc >= 0
        if mode == UNIT_MODE:
            cap[is_unit] = np.where(self.cuttable[self.unit_arc[is_unit]], 1.0, UNLIMITED)
        else:
            cap[is_station] = 1.0
        unit_pos = {u: i for i, u in enumerate(self.unit_ids)}
        dead_units = [unit_pos[u] for u in removed_units if u in unit_pos]
        if dead_units:
            cap[np.isin(self.unit_arc, dead_units)] = 0.0
        station_pos = {s: i for i, s in enumerate(self.station_ids)}
        dead_stations = [station_pos[s] for s in removed_stations if s in station_pos]
        if dead_stations:
            cap[np.isin(self.station_arc, dead_stations)] = 0.0
        if source_country is not None and source_country in self.hub_arc:
            cap[self.hub_arc[source_country]] = 0.0
        return cap


def compile_flow_graph(network: Network) -> FlowGraph:
    """Turn a network into its flow graph (see the module docstring for the construction)."""
    node_index: dict[str, int] = {}
    created = [0]  # node count; node_index also holds aliases ("lp:<id>" for its in-node)

    def node(name: str) -> int:
        if name not in node_index:
            node_index[name] = created[0]
            created[0] += 1
        return node_index[name]

    src: list[int] = []
    dst: list[int] = []
    unit_arc: list[int] = []
    station_arc: list[int] = []

    def arc(a: int, b: int, unit: int = -1, station: int = -1) -> int:
        src.append(a)
        dst.append(b)
        unit_arc.append(unit)
        station_arc.append(station)
        return len(src) - 1

    sink = node(CORE)
    for code in network.countries():
        node(country(code))
    station_ids = sorted(network.landing_country)
    for s_pos, lp_id in enumerate(station_ids):
        c = node(country(network.landing_country[lp_id]))
        lp_in, lp_out = node(f"lp-in:{lp_id}"), node(f"lp-out:{lp_id}")
        node_index[lp(lp_id)] = lp_in  # endpoints enter through the "in" side
        arc(lp_in, lp_out, station=s_pos)
        arc(c, lp_in)
        arc(lp_out, c)
    unit_ids = list(network.units)
    for unit_id in unit_ids:
        node(f"unit-in:{unit_id}")
        node(f"unit-out:{unit_id}")
    for u_pos, unit_id in enumerate(unit_ids):
        unit = network.units[unit_id]
        u_in, u_out = node_index[f"unit-in:{unit_id}"], node_index[f"unit-out:{unit_id}"]
        arc(u_in, u_out, unit=u_pos)
        for end in unit.endpoints:
            enter, leave = _endpoint_nodes(end, node_index, node, sink)
            arc(enter, u_in)
            arc(u_out, leave)
    hub_arc: dict[str, int] = {}
    for hub in network.hubs:
        key = country(hub)
        if key in node_index:
            hub_arc[hub] = arc(node_index[key], sink)
    cuttable = np.array([network.units[u].cuttable for u in unit_ids], dtype=bool)
    graph = ig.Graph(n=created[0], edges=list(zip(src, dst, strict=True)), directed=True)
    return FlowGraph(
        network=network,
        node_index=node_index,
        src=np.asarray(src, dtype=np.int64),
        dst=np.asarray(dst, dtype=np.int64),
        unit_arc=np.asarray(unit_arc, dtype=np.int64),
        station_arc=np.asarray(station_arc, dtype=np.int64),
        unit_ids=unit_ids,
        station_ids=station_ids,
        sink=sink,
        hub_arc=hub_arc,
        cuttable=cuttable,
        graph=graph,
    )


def _endpoint_nodes(
    end: str, node_index: dict[str, int], make: Callable[[str], int], sink: int
) -> tuple[int, int]:
    """(node flow leaves to enter the unit, node flow reaches when it leaves the unit)."""
    if end == CORE:
        return sink, sink
    if end.startswith("lp:"):
        if end not in node_index:
            raise ValueError(f"endpoint {end!r} names a landing point without a country")
        return node_index[f"lp-out:{end[3:]}"], node_index[end]
    if end.startswith("unit:"):
        other = end[5:]
        if f"unit-in:{other}" not in node_index:
            raise ValueError(f"endpoint {end!r} names an unknown unit")
        return node_index[f"unit-out:{other}"], node_index[f"unit-in:{other}"]
    if end.startswith(("country:", "junction:")):
        n = make(end)
        return n, n
    raise ValueError(f"endpoint {end!r} is not lp:, country:, junction:, unit: or core")
