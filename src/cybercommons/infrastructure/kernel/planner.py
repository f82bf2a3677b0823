"""Investment planner: which candidate projects buy the most resilience for a budget.

Candidates are new cables, branches onto existing cables, terrestrial links between
countries and satellite ground stations, each with a cost (in whatever currency unit the
caller uses) and the units it adds to the network (see ``graph``).

Objectives
----------
* ``"capped_min_cut"``: the sum over countries of ``min(k_c, cap)``, where ``k_c`` is the
  country's minimum cable cut. Capping (default 3) stops the plan from piling links on
  countries that are already safe and rewards lifting the exposed ones.
* ``"population_out_of_spof"``: the population living in countries whose minimum cut rises
  from 0 or 1 to at least 2, i.e. moved out of single-cable dependence (population supplied
  by the caller, keyed by alpha-2).

Method
------
1. One flow graph holds the network plus every candidate unit; a candidate is switched off
   by giving its units capacity 0.
2. For each country below the cap, one maximum flow gives its min-cut and a minimum cut
   ``(S, T)``. A project can only raise ``k_c`` if one of its endpoints lies in ``S``
   (otherwise that cut survives unchanged), so only those (project, country) pairs are
   evaluated, each by one more maximum flow with that project alone switched on. This gives
   ``d[p, c]``, the rise of ``k_c`` from project ``p`` alone.
3. A mixed-integer program (HiGHS) picks binary ``y_p`` under ``sum(cost_p y_p) <= budget``
   maximising ``sum_c g_c`` with ``g_c <= sum_p d[p, c] y_p`` and ``g_c <= cap - k_c``
   (or binary ``z_c`` with ``(2 - k_c) z_c <= sum_p d[p, c] y_p`` for the population
   objective). Treating single-project rises as additive is the model's approximation: two
   projects through the same bottleneck may together add less.
4. The chosen set is then evaluated exactly with maximum flows, and the **marginal value**
   of each chosen project is the exact gain lost if it alone were dropped from the set.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np
from igraph import GraphBase

from .graph import UNIT_MODE, FlowGraph, Network, Unit, compile_flow_graph, country, via
from .resilience import min_cut_value

OBJECTIVES = ("capped_min_cut", "population_out_of_spof")
PROJECT_KINDS = ("cable", "branch", "terrestrial", "ground_station")


@dataclass(frozen=True, slots=True)
class Project:
    """A candidate investment: its cost and the units it would add."""

    id: str
    kind: str
    cost: float
    units: tuple[Unit, ...]
    name: str = ""

    def endpoints(self) -> set[str]:
        """Every endpoint the project's units attach to."""
        return {e for u in self.units for e in u.endpoints}


def new_cable(project_id: str, cost: float, endpoints: Iterable[str], name: str = "") -> Project:
    """A new cable joining the given endpoints (``graph.lp``/``graph.country`` strings)."""
    ends = tuple(endpoints)
    if len(ends) < 2:
        raise ValueError(f"project {project_id!r}: a cable needs at least two endpoints")
    return Project(project_id, "cable", cost, (Unit(project_id, "cable", ends, name),), name)


def branch(project_id: str, cost: float, landing: str, trunk_cable_id: str) -> Project:
    """A branch from ``landing`` (an endpoint string) onto an existing trunk cable.

    The branch fails with its trunk: traffic still has to ride the trunk to get anywhere.
    """
    unit = Unit(project_id, "branch", (landing, via(trunk_cable_id)))
    return Project(project_id, "branch", cost, (unit,))


def terrestrial_link(project_id: str, cost: float, a: str, b: str) -> Project:
    """A terrestrial link between two countries (alpha-2 codes)."""
    unit = Unit(project_id, "terrestrial", (country(a), country(b)))
    return Project(project_id, "terrestrial", cost, (unit,))


def ground_station(project_id: str, cost: float, alpha2: str) -> Project:
    """A satellite ground station: one independent path from the country to the core."""
    unit = Unit(project_id, "ground_station", (country(alpha2), "core"))
    return Project(project_id, "ground_station", cost, (unit,))


@dataclass(slots=True)
class PlanResult:
    """What the planner chose and why; ``status`` is "optimal" when a plan was proven best.

    Other statuses: "no_candidates", "budget_too_small", "infeasible", "time_limit".
    Gains are in objective units (min-cut units, or people for the population objective).
    """

    status: str
    message: str
    objective: str
    budget: float
    chosen: tuple[str, ...] = ()
    total_cost: float = 0.0
    estimated_gain: float = 0.0
    exact_gain: float = 0.0
    marginal_value: dict[str, float] = field(default_factory=dict)
    country_gain: dict[str, float] = field(default_factory=dict)
    min_cut_after: dict[str, int | None] = field(default_factory=dict)
    solve_seconds: float = 0.0


def _validate(candidates: list[Project], budget: float, objective: str, cap: int) -> None:
    if not (isinstance(budget, int | float) and math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget must be a finite number >= 0, got {budget!r}")
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}, got {objective!r}")
    if not (1 <= cap <= 50):
        raise ValueError(f"cap must lie in [1, 50], got {cap}")
    seen: set[str] = set()
    for p in candidates:
        if p.id in seen:
            raise ValueError(f"project id {p.id!r} appears twice")
        seen.add(p.id)
        if p.kind not in PROJECT_KINDS:
            raise ValueError(f"project {p.id!r}: kind must be one of {PROJECT_KINDS}")
        if not (math.isfinite(p.cost) and p.cost > 0):
            raise ValueError(f"project {p.id!r}: cost must be a positive number, got {p.cost}")
        if not p.units:
            raise ValueError(f"project {p.id!r} adds no link")


class _Evaluator:
    """Min-cuts of the network with a chosen subset of candidate projects switched on."""

    def __init__(self, network: Network, candidates: list[Project]) -> None:
        self.network = network.with_units(u for p in candidates for u in p.units)
        self.fg: FlowGraph = compile_flow_graph(self.network)
        self.units_of = {p.id: [u.id for u in p.units] for p in candidates}
        self.all_candidate_units = [u for ids in self.units_of.values() for u in ids]

    def capacities(self, on: Iterable[str]) -> list[float]:
        keep = {u for pid in on for u in self.units_of[pid]}
        off = [u for u in self.all_candidate_units if u not in keep]
        return self.fg.capacities(UNIT_MODE, removed_units=off).tolist()

    def k(self, code: str, cap: list[float]) -> int | None:
        return min_cut_value(self.fg, code, cap)

    def source_side(self, code: str, cap: list[float]) -> set[int]:
        cap = list(cap)
        if code in self.fg.hub_arc:
            cap[self.fg.hub_arc[code]] = 0.0
        _, _, _, side = GraphBase.maxflow(
            self.fg.graph, self.fg.country_node(code), self.fg.sink, cap
        )
        return set(side)

    def endpoint_nodes(self, project: Project) -> set[int]:
        index = self.fg.node_index
        nodes: set[int] = set()
        for end in project.endpoints():
            if end.startswith("lp:") and end in index:
                nodes.add(index[end])
            elif end.startswith("unit:") and f"unit-in:{end[5:]}" in index:
                nodes.add(index[f"unit-in:{end[5:]}"])
            elif end in index:
                nodes.add(index[end])
        return nodes


def _value(objective: str, k: int | None, base: int | None, cap: int, pop: float) -> float:
    if objective == "capped_min_cut":
        return float(cap if k is None else min(k, cap))
    lifted = base is not None and base <= 1 and (k is None or k >= 2)
    return pop if lifted else 0.0


def plan(
    network: Network,
    candidates: Iterable[Project],
    budget: float,
    *,
    objective: str = "capped_min_cut",
    cap: int = 3,
    population: Mapping[str, float] | None = None,
    required: Iterable[str] = (),
    time_limit_s: float = 10.0,
) -> PlanResult:
    """Choose the candidate projects that maximise the resilience gain within the budget."""
    projects = list(candidates)
    _validate(projects, budget, objective, cap)
    must = list(dict.fromkeys(required))
    if objective == "population_out_of_spof" and not population:
        raise ValueError("the population objective needs a population mapping (alpha-2 -> people)")
    if not projects:
        return PlanResult("no_candidates", "no candidate projects were given", objective, budget)
    by_id = {p.id: p for p in projects}
    unknown = [r for r in must if r not in by_id]
    if unknown:
        raise ValueError(f"required projects are not candidates: {unknown}")
    required_cost = sum(by_id[r].cost for r in must)
    if required_cost > budget:
        return PlanResult(
            "infeasible",
            f"the required projects cost {required_cost:g}, more than the budget {budget:g}",
            objective,
            budget,
        )
    cheapest = min(p.cost for p in projects)
    if not must and cheapest > budget:
        return PlanResult(
            "budget_too_small",
            f"the budget {budget:g} buys no candidate; the cheapest costs {cheapest:g}",
            objective,
            budget,
        )
    started = time.perf_counter()
    ev = _Evaluator(network, projects)
    pop = dict(population or {})
    base_cap = ev.capacities(())
    countries = ev.network.countries()
    base = {c: ev.k(c, base_cap) for c in countries}
    target = 2 if objective == "population_out_of_spof" else cap
    open_countries = [
        c
        for c in countries
        if base[c] is not None
        and base[c] < target  # type: ignore[operator]
        and (objective == "capped_min_cut" or pop.get(c, 0) > 0)
    ]
    sides = {c: ev.source_side(c, base_cap) for c in open_countries}
    rise: dict[tuple[str, str], int] = {}
    for p in projects:
        ends = ev.endpoint_nodes(p)
        for c in open_countries:
            if ends & sides[c]:
                k = ev.k(c, ev.capacities([p.id]))
                gained = target if k is None else min(k, target)
                if gained > base[c]:  # type: ignore[operator]
                    rise[(p.id, c)] = gained - base[c]  # type: ignore[operator]
    chosen, estimate, status = _solve_mip(
        projects, rise, base, open_countries, budget, objective, target, pop, must, time_limit_s
    )
    result = PlanResult(status, "", objective, budget, solve_seconds=0.0)
    if status not in ("optimal", "time_limit"):
        result.message = f"the solver reported {status}"
        result.solve_seconds = time.perf_counter() - started
        return result
    touched = sorted({c for (pid, c) in rise if pid in chosen})
    after_cap = ev.capacities(chosen)
    after = {c: ev.k(c, after_cap) for c in touched}

    def gain_of(values: Mapping[str, int | None]) -> float:
        return sum(
            _value(objective, values[c], base[c], cap, pop.get(c, 0.0))
            - _value(objective, base[c], base[c], cap, pop.get(c, 0.0))
            for c in values
        )

    result.chosen = tuple(sorted(chosen))
    result.total_cost = float(sum(by_id[p].cost for p in chosen))
    result.estimated_gain = estimate
    result.exact_gain = gain_of(after)
    result.country_gain = {
        c: _value(objective, after[c], base[c], cap, pop.get(c, 0.0))
        - _value(objective, base[c], base[c], cap, pop.get(c, 0.0))
        for c in touched
    }
    result.min_cut_after = {c: after.get(c, base[c]) for c in countries}
    for pid in chosen:
        without = [q for q in chosen if q != pid]
        cap_without = ev.capacities(without)
        result.marginal_value[pid] = result.exact_gain - gain_of(
            {c: ev.k(c, cap_without) for c in touched}
        )
    result.message = (
        f"{len(chosen)} of {len(projects)} projects chosen for {result.total_cost:g} "
        f"of a budget of {budget:g}"
    )
    if result.exact_gain < result.estimated_gain - 1e-9:
        result.message += (
            f"; the additive estimate {estimate:g} exceeds the exact gain "
            f"{result.exact_gain:g} because chosen projects share a bottleneck (see the "
            "marginal values)"
        )
    result.solve_seconds = time.perf_counter() - started
    return result


def _solve_mip(
    projects: list[Project],
    rise: dict[tuple[str, str], int],
    base: Mapping[str, int | None],
    countries: list[str],
    budget: float,
    objective: str,
    target: int,
    pop: Mapping[str, float],
    required: list[str],
    time_limit_s: float,
) -> tuple[list[str], float, str]:
    """Build and solve the MIP of the module docstring; returns (chosen ids, value, status)."""
    relevant = sorted({c for (_, c) in rise})
    n_p, n_c = len(projects), len(relevant)
    p_index = {p.id: i for i, p in enumerate(projects)}
    c_index = {c: n_p + j for j, c in enumerate(relevant)}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", 1e-9)
    total_cost = sum(p.cost for p in projects)
    # A tiny cost penalty breaks ties towards the cheaper of equally good plans.
    tie = 1e-6 / total_cost
    costs = [-p.cost * tie for p in projects]
    lower = [1.0 if p.id in required else 0.0 for p in projects]
    upper = [1.0] * n_p
    for c in relevant:
        room = target - base[c]  # type: ignore[operator]
        if objective == "capped_min_cut":
            costs.append(1.0)
            upper.append(float(room))
        else:
            costs.append(float(pop.get(c, 0.0)))
            upper.append(1.0)
        lower.append(0.0)
    n = n_p + n_c
    h.addVars(n, np.array(lower), np.array(upper))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(costs))
    integer = list(range(n_p)) + ([] if objective == "capped_min_cut" else list(c_index.values()))
    h.changeColsIntegrality(
        len(integer),
        np.array(integer, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * len(integer)),
    )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    inf = highspy.kHighsInf
    h.addRow(
        -inf,
        float(budget),
        n_p,
        np.arange(n_p, dtype=np.int32),
        np.array([p.cost for p in projects]),
    )
    for c in relevant:
        idx = [c_index[c]]
        coef = [1.0 if objective == "capped_min_cut" else float(target - base[c])]  # type: ignore[operator]
        for (pid, cc), d in rise.items():
            if cc == c:
                idx.append(p_index[pid])
                coef.append(-float(d))
        h.addRow(-inf, 0.0, len(idx), np.array(idx, dtype=np.int32), np.array(coef))
    h.run()
    status = h.getModelStatus()
    name = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
    }.get(status, h.modelStatusToString(status))
    if name not in ("optimal", "time_limit"):
        return [], 0.0, name
    values = h.getSolution().col_value
    chosen = [p.id for i, p in enumerate(projects) if values[i] > 0.5]
    estimate = float(sum(values[n_p + j] * costs[n_p + j] for j in range(n_c)))
    return chosen, estimate, name
