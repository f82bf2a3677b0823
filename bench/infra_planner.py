"""Figure: the investment planner with 200 candidate projects on the real 2022 cable map.

Candidates (seeded, reproducible): new cables from exposed countries to hub countries,
branches from exposed countries onto existing trunks, terrestrial links between countries
that share a cable, and satellite ground stations; costs in USD millions, cables priced by
great-circle length. Objective: capped min-cut (cap 3). No peer tool is named for this
figure. Goal: an optimal solution in under 10 s.

Run: ``python bench/infra_planner.py [path to shared data]``.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cybercommons.infrastructure.kernel import planner as pl
from cybercommons.infrastructure.kernel.country_names import resolve_country
from cybercommons.infrastructure.kernel.geometry import haversine_km
from cybercommons.infrastructure.kernel.graph import build_network, lp
from cybercommons.infrastructure.kernel.resilience import analyse
from cybercommons.infrastructure.kernel.telegeography import load_snapshot

CANDIDATES = 200
BUDGET_MUSD = 1_500.0
USD_M_PER_KM = 0.03  # order of magnitude of published cable budgets (about USD 30,000/km)


def shared_data() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    default = Path(__file__).resolve().parent.parent / ".." / "shared" / "data"
    return Path(os.environ.get("CYBERCOMMONS_SHARED_DATA", default))


def candidates(network, data, rng: random.Random) -> list[pl.Project]:
    result = analyse(network)
    exposed = sorted(c for c, r in result.items() if (r.min_cable_cut or 0) <= 2)
    by_country: dict[str, list[str]] = {}
    for lp_id, code in network.landing_country.items():
        by_country.setdefault(code, []).append(lp_id)
    pos = {p.id: (p.lon, p.lat) for p in data.landing_points.values()}
    trunks = [u for u in network.units.values() if len(network.unit_countries(u)) >= 4]
    shared = sorted(
        {
            tuple(sorted(p))
            for u in network.units.values()
            for p in [tuple(network.unit_countries(u))]
            if len(p) == 2
        }
    )
    out: list[pl.Project] = []
    while len(out) < CANDIDATES:
        k = len(out)
        kind = k % 4
        if kind == 0:
            code = rng.choice(exposed)
            hub = rng.choice(network.hubs)
            a, b = rng.choice(by_country[code]), rng.choice(by_country[hub])
            km = haversine_km(pos[a], pos[b]) * 1.2
            out.append(pl.new_cable(f"cable-{k}", round(km * USD_M_PER_KM, 1), [lp(a), lp(b)]))
        elif kind == 1:
            code = rng.choice(exposed)
            trunk = rng.choice(trunks)
            out.append(
                pl.branch(
                    f"branch-{k}",
                    round(rng.uniform(15, 60), 1),
                    lp(rng.choice(by_country[code])),
                    trunk.id,
                )
            )
        elif kind == 2:
            a, b = rng.choice(shared)
            out.append(pl.terrestrial_link(f"land-{k}", round(rng.uniform(10, 80), 1), a, b))
        else:
            out.append(
                pl.ground_station(f"sat-{k}", round(rng.uniform(5, 25), 1), rng.choice(exposed))
            )
    return out


def main() -> None:
    data = load_snapshot(shared_data() / "submarine_cables" / "v3_2022-11")
    landing = {
        p.id: code
        for p in data.landing_points.values()
        if (code := resolve_country(p.country or "", p.name).alpha2)
    }
    network = build_network(data.cables.values(), landing)
    projects = candidates(network, data, random.Random(7))
    t, cpu = time.perf_counter(), time.process_time()
    result = pl.plan(network, projects, BUDGET_MUSD, cap=3)
    seconds, cpu_s = time.perf_counter() - t, time.process_time() - cpu
    print(f"{len(projects)} candidates, budget USD {BUDGET_MUSD:,.0f} M, objective capped min-cut")
    print(f"status {result.status}: {result.message}")
    print(
        f"gain (min-cut units up to 3 per country): MIP estimate {result.estimated_gain:.0f}, "
        f"exact recomputation {result.exact_gain:.0f}"
    )
    print(f"countries lifted: {len(result.country_gain)}")
    top = sorted(result.marginal_value.items(), key=lambda kv: -kv[1])[:5]
    print("highest marginal values: " + ", ".join(f"{p} {v:.0f}" for p, v in top))
    print(
        f"time {seconds:.2f} s wall, {cpu_s:.2f} s CPU (goal < 10 s: "
        f"{'met' if seconds < 10 else 'missed'})"
    )


if __name__ == "__main__":
    main()
