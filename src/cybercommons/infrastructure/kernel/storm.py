"""Geomagnetic-storm Monte-Carlo over the cable network.

Repeaters sit along a cable every ``repeater_spacing_km`` (a parameter; Jyothi, "Solar
Superstorms: Planning for an Internet Apocalypse", ACM SIGCOMM 2021, gives 50-150 km). Each
repeater inside a latitude band fails independently with that band's probability. A stretch
of ``L`` km inside a band holds ``L / spacing`` repeaters (an expected, possibly fractional,
count), so it survives with probability ``(1 - p) ** (L / spacing)``; drawing one Bernoulli
per segment (or per cable) with that probability is the same as drawing every repeater.
Each trial finds, by connected components, which countries lost every path to the core.
Segment-level runs take a network from ``scenarios.segment_network``; cable-level runs a
cable network, where any failed repeater takes the whole cable down.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .geometry import length_in_latitude_band_km
from .graph import CORE, Network
from .reach import CableReach

CABLE_LEVEL = "cable"
SEGMENT_LEVEL = "segment"

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
        if self.level not in (CABLE_LEVEL, SEGMENT_LEVEL):
            raise ValueError(
                f"level must be {CABLE_LEVEL!r} or {SEGMENT_LEVEL!r}, got {self.level!r}"
            )


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
    segmented = any(u.kind == "segment" for u in network.units.values())
    if params.level == SEGMENT_LEVEL and not segmented:
        raise ValueError("segment level needs a network from scenarios.segment_network")
    if params.level == CABLE_LEVEL and segmented:
        raise ValueError("cable level needs a cable network, not a segmented one")
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
