"""Minimum cuts, single points of failure and scores, checked by hand and against networkx."""

from __future__ import annotations

import random

import pytest

from cybercommons.infrastructure.kernel import networkx_reference as ref
from cybercommons.infrastructure.kernel.graph import (
    STATION_MODE,
    Network,
    Unit,
    build_network,
    compile_flow_graph,
    country,
    default_hubs,
    lp,
    via,
)
from cybercommons.infrastructure.kernel.resilience import (
    analyse,
    min_cut,
    score,
    single_failure_sweep,
)

from .small_networks import FakeCable, chain, festoon, island_with_two_cables, network


def test_a_country_with_two_cables_to_the_core_has_min_cut_two() -> None:
    result = analyse(island_with_two_cables())["TO"]
    assert result.min_cable_cut == 2
    assert result.single_points_of_failure == ()
    assert result.cables == 2
    assert result.landing_stations == 2
    assert result.neighbours == 2
    assert result.international_links == 2


def test_it_reports_a_single_point_of_failure() -> None:
    result = analyse(chain())
    assert result["TO"].min_cable_cut == 1
    assert result["TO"].single_points_of_failure == ("to-us",)
    # NU depends on its own cable and on TO's: both are single points of failure.
    assert result["NU"].min_cable_cut == 1
    assert result["NU"].single_points_of_failure == ("nu-to", "to-us")


def test_a_cable_landing_in_several_countries_counts_once() -> None:
    result = analyse(festoon())
    assert result["TO"].min_cable_cut == 1
    assert result["TO"].single_points_of_failure == ("festoon",)
    assert result["FJ"].min_cable_cut == 2
    # The festoon gives TO two links (FJ and US) but it is still one cable.
    assert result["TO"].international_links == 2
    assert result["TO"].cables == 1


def test_a_station_cut_can_be_smaller_than_the_cable_cut() -> None:
    net = network(
        {"us1": "US", "gb1": "GB", "to1": "TO"},
        {"atlantic": ["us1", "gb1"], "a": ["to1", "us1"], "b": ["to1", "gb1"]},
    )
    result = analyse(net)["TO"]
    assert result.min_cable_cut == 2
    assert result.min_station_cut == 1
    assert result.station_single_points_of_failure == ("to1",)


def test_a_hub_must_reach_another_hub() -> None:
    net = network({"us1": "US", "gb1": "GB"}, {"atlantic": ["us1", "gb1"]})
    result = analyse(net)
    assert result["US"].min_cable_cut == 1
    assert result["US"].single_points_of_failure == ("atlantic",)


def test_a_branch_fails_with_its_trunk() -> None:
    extra = (Unit("spur", "branch", (lp("to1"), via("to-us"))),)
    net = network(
        {"us1": "US", "gb1": "GB", "to1": "TO", "nu1": "NU"},
        {"atlantic": ["us1", "gb1"], "to-us": ["to1", "us1"]},
        extra=extra,
    )
    fg = compile_flow_graph(net)
    assert min_cut(fg, "TO").value == 1  # spur + trunk give no second independent path
    assert min_cut(fg, "TO", removed_units=["to-us"]).value == 0


def test_a_ground_station_adds_an_independent_path() -> None:
    extra = (Unit("gs", "ground_station", (country("TO"), "core")),)
    net = network(
        {"us1": "US", "gb1": "GB", "to1": "TO"},
        {"atlantic": ["us1", "gb1"], "to-us": ["to1", "us1"]},
        extra=extra,
    )
    assert analyse(net)["TO"].min_cable_cut == 2


def test_a_country_without_cables_in_service_has_min_cut_zero() -> None:
    cables = [FakeCable("atlantic", ["us1", "gb1"]), FakeCable("new", ["sh1", "gb1"], (), True)]
    net = build_network(cables, {"us1": "US", "gb1": "GB", "sh1": "SH"}, hubs=("US", "GB"))
    assert analyse(net)["SH"].min_cable_cut == 0


def test_unknown_countries_and_bad_modes_are_refused() -> None:
    fg = compile_flow_graph(chain())
    with pytest.raises(KeyError, match="ZZ"):
        min_cut(fg, "ZZ")
    with pytest.raises(ValueError, match="mode"):
        fg.capacities("cables")


def test_the_score_rises_with_each_independent_path_and_shows_its_inputs() -> None:
    one, two, ten = score(1, 1, 1), score(2, 2, 2), score(10, 10, 10)
    assert 0 < one.value < two.value < ten.value <= 100
    assert score(0, 0, 0).value == 0
    assert two.inputs == {"cable_cut": 2, "station_cut": 2, "neighbours": 2}
    assert two.weights == {"cable_cut": 0.6, "station_cut": 0.3, "neighbours": 0.1}
    with pytest.raises(ValueError, match="weights"):
        score(1, 1, 1, {"cable_cut": -1, "station_cut": 1, "neighbours": 1})


def test_default_hubs_are_the_countries_with_most_international_cables() -> None:
    net = network(
        {"us1": "US", "gb1": "GB", "fr1": "FR", "to1": "TO"},
        {"a": ["us1", "gb1"], "b": ["us1", "fr1"], "c": ["us1", "to1"], "d": ["gb1", "fr1"]},
    )
    assert default_hubs(net, 2) == ("US", "FR")


def random_network(seed: int) -> Network:
    rng = random.Random(seed)
    codes = ["US", "GB", "FR", "TO", "FJ", "NU", "WS", "CK"]
    landing = {f"{c.lower()}{i}": c for c in codes for i in range(rng.randint(1, 3))}
    points = list(landing)
    cables = {f"c{k}": rng.sample(points, rng.randint(2, 4)) for k in range(rng.randint(6, 14))}
    return network(landing, cables, hubs=("US", "GB", "FR"))


@pytest.mark.parametrize("seed", range(12))
def test_igraph_and_networkx_agree_on_random_small_graphs(seed: int) -> None:
    net = random_network(seed)
    fast = analyse(net)
    for mode in ("unit", STATION_MODE):
        slow = ref.all_min_cuts(net, mode)
        got = {c: r.min_cable_cut if mode == "unit" else r.min_station_cut for c, r in fast.items()}
        assert got == slow


@pytest.mark.parametrize("seed", range(8))
def test_the_sweep_matches_cutting_each_cable_in_turn(seed: int) -> None:
    net = random_network(seed)
    sweep = single_failure_sweep(compile_flow_graph(net))
    brute = ref.brute_force_sweep(net)
    for unit_id, after in brute.items():
        assert {c: sweep.after(unit_id, c) for c in after} == after


@pytest.mark.parametrize("seed", range(6))
def test_the_station_sweep_matches_cutting_each_station_in_turn(seed: int) -> None:
    net = random_network(seed)
    sweep = single_failure_sweep(compile_flow_graph(net), STATION_MODE)
    brute = ref.brute_force_sweep(net, mode=STATION_MODE)
    for station, after in brute.items():
        assert {c: sweep.after(station, c) for c in after} == after


@pytest.mark.realdata
@pytest.mark.slow
def test_igraph_and_networkx_agree_on_the_real_map(v3_network: Network) -> None:
    fast = analyse(v3_network)
    slow = ref.all_min_cuts(v3_network)
    assert {c: r.min_cable_cut for c, r in fast.items()} == slow


@pytest.mark.realdata
def test_the_real_sweep_matches_recomputing_after_each_cut(v3_network: Network) -> None:
    fg = compile_flow_graph(v3_network)
    sweep = single_failure_sweep(fg)
    # Recompute from scratch (igraph) for a spread of cables, including known SPOFs.
    sample = [*sorted(v3_network.units)[::60], "tonga-cable", "africa-coast-to-europe-ace"]
    for unit_id in sample:
        for code in v3_network.countries():
            again = min_cut(fg, code, removed_units=[unit_id], with_critical=False).value
            assert sweep.after(unit_id, code) == again, (unit_id, code)


@pytest.mark.realdata
def test_the_real_map_shows_known_single_cable_dependencies(v3_network: Network) -> None:
    result = analyse(v3_network)
    # Tonga had one international cable in 2022: the eruption cut it off.
    assert result["TO"].min_cable_cut == 1
    assert result["TO"].single_points_of_failure == ("tonga-cable",)
    # Sao Tome and Principe hangs on ACE alone.
    assert result["ST"].single_points_of_failure == ("africa-coast-to-europe-ace",)
    # The big hubs are far from a single point of failure.
    assert result["US"].min_cable_cut >= 10
    assert result["GB"].min_cable_cut >= 10
    assert result["TO"].score.value < result["FJ"].score.value < result["US"].score.value


@pytest.mark.parametrize("seed", range(6))
def test_the_networkx_residual_sweep_matches_the_brute_force_one(seed: int) -> None:
    net = random_network(seed)
    residual = ref.residual_sweep(net)
    base = residual.pop("")
    for unit_id, after in ref.brute_force_sweep(net).items():
        expected = {c: residual.get(unit_id, {}).get(c, base[c]) for c in after}
        assert expected == after
