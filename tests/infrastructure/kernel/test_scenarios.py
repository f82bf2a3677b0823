"""Cuts, regions, real events and storms, on hand-drawn networks and the real 2022 map."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from cybercommons.infrastructure.kernel import networkx_reference as ref
from cybercommons.infrastructure.kernel import scenarios as sc
from cybercommons.infrastructure.kernel.geometry import Region, bbox_region, segment_cable
from cybercommons.infrastructure.kernel.graph import Network
from cybercommons.infrastructure.kernel.resilience import country_counts
from cybercommons.infrastructure.kernel.telegeography import Dataset

from .small_networks import chain, island_with_two_cables, network

# A trunk US (0, 0) -> TO (10, 0) -> GB (20, 0), drawn as one line through TO's landing.
TRUNK = (((0.0, 0.0), (10.0, 0.0), (20.0, 0.0)),)
BRANCHED = (((0.0, 0.0), (10.0, 0.0), (20.0, 0.0)), ((10.0, 0.0), (10.0, -5.0)))
POSITIONS = {"us1": (0.0, 0.0), "to1": (10.0, 0.0), "gb1": (20.0, 0.0), "fj1": (10.0, -5.0)}


def trunk_network() -> Network:
    return network(
        {"us1": "US", "gb1": "GB", "to1": "TO", "fj1": "FJ"},
        {"trunk": ["us1", "to1", "gb1"], "atlantic": ["us1", "gb1"], "branchy": []},
        routes={"trunk": TRUNK},
    )


def test_cutting_one_of_two_cables_leaves_the_country_connected() -> None:
    result = sc.run_cut(island_with_two_cables(), units=["to-us"], population={"TO": 100_000})
    impact = result.impacts["TO"]
    assert (impact.min_cut_before, impact.min_cut_after) == (2, 1)
    assert (impact.cables_before, impact.cables_after) == (2, 1)
    assert impact.links_lost == 1
    assert not impact.cut_off
    assert result.newly_cut_off == []
    assert "TO" in result.affected
    assert "FR" not in result.impacts


def test_cutting_a_single_point_of_failure_cuts_off_everything_behind_it() -> None:
    result = sc.run_cut(chain(), units=["to-us"], population={"TO": 100, "NU": 2})
    assert result.newly_cut_off == ["NU", "TO"]
    assert result.population_cut_off == 102
    assert result.impacts["NU"].links_lost == 0  # its own cable to TO still works


def test_cutting_a_landing_station_counts_like_its_cables() -> None:
    result = sc.run_cut(chain(), stations=["to1"])
    assert result.newly_cut_off == ["NU", "TO"]
    # Both cables landing at to1 stop serving TO; the US keeps its Atlantic cable.
    assert result.impacts["TO"].cables_after == 0
    assert result.impacts["US"].links_lost == 1


def test_the_comparison_lines_up_each_country_across_scenarios() -> None:
    net = island_with_two_cables()
    one = sc.run_cut(net, units=["to-us"], name="one")
    both = sc.run_cut(net, units=["to-us", "to-gb"], name="both")
    view = sc.compare([one, both])
    assert [i.min_cut_after for i in view["TO"]] == [1, 0]
    assert "FR" not in view


def test_unknown_ids_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="no-such-cable"):
        sc.run_cut(chain(), units=["no-such-cable"])
    with pytest.raises(ValueError, match="level"):
        sc.run_cut(chain(), level="repeater")


def test_a_region_cuts_every_cable_crossing_it() -> None:
    net = trunk_network()
    box = bbox_region("gap", 14.0, -1.0, 16.0, 1.0)  # no vertex inside: the line crosses it
    assert sc.units_in_region(net, box) == ["trunk"]
    far = bbox_region("far", 50.0, 50.0, 60.0, 60.0)
    assert sc.units_in_region(net, far) == []
    result = sc.run_region(net, box)
    assert result.impacts["TO"].cut_off


def test_segment_level_keeps_the_stretch_before_the_break() -> None:
    seg = sc.segment_network(trunk_network(), POSITIONS)
    segments = [u for u in seg.units.values() if u.kind == "segment"]
    assert len(segments) == 2  # split where TO's landing point sits on the trunk
    box = bbox_region("gap", 14.0, -1.0, 16.0, 1.0)
    result = sc.run_region(seg, box, level=sc.SEGMENT_LEVEL)
    assert len(result.removed_units) == 1
    to = result.impacts["TO"]
    # TO still reaches the US over the intact western segment.
    assert not to.cut_off
    assert to.links_lost == 1
    assert to.min_cut_after == 1


def test_segments_split_where_a_branch_leaves_the_trunk() -> None:
    cut = segment_cable("c", BRANCHED, {"us1": (0, 0), "gb1": (20, 0), "fj1": (10, -5)})
    assert len(cut.segments) == 3
    assert cut.attachments["fj1"] not in (cut.attachments["us1"], cut.attachments["gb1"])
    assert all(math.isclose(d, 0.0, abs_tol=1e-6) for d in cut.attach_km.values())
    assert math.isclose(
        sum(s.length_km for s in cut.segments), 20 * 111.195 + 5 * 111.195, rel_tol=1e-3
    )


def test_regions_refuse_shapes_that_cannot_be_tested() -> None:
    with pytest.raises(ValueError, match="west < east"):
        bbox_region("bad", 10, 0, 5, 1)
    with pytest.raises(ValueError, match="antimeridian"):
        Region("wide", ((-170.0, 0.0), (170.0, 0.0), (170.0, 5.0)))
    with pytest.raises(ValueError, match="unknown region"):
        sc.run_region(chain(), "atlantis")


def test_every_named_region_and_event_is_available() -> None:
    assert {"red-sea-corridor", "luzon-strait", "baltic-sea", "west-africa-coast"} <= set(
        sc.NAMED_REGIONS
    )
    assert set(sc.READY_SCENARIOS) == {
        "tonga-2022",
        "red-sea-2024",
        "west-africa-2024",
        "baltic-2024",
    }


def storm(**changes: object) -> sc.StormParameters:
    base = {"bands": (sc.LatitudeBand(40.0, 90.0, 0.5),), "trials": 200, "level": "cable"}
    base.update(changes)
    return sc.StormParameters(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"repeater_spacing_km": 1.0}, r"\[10.0, 500.0\]"),
        ({"trials": 0}, r"\[1, 1000000\]"),
        ({"bands": (sc.LatitudeBand(40.0, 95.0, 0.1),)}, "max_abs_lat <= 90"),
        ({"bands": (sc.LatitudeBand(40.0, 60.0, 1.5),)}, r"p_repeater must lie in \[0, 1\]"),
        ({"bands": (sc.LatitudeBand(0, 50, 0.1), sc.LatitudeBand(40, 60, 0.1))}, "overlap"),
        ({"bands": ()}, "at least one"),
    ],
)
def test_a_storm_with_absurd_parameters_is_refused_with_the_allowed_range(
    changes: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sc.run_storm(chain(), storm(**changes))


def polar_network() -> Network:
    # TO's only cable runs 700 km along 70 degrees north: 10 repeaters at 70 km spacing.
    lon_span = 700 / (111.195 * math.cos(math.radians(70)))
    route = {"to-us": (((0.0, 70.0), (lon_span, 70.0)),)}
    return network(
        {"us1": "US", "gb1": "GB", "to1": "TO"},
        {"atlantic": ["us1", "gb1"], "to-us": ["to1", "us1"]},
        routes=route,
    )


def test_storm_failure_probability_follows_the_repeater_count() -> None:
    probs = sc.failure_probabilities(polar_network(), storm(bands=(sc.LatitudeBand(60, 90, 0.1),)))
    assert probs["to-us"] == pytest.approx(1 - 0.9**10, rel=1e-2)
    assert probs["atlantic"] == 0.0  # no drawn route: not assessed


def test_the_monte_carlo_estimate_matches_the_exact_probability() -> None:
    params = storm(bands=(sc.LatitudeBand(60, 90, 0.05),), trials=20_000, seed=7)
    result = sc.run_storm(polar_network(), params, population={"TO": 1000.0})
    exact = 1 - 0.95**10
    assert result.p_cut_off["TO"] == pytest.approx(exact, abs=0.015)
    assert result.p_cut_off["US"] == 0.0
    assert result.expected_population_cut_off() == pytest.approx(1000 * exact, rel=0.05)
    assert result.mean_links_lost["TO"] == pytest.approx(exact, abs=0.015)


def test_a_storm_refuses_a_network_of_the_wrong_level() -> None:
    with pytest.raises(ValueError, match="segment_network"):
        sc.run_storm(polar_network(), storm(level="segment"))


def test_a_storm_is_reproducible_from_its_seed() -> None:
    a = sc.run_storm(polar_network(), storm(seed=3))
    b = sc.run_storm(polar_network(), storm(seed=3))
    assert np.array_equal(a.countries_cut_off_per_trial, b.countries_cut_off_per_trial)


def test_a_storm_outside_the_band_breaks_nothing() -> None:
    result = sc.run_storm(polar_network(), storm(bands=(sc.LatitudeBand(0, 30, 1.0),)))
    assert all(v == 0 for v in result.p_cut_off.values())


@pytest.fixture(scope="module")
def segmented(v3_network: Network, v3_dataset: Dataset) -> Network:
    positions = {p.id: (p.lon, p.lat) for p in v3_dataset.landing_points.values()}
    return sc.segment_network(v3_network, positions)


@pytest.mark.realdata
def test_tonga_2022_cuts_tonga_off_at_both_levels(
    v3_network: Network, v3_dataset: Dataset, segmented: Network
) -> None:
    for net, level in ((v3_network, "cable"), (segmented, "segment")):
        result = sc.run_ready(net, v3_dataset.cables, "tonga-2022", level=level)
        assert result.newly_cut_off == ["TO"]
        assert not any("absent" in n for n in result.notes)


@pytest.mark.realdata
def test_red_sea_2024_cuts_no_country_off_when_only_the_broken_segments_fail(
    v3_network: Network, v3_dataset: Dataset, segmented: Network
) -> None:
    segment = sc.run_ready(segmented, v3_dataset.cables, "red-sea-2024", level="segment")
    assert segment.newly_cut_off == []
    assert segment.impacts["EG"].links_lost > 0
    assert segment.impacts["IN"].links_lost > 0
    # Whole-cable modelling overstates it: Gibraltar's only cable (EIG) counts as lost.
    cable = sc.run_ready(v3_network, v3_dataset.cables, "red-sea-2024")
    assert cable.newly_cut_off == ["GI"]


@pytest.mark.realdata
def test_west_africa_2024_hits_the_gulf_of_guinea_hardest(
    v3_network: Network, segmented: Network, v3_dataset: Dataset
) -> None:
    # Whole-cable modelling cuts off countries whose stretches of SAT-3 and WACS held.
    cable = sc.run_ready(v3_network, v3_dataset.cables, "west-africa-2024")
    assert {"NA", "CD", "CG"} <= set(cable.newly_cut_off)
    result = sc.run_ready(segmented, v3_dataset.cables, "west-africa-2024", level="segment")
    lost = {c: i.links_lost for c, i in result.impacts.items()}
    assert result.newly_cut_off == []
    assert max(lost, key=lambda c: lost[c]) == "CI"
    assert lost["GH"] > 0
    assert lost["CI"] > lost["FR"]
    assert result.impacts["CI"].min_cut_after < result.impacts["CI"].min_cut_before


@pytest.mark.realdata
def test_baltic_2024_costs_links_but_no_country(v3_network: Network, v3_dataset: Dataset) -> None:
    result = sc.run_ready(v3_network, v3_dataset.cables, "baltic-2024")
    assert set(result.removed_units) == {"bcs-east-west-interlink", "c-lion1"}
    assert result.newly_cut_off == []
    assert {"FI", "DE", "LT", "SE"} <= set(result.affected)


@pytest.mark.realdata
def test_cables_named_in_the_record_but_missing_from_the_data_are_listed(
    v3_network: Network, v3_dataset: Dataset
) -> None:
    found, absent = sc.match_cable_names(["C-Lion1", "Imaginary Cable 9"], v3_dataset.cables)
    assert found == ["c-lion1"]
    assert absent == ["Imaginary Cable 9"]


@pytest.mark.realdata
def test_the_luzon_strait_region_holds_the_cables_through_it(v3_network: Network) -> None:
    hit = set(sc.units_in_region(v3_network, sc.NAMED_REGIONS["luzon-strait"]))
    assert {"asia-pacific-gateway-apg", "seamewe-3"} <= hit


@pytest.mark.realdata
def test_a_real_storm_hits_high_latitudes_first(segmented: Network) -> None:
    result = sc.run_storm(segmented, sc.illustrative_storm(trials=500, seed=1))
    assert result.p_cut_off["GL"] > 0
    assert result.p_cut_off["SG"] == 0.0
    assert result.p_cut_off["BR"] == 0.0


@pytest.mark.realdata
def test_inferred_segments_tie_nearly_every_landing_to_the_drawn_route(
    v3_dataset: Dataset,
) -> None:
    distances = []
    for cable in v3_dataset.cables.values():
        positions = {
            i: (v3_dataset.landing_points[i].lon, v3_dataset.landing_points[i].lat)
            for i in cable.landing_point_ids
        }
        distances += segment_cable(cable.id, cable.route, positions).attach_km.values()
    near = sum(d <= 50.0 for d in distances)
    assert len(distances) > 2000
    assert near / len(distances) > 0.99


def test_a_segmented_network_keeps_the_per_country_counts_of_its_cables() -> None:
    plain = trunk_network()
    seg = sc.segment_network(plain, POSITIONS)
    assert country_counts(seg) == country_counts(plain)


@pytest.mark.realdata
def test_a_regional_cut_is_milder_at_segment_level(v3_network: Network, segmented: Network) -> None:
    cable = sc.run_region(v3_network, "red-sea-corridor")
    segment = sc.run_region(segmented, "red-sea-corridor", level=sc.SEGMENT_LEVEL)
    assert set(segment.newly_cut_off) < set(cable.newly_cut_off)
    assert "DJ" in cable.newly_cut_off  # every Djibouti cable crosses the corridor


@pytest.mark.parametrize("seed", range(8))
def test_storm_connectivity_matches_the_networkx_reference(seed: int) -> None:
    rng = random.Random(seed)
    codes = ["US", "GB", "FR", "TO", "FJ", "NU", "WS"]
    landing = {f"{c.lower()}{i}": c for c in codes for i in range(rng.randint(1, 2))}
    points = list(landing)
    cables, routes = {}, {}
    for k in range(rng.randint(5, 12)):
        cables[f"c{k}"] = rng.sample(points, rng.randint(2, 3))
        lat = rng.choice([10.0, 70.0])  # half the cables run through the storm band
        routes[f"c{k}"] = (((0.0, lat), (30.0, lat)),)
    net = network(landing, cables, hubs=("US", "GB", "FR"), routes=routes)
    params = storm(bands=(sc.LatitudeBand(60.0, 90.0, 1.0),), trials=3)
    result = sc.run_storm(net, params)
    dead = [c for c, r in routes.items() if r[0][0][1] == 70.0]
    before = ref.connected_to_core(net)
    after = ref.connected_to_core(net, dead)
    expected = {c: float(before[c] and not after[c]) for c in net.countries()}
    assert result.p_cut_off == expected
    cut = sc.run_cut(net, units=dead)
    assert sorted(c for c, v in expected.items() if v) == cut.newly_cut_off
