"""Figure: a 10,000-trial Monte-Carlo geomagnetic storm on the real 2022 cable map.

Illustrative storm (per-repeater failure probability 0.01 above 60 degrees of latitude,
0.001 from 40 to 60, repeaters every 70 km), at segment level and at cable level.
No peer tool is named for this figure. Goal: under 10 s.

Run: ``python bench/infra_storm.py [path to shared data]``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from cybercommons.infrastructure.kernel import scenarios as sc
from cybercommons.infrastructure.kernel.country_names import resolve_country
from cybercommons.infrastructure.kernel.graph import build_network
from cybercommons.infrastructure.kernel.telegeography import load_snapshot

TRIALS = 10_000


def shared_data() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    default = Path(__file__).resolve().parent.parent / ".." / "shared" / "data"
    return Path(os.environ.get("CYBERCOMMONS_SHARED_DATA", default))


def main() -> None:
    data = load_snapshot(shared_data() / "submarine_cables" / "v3_2022-11")
    landing = {
        p.id: code
        for p in data.landing_points.values()
        if (code := resolve_country(p.country or "", p.name).alpha2)
    }
    network = build_network(data.cables.values(), landing)
    positions = {p.id: (p.lon, p.lat) for p in data.landing_points.values()}
    t = time.perf_counter()
    segmented = sc.segment_network(network, positions)
    segment_s = time.perf_counter() - t
    segments = sum(u.kind == "segment" for u in segmented.units.values())
    print(
        f"segment inference: {segments} segments from {len(network.units)} cables "
        f"in {segment_s:.2f} s"
    )
    base = sc.illustrative_storm(trials=TRIALS, seed=2024)
    print(
        f"{'level':8} {'trials':>7} {'exposed units':>14} {'seconds':>8} "
        f"{'mean countries cut off':>23}  most exposed (P cut off)"
    )
    for level, net in (("segment", segmented), ("cable", network)):
        params = sc.StormParameters(base.bands, trials=TRIALS, seed=2024, level=level)
        t, cpu = time.perf_counter(), time.process_time()
        result = sc.run_storm(net, params)
        seconds, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        exposed = sum(p > 0 for p in result.unit_failure_probability.values())
        top = sorted(result.p_cut_off.items(), key=lambda kv: -kv[1])[:4]
        top_text = ", ".join(f"{c} {p:.3f}" for c, p in top)
        mean = result.countries_cut_off_per_trial.mean()
        print(f"{level:8} {TRIALS:7d} {exposed:14d} {seconds:8.2f} {mean:23.3f}  {top_text}")
        print(f"  CPU {cpu_s:.2f} s; goal < 10 s ({level}): {'met' if seconds < 10 else 'missed'}")


if __name__ == "__main__":
    main()
