"""The budgeted investment planner."""

from __future__ import annotations

import pytest

from cybercommons.infrastructure.kernel import planner as pl
from cybercommons.infrastructure.kernel.graph import Network, country, lp

from .small_networks import chain, network


def two_islands() -> Network:
    """TO and WS each hang on one cable to the US; US-GB is doubled."""
    return network(
        {"us1": "US", "gb1": "GB", "to1": "TO", "ws1": "WS"},
        {
            "atlantic-a": ["us1", "gb1"],
            "atlantic-b": ["us1", "gb1"],
            "to-us": ["to1", "us1"],
            "ws-us": ["ws1", "us1"],
        },
    )


def test_it_picks_the_best_projects_within_the_budget() -> None:
    candidates = [
        pl.ground_station("gs-to", 5, "TO"),
        pl.ground_station("gs-ws", 5, "WS"),
        pl.new_cable("to-gb", 8, [lp("to1"), lp("gb1")]),
        pl.terrestrial_link("nowhere", 1, "US", "GB"),  # joins two hubs: worth nothing here
    ]
    result = pl.plan(two_islands(), candidates, budget=10)
    assert result.status == "optimal"
    assert result.chosen == ("gs-to", "gs-ws")
    assert result.total_cost == 10
    # The US also gains: it now reaches the core through either island's ground station
    # (its cut rises from 2 to 4, counted up to the cap of 3).
    assert result.country_gain == {"TO": 1.0, "WS": 1.0, "US": 1.0}
    assert result.exact_gain == result.estimated_gain == 3
    assert result.marginal_value == {"gs-to": 1.0, "gs-ws": 1.0}
    assert result.min_cut_after["TO"] == 2
    assert result.min_cut_after["WS"] == 2


def test_the_cap_stops_the_plan_from_piling_links_on_one_country() -> None:
    candidates = [pl.ground_station(f"gs-to-{i}", 1, "TO") for i in range(4)]
    result = pl.plan(two_islands(), candidates, budget=100, cap=2)
    assert len(result.chosen) == 1
    assert result.exact_gain == 1


def test_a_branch_onto_the_failing_trunk_is_worth_nothing() -> None:
    candidates = [pl.branch("spur", 1, lp("to1"), "to-us"), pl.ground_station("gs", 3, "TO")]
    result = pl.plan(two_islands(), candidates, budget=3)
    assert result.chosen == ("gs",)


def test_one_project_can_lift_every_country_behind_it() -> None:
    # NU hangs behind TO, TO behind the US, the US has one cable to GB. A ground station on
    # TO gives TO and the US a second path; NU's own cable remains its single point of
    # failure, so NU gains nothing.
    result = pl.plan(chain(), [pl.ground_station("gs-to", 2, "TO")], budget=2)
    assert result.chosen == ("gs-to",)
    assert result.country_gain == {"TO": 1.0, "US": 1.0}
    assert result.marginal_value == {"gs-to": 2.0}
    assert result.min_cut_after["NU"] == 1


def test_it_moves_the_most_people_out_of_single_cable_dependence() -> None:
    candidates = [pl.ground_station("gs-to", 5, "TO"), pl.ground_station("gs-ws", 5, "WS")]
    result = pl.plan(
        two_islands(),
        candidates,
        budget=5,
        objective="population_out_of_spof",
        population={"TO": 100_000, "WS": 200_000},
    )
    assert result.chosen == ("gs-ws",)
    assert result.exact_gain == 200_000


def test_no_candidates_is_reported_clearly() -> None:
    result = pl.plan(two_islands(), [], budget=10)
    assert result.status == "no_candidates"
    assert "no candidate" in result.message


def test_a_budget_that_buys_nothing_is_reported_clearly() -> None:
    result = pl.plan(two_islands(), [pl.ground_station("gs", 5, "TO")], budget=2)
    assert result.status == "budget_too_small"
    assert "cheapest costs 5" in result.message


def test_required_projects_over_budget_are_infeasible() -> None:
    candidates = [pl.ground_station("a", 5, "TO"), pl.ground_station("b", 5, "WS")]
    result = pl.plan(two_islands(), candidates, budget=8, required=["a", "b"])
    assert result.status == "infeasible"
    assert "10" in result.message


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"budget": -1}, "budget"),
        ({"budget": float("nan")}, "budget"),
        ({"objective": "happiness"}, "objective"),
        ({"cap": 0}, "cap"),
        ({"objective": "population_out_of_spof"}, "population"),
    ],
)
def test_bad_planner_input_is_refused(kwargs: dict, message: str) -> None:
    args = {"budget": 10.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        pl.plan(two_islands(), [pl.ground_station("gs", 5, "TO")], **args)


def test_bad_projects_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="cost"):
        pl.plan(two_islands(), [pl.ground_station("free", 0, "TO")], budget=1)
    with pytest.raises(ValueError, match="twice"):
        pl.plan(two_islands(), [pl.ground_station("x", 1, "TO")] * 2, budget=1)
    with pytest.raises(ValueError, match="two endpoints"):
        pl.new_cable("solo", 1, [country("TO")])


@pytest.mark.realdata
def test_a_ground_station_for_tonga_lifts_tonga_on_the_real_map(v3_network: Network) -> None:
    candidates = [
        pl.ground_station("gs-to", 10, "TO"),
        pl.terrestrial_link("us-gb", 1, "US", "GB"),
        pl.ground_station("gs-us", 10, "US"),
    ]
    result = pl.plan(v3_network, candidates, budget=10)
    assert result.chosen == ("gs-to",)
    assert result.country_gain["TO"] == 1
    assert result.min_cut_after["TO"] == 2


def test_projects_through_the_same_bottleneck_are_flagged() -> None:
    # Two parallel TO-WS links: each alone gives TO and WS a second path, but together they
    # still depend on the same two island cables, so the second link adds nothing.
    candidates = [
        pl.terrestrial_link("link-1", 1, "TO", "WS"),
        pl.terrestrial_link("link-2", 1, "TO", "WS"),
    ]
    result = pl.plan(two_islands(), candidates, budget=2)
    assert result.exact_gain == 2
    assert result.estimated_gain > result.exact_gain
    assert "share a bottleneck" in result.message
    assert set(result.marginal_value.values()) == {0.0}
