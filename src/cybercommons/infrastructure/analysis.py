"""Resilience, scenarios and plans computed by the kernel on a stored dataset.

Per-country resilience is cached in the dataset row, keyed by its revision: the first read
after an import computes it, later reads take it from there. Scenario and planner results
are shaped here into the JSON that pages, the API, the CLI and saved scenarios share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import Country
from cybercommons.infrastructure import network as stored
from cybercommons.infrastructure.kernel import planner as kplanner
from cybercommons.infrastructure.kernel.geometry import Region, bbox_region
from cybercommons.infrastructure.kernel.graph import Network, country, lp
from cybercommons.infrastructure.kernel.resilience import CountryResilience, analyse
from cybercommons.infrastructure.kernel.scenarios import (
    CABLE_LEVEL,
    NAMED_REGIONS,
    READY_SCENARIOS,
    SEGMENT_LEVEL,
    LatitudeBand,
    ScenarioResult,
    StormParameters,
    match_cable_names,
    run_cut,
    run_ready,
    run_region,
    run_storm,
    units_of_cables,
)
from cybercommons.infrastructure.kernel.storm import SPACING_RANGE_KM
from cybercommons.infrastructure.models import CandidateProject, Dataset, Population

LEVELS = (CABLE_LEVEL, SEGMENT_LEVEL)
# Monte-Carlo runs asked for through the web are capped: 100,000 trials take about a
# minute on the real map; the CLI allows the kernel's full range.
WEB_MAX_TRIALS = 100_000
# Visitors who are not signed in run the same analyses with a smaller storm, so an
# anonymous request cannot hold a worker for long.
ANONYMOUS_MAX_TRIALS = 5_000
STORM_CHUNKS = 20
# Each chunk rebuilds the kernel's contracted storm model (about 0.2 s on the real map), so
# chunks are kept large enough for that to stay small beside the trials themselves.
STORM_MIN_CHUNK = 2000

Progress = Callable[[int, int], None]


def max_trials_for(user: object) -> int:
    """The largest storm a page or API caller may run synchronously."""
    return WEB_MAX_TRIALS if getattr(user, "is_authenticated", False) else ANONYMOUS_MAX_TRIALS


# --- resilience ---------------------------------------------------------------------------


def _resilience_json(item: CountryResilience) -> dict[str, Any]:
    data = asdict(item)
    data["score"] = {"value": item.score.value, "inputs": item.score.inputs,
                     "weights": item.score.weights, "method": item.score.method}
    for key in ("cable_cut", "station_cut", "single_points_of_failure",
                "station_single_points_of_failure"):
        data[key] = list(data[key])
    return data


def resilience(dataset: Dataset) -> dict[str, Any]:
    """``{"countries": {alpha2: {...}}, "hubs": [...], "revision": n}`` for the dataset."""
    if dataset.analysis_revision == dataset.revision and dataset.analysis.get("countries"):
        return dataset.analysis
    loaded = stored.load(dataset)
    found = analyse(loaded.network)
    data = {
        "revision": dataset.revision,
        "hubs": list(loaded.network.hubs),
        "unresolved_landing_points": list(loaded.network.unresolved_landing_points),
        "countries": {code: _resilience_json(item) for code, item in found.items()},
    }
    # Store only if no import raised the revision meanwhile.
    Dataset.objects.filter(pk=dataset.pk, revision=dataset.revision).update(
        analysis=data, analysis_revision=dataset.revision)
    dataset.analysis, dataset.analysis_revision = data, dataset.revision
    return data


def unit_names(dataset: Dataset) -> dict[str, str]:
    """Readable names of every unit (cable source id, terrestrial link) and landing point."""
    loaded = stored.load(dataset)
    names = {cid: c.name for cid, c in loaded.cables.items()}
    names.update({u.id: u.name for u in loaded.network.units.values() if u.name})
    names.update({f"lp:{k}": v for k, v in loaded.lp_names.items()})
    return names


def population_map() -> dict[str, float]:
    """Population per alpha-2 code from the module's population table."""
    return {code: float(n) for code, n in Population.objects.values_list("country_id",
                                                                         "population")}


def country_names() -> dict[str, str]:
    return dict(Country.objects.values_list("code", "name"))


# --- scenarios ----------------------------------------------------------------------------


def _level(parameters: Mapping[str, Any]) -> str:
    level = str(parameters.get("level") or CABLE_LEVEL)
    if level not in LEVELS:
        raise ServiceError(_("level must be one of %(levels)s") % {"levels": ", ".join(LEVELS)},
                           field="level")
    return level


def _strings(value: Any, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = list(value.replace("\n", ",").split(","))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ServiceError(_("%(name)s must be a list of names or ids") % {"name": name},
                           field=name)
    return [v.strip() for v in value if v.strip()]


def _region(parameters: Mapping[str, Any]) -> Region:
    key = parameters.get("region")
    if key:
        if key not in NAMED_REGIONS:
            raise ServiceError(_("unknown region %(key)r; named regions: %(names)s")
                               % {"key": key, "names": ", ".join(sorted(NAMED_REGIONS))},
                               field="region")
        return NAMED_REGIONS[key]
    box = parameters.get("bbox")
    try:
        if box is not None:
            west, south, east, north = (float(v) for v in box)
            return bbox_region(str(parameters.get("name") or "drawn box"), west, south, east,
                               north)
        ring = parameters.get("polygon")
        if ring:
            return Region(str(parameters.get("name") or "drawn region"),
                          tuple((float(p[0]), float(p[1])) for p in ring))
    except (TypeError, ValueError) as error:
        raise ServiceError(_("the region is not valid: %(error)s") % {"error": error},
                           field="region") from None
    raise ServiceError(_("name a region, or give a bbox [west, south, east, north] or a polygon"),
                       field="region")


def storm_parameters(parameters: Mapping[str, Any], *, max_trials: int | None = None
                     ) -> StormParameters:
    """Storm parameters from JSON, refused with the allowed range when absurd."""
    try:
        bands = tuple(LatitudeBand(float(b[0]), float(b[1]), float(b[2]))
                      for b in parameters.get("bands") or ((40, 60, 0.001), (60, 90, 0.01)))
        params = StormParameters(
            bands=bands,
            repeater_spacing_km=float(parameters.get("spacing_km", 70.0)),
            trials=int(parameters.get("trials", 1000)),
            seed=int(parameters.get("seed", 0)),
            level=_level(parameters),
        )
        params.validate()
    except (TypeError, ValueError, IndexError) as error:
        raise ServiceError(_("storm parameters refused: %(error)s") % {"error": error},
                           field="parameters") from None
    if max_trials is not None and params.trials > max_trials:
        raise ServiceError(_("trials must be at most %(max)d here (the command line allows more)")
                           % {"max": max_trials}, field="trials")
    return params


def validate(kind: str, parameters: Mapping[str, Any], *, max_trials: int | None = None
             ) -> dict[str, Any]:
    """Check and normalise scenario parameters; ServiceError names what is wrong."""
    if not isinstance(parameters, Mapping):
        raise ServiceError(_("parameters must be an object"))
    level = _level(parameters)
    if kind == "cut":
        cables = _strings(parameters.get("cables"), "cables")
        stations = _strings(parameters.get("stations"), "stations")
        if not cables and not stations:
            raise ServiceError(_("name at least one cable or landing station to cut"),
                               field="cables")
        return {"cables": cables, "stations": stations, "level": level}
    if kind == "region":
        _region(parameters)
        return {k: parameters[k] for k in ("region", "bbox", "polygon", "name")
                if parameters.get(k)} | {"level": level}
    if kind == "ready":
        key = parameters.get("key")
        if key not in READY_SCENARIOS:
            raise ServiceError(_("unknown ready scenario %(key)r; ready scenarios: %(names)s")
                               % {"key": key, "names": ", ".join(sorted(READY_SCENARIOS))},
                               field="key")
        return {"key": key, "level": level}
    if kind == "storm":
        params = storm_parameters(parameters, max_trials=max_trials)
        return {"bands": [[b.min_abs_lat, b.max_abs_lat, b.p_repeater] for b in params.bands],
                "spacing_km": params.repeater_spacing_km, "trials": params.trials,
                "seed": params.seed, "level": params.level}
    raise ServiceError(_("unknown scenario kind %(kind)r; use cut, region, ready or storm")
                       % {"kind": kind},
                       field="kind")


def _network_for(loaded: stored.LoadedNetwork, level: str) -> Network:
    return loaded.segmented() if level == SEGMENT_LEVEL else loaded.network


def _cut_units(loaded: stored.LoadedNetwork, net: Network, parameters: Mapping[str, Any]
               ) -> tuple[list[str], list[str], list[str]]:
    found, absent = match_cable_names(parameters["cables"], loaded.cables)
    if absent:
        raise ServiceError(_("no cable has the name or id: %(names)s")
                           % {"names": ", ".join(absent[:10])},
                           field="cables")
    stations = list(parameters["stations"])
    unknown = [s for s in stations if s not in net.landing_country]
    if unknown:
        raise ServiceError(_("no landing station in the network has the id: %(ids)s")
                           % {"ids": ", ".join(unknown[:10])}, field="stations")
    notes = [_("%(name)s is not in service in this dataset and was not cut")
             % {"name": loaded.cables[c].name} for c in found if not units_of_cables(net, [c])]
    return units_of_cables(net, found), stations, notes


def run(dataset: Dataset, kind: str, parameters: Mapping[str, Any], *,
        progress: Progress | None = None) -> dict[str, Any]:
    """Run a validated scenario on the dataset; returns the results JSON."""
    parameters = validate(kind, parameters)
    loaded = stored.load(dataset)
    level = parameters["level"]
    net = _network_for(loaded, level)
    pop = population_map()
    if kind == "storm":
        return _storm_json(net, storm_parameters(parameters), pop, progress)
    try:
        if kind == "cut":
            units, stations, notes = _cut_units(loaded, net, parameters)
            result = run_cut(net, units=units, stations=stations, population=pop,
                             name="custom cut", level=level)
            result.notes.extend(notes)
        elif kind == "region":
            result = run_region(net, _region(parameters), level=level, population=pop)
        else:
            result = run_ready(net, loaded.cables, parameters["key"], population=pop,
                               level=level)
    except ValueError as error:
        raise ServiceError(str(error)) from None
    return _result_json(result, net, loaded)


def _result_json(result: ScenarioResult, net: Network, loaded: stored.LoadedNetwork
                 ) -> dict[str, Any]:
    names = country_names()
    cut_cables = sorted({net.units[u].parent or u for u in result.removed_units})
    rows: list[dict[str, Any]] = []
    for code in result.affected:
        impact = result.impacts[code]
        rows.append({
            "country": code, "name": names.get(code, code),
            "cables_before": impact.cables_before, "cables_after": impact.cables_after,
            "links_before": impact.links_before, "links_after": impact.links_after,
            "links_lost": impact.links_lost,
            "min_cut_before": impact.min_cut_before, "min_cut_after": impact.min_cut_after,
            "cut_off": impact.cut_off, "was_cut_off": impact.was_cut_off,
            "population": impact.population,
        })
    rows.sort(key=lambda r: (not r["cut_off"], -r["links_lost"], r["country"]))
    return {
        "kind": "deterministic",
        "name": result.name,
        "level": result.level,
        "cables_cut": [{"id": c, "name": loaded.cables[c].name if c in loaded.cables
                        else net.units[c].name if c in net.units else c} for c in cut_cables],
        "units_cut": len(result.removed_units),
        "stations_cut": list(result.removed_stations),
        "notes": list(result.notes),
        "countries": rows,
        "affected": len(rows),
        "newly_cut_off": result.newly_cut_off,
        "links_lost": sum(r["links_lost"] for r in rows),
        "population_affected": result.population_affected,
        "population_cut_off": result.population_cut_off,
        "population_known": bool(population_map()),
    }


def _chunk_seed(seed: int, index: int) -> int:
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def _storm_json(net: Network, params: StormParameters, pop: Mapping[str, float],
                progress: Progress | None) -> dict[str, Any]:
    """Run the Monte-Carlo in chunks so progress can be shown; merge the chunk results.

    Chunk ``i`` draws from the seed ``SeedSequence([seed, i])``, so a run is reproducible
    from its parameters whatever the chunking of the display.
    """
    chunks = max(1, min(STORM_CHUNKS, params.trials // STORM_MIN_CHUNK))
    sizes = [params.trials // chunks + (1 if i < params.trials % chunks else 0)
             for i in range(chunks)]
    p_cut: dict[str, float] = {}
    links: dict[str, float] = {}
    per_trial: list[np.ndarray] = []
    pop_trial: list[np.ndarray] = []
    done = 0
    probs: dict[str, float] = {}
    for i, size in enumerate(sizes):
        part = StormParameters(params.bands, params.repeater_spacing_km, params.spacing_source,
                               size, _chunk_seed(params.seed, i), params.level)
        try:
            out = run_storm(net, part, population=pop or None)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        probs = out.unit_failure_probability
        for code, value in out.p_cut_off.items():
            p_cut[code] = p_cut.get(code, 0.0) + value * size
        for code, value in out.mean_links_lost.items():
            links[code] = links.get(code, 0.0) + value * size
        per_trial.append(out.countries_cut_off_per_trial)
        if out.population_cut_off_per_trial is not None:
            pop_trial.append(out.population_cut_off_per_trial)
        done += size
        if progress is not None:
            progress(done, params.trials)
    trials = params.trials
    names = country_names()
    rows: list[dict[str, Any]] = [
        {"country": c, "name": names.get(c, c), "p_cut_off": round(p_cut[c] / trials, 6),
         "mean_links_lost": round(links.get(c, 0.0) / trials, 4), "population": pop.get(c)}
        for c in sorted(p_cut) if p_cut[c] > 0 or links.get(c, 0.0) > 0]
    rows.sort(key=lambda r: (-r["p_cut_off"], -r["mean_links_lost"], r["country"]))
    counts = np.concatenate(per_trial) if per_trial else np.zeros(0, dtype=np.int64)
    histogram = np.bincount(counts) if len(counts) else np.zeros(1, dtype=np.int64)
    exposed = sorted(((u, p) for u, p in probs.items() if p > 0), key=lambda x: -x[1])
    return {
        "kind": "storm",
        "name": "geomagnetic storm",
        "level": params.level,
        "trials": trials,
        "parameters": {"bands": [[b.min_abs_lat, b.max_abs_lat, b.p_repeater]
                                 for b in params.bands],
                       "spacing_km": params.repeater_spacing_km, "seed": params.seed,
                       "spacing_source": params.spacing_source,
                       "allowed_spacing_km": list(SPACING_RANGE_KM)},
        "countries": rows,
        "expected_countries_cut_off": float(counts.mean()) if len(counts) else 0.0,
        "histogram": [int(n) for n in histogram],
        "expected_population_cut_off": (float(np.concatenate(pop_trial).mean())
                                        if pop_trial else None),
        "most_exposed_units": [{"id": u, "p_fail": round(p, 6)} for u, p in exposed[:20]],
    }


# --- planner ------------------------------------------------------------------------------


def _endpoint(value: str, net: Network) -> str:
    value = value.strip()
    if value.startswith("lp:"):
        if value[3:] not in net.landing_country:
            raise ServiceError(_("no landing point in the network has the id %(id)r")
                               % {"id": value[3:]})
        return lp(value[3:])
    if len(value) == 2 and value.isalpha():
        return country(value.upper())
    raise ServiceError(_("%(value)r is neither a country code nor lp:<landing point id>")
                       % {"value": value})


def to_project(candidate: CandidateProject, net: Network) -> kplanner.Project:
    """The kernel's project for a stored candidate; ServiceError when its links are invalid."""
    pid = f"cand:{candidate.pk}"
    links = candidate.links or {}
    try:
        if candidate.kind == CandidateProject.Kind.CABLE:
            ends = [_endpoint(e, net) for e in links.get("endpoints", [])]
            return kplanner.new_cable(pid, candidate.cost, ends, candidate.name)
        if candidate.kind == CandidateProject.Kind.BRANCH:
            trunk = str(links.get("trunk", ""))
            if trunk not in net.units:
                raise ServiceError(_("%(name)s: no cable in service has the id %(id)r")
                                   % {"name": candidate.name, "id": trunk})
            return kplanner.branch(pid, candidate.cost,
                                   _endpoint(str(links.get("landing", "")), net), trunk)
        if candidate.kind == CandidateProject.Kind.TERRESTRIAL:
            return kplanner.terrestrial_link(pid, candidate.cost, str(links["a"]).upper(),
                                             str(links["b"]).upper())
        if candidate.kind == CandidateProject.Kind.GROUND_STATION:
            return kplanner.ground_station(pid, candidate.cost, str(links["country"]).upper())
    except (KeyError, TypeError, ValueError) as error:
        raise ServiceError(_("%(name)s: the links are not valid (%(error)s)")
                           % {"name": candidate.name, "error": error}) from None
    raise ServiceError(_("%(name)s: unknown kind %(kind)r")
                       % {"name": candidate.name, "kind": candidate.kind})


def plan(dataset: Dataset, candidates: list[CandidateProject], budget: float,
         objective: str = "capped_min_cut", cap: int = 3) -> dict[str, Any]:
    """Run the planner on the dataset's network; returns the result JSON."""
    loaded = stored.load(dataset)
    net = loaded.network
    projects = [to_project(c, net) for c in candidates]
    pop = population_map()
    if objective == "population_out_of_spof" and not pop:
        raise ServiceError(_("the population objective needs population figures; import a "
                             "population CSV first"), field="objective")
    try:
        result = kplanner.plan(net, projects, budget, objective=objective, cap=cap,
                               population=pop or None)
    except ValueError as error:
        raise ServiceError(str(error)) from None
    by_pid = {f"cand:{c.pk}": c for c in candidates}
    base = resilience(dataset)["countries"]
    names = country_names()
    chosen: list[dict[str, Any]] = [
        {"id": by_pid[p].pk, "name": by_pid[p].name, "kind": by_pid[p].kind,
         "cost": by_pid[p].cost, "marginal_value": round(result.marginal_value.get(p, 0.0), 4)}
        for p in result.chosen]
    chosen.sort(key=lambda r: -r["marginal_value"])
    gains = [{"country": c, "name": names.get(c, c), "gain": round(g, 4),
              "min_cut_before": base.get(c, {}).get("min_cable_cut"),
              "min_cut_after": result.min_cut_after.get(c)}
             for c, g in sorted(result.country_gain.items(), key=lambda x: -x[1]) if g]
    return {
        "status": result.status, "message": result.message, "objective": objective,
        "budget": budget, "cap": cap, "total_cost": result.total_cost,
        "estimated_gain": round(result.estimated_gain, 4),
        "exact_gain": round(result.exact_gain, 4), "chosen": chosen, "countries": gains,
        "candidates": len(candidates), "solve_seconds": round(result.solve_seconds, 3),
    }
