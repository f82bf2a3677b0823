"""Analysis and services on the demo's Pacific network, whose answers are checked by hand.

Hubs are AU, NZ and US. Tonga hangs off Fiji by one cable; Niue hangs off the Cook
Islands by a branch, and the Cooks reach the core only through one trunk, so Niue has two
single points of failure; Fiji has three independent paths to the core.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import AuditEntry, Event
from cybercommons.infrastructure import analysis, services
from cybercommons.infrastructure.models import CandidateProject, Dataset, Scenario

pytestmark = pytest.mark.django_db


def test_it_finds_the_single_points_of_failure_of_the_sample(sample: Dataset) -> None:
    countries = analysis.resilience(sample)["countries"]
    assert countries["TO"]["min_cable_cut"] == 1
    assert countries["TO"]["single_points_of_failure"] == ["sample-tonga-cable"]
    assert countries["TO"]["min_station_cut"] == 1
    assert sorted(countries["NU"]["single_points_of_failure"]) == [
        "sample-niue-branch", "sample-polynesia-trunk"]
    assert countries["FJ"]["min_cable_cut"] == 3
    assert countries["FJ"]["single_points_of_failure"] == []
    assert countries["FJ"]["score"]["value"] > countries["TO"]["score"]["value"]
    assert countries["TO"]["score"]["inputs"]["cable_cut"] == 1


def test_it_caches_resilience_until_the_next_import(sample: Dataset) -> None:
    analysis.resilience(sample)
    stored = Dataset.objects.get(pk=sample.pk)
    assert stored.analysis_revision == stored.revision
    assert stored.analysis["countries"]["TO"]["min_cable_cut"] == 1
    stored.revision += 1
    stored.save(update_fields=["revision"])
    assert analysis.resilience(stored)["revision"] == stored.revision


def test_cutting_the_tonga_cable_cuts_tonga_off(sample: Dataset) -> None:
    out = analysis.run(sample, "cut", {"cables": ["Tonga Sample Cable"]})
    assert out["newly_cut_off"] == ["TO"]
    rows = {r["country"]: r for r in out["countries"]}
    assert rows["TO"]["min_cut_before"] == 1
    assert rows["TO"]["min_cut_after"] == 0
    assert rows["FJ"]["links_lost"] == 1
    assert not rows["FJ"]["cut_off"]
    assert out["population_cut_off"] == 100_000
    assert out["population_affected"] == 100_000 + 900_000


def test_cutting_a_landing_station_counts_as_a_station_loss(sample: Dataset) -> None:
    out = analysis.run(sample, "cut", {"stations": ["sample-rarotonga"]})
    assert sorted(out["newly_cut_off"]) == ["CK", "NU"]


def test_a_region_cuts_what_crosses_it(sample: Dataset) -> None:
    # A box around Nuku'alofa: the Tonga cable and its domestic extension cross it.
    out = analysis.run(sample, "region", {"bbox": [-176, -22, -174.5, -20]})
    assert {c["id"] for c in out["cables_cut"]} == {"sample-tonga-cable",
                                                     "sample-tonga-domestic"}
    assert out["newly_cut_off"] == ["TO"]


def test_a_ready_scenario_notes_cables_absent_from_the_sample(sample: Dataset) -> None:
    out = analysis.run(sample, "ready", {"key": "tonga-2022"})
    assert out["newly_cut_off"] == []
    assert any("absent from the data" in note for note in out["notes"])


def test_a_storm_without_exposed_cables_cuts_nothing(sample: Dataset) -> None:
    # Every sample cable lies below 40 degrees of latitude.
    out = analysis.run(sample, "storm", {"trials": 200, "level": "cable"})
    assert out["trials"] == 200
    assert out["expected_countries_cut_off"] == 0
    assert out["histogram"] == [200]


def test_a_certain_storm_in_the_tropics_cuts_every_island_off(sample: Dataset) -> None:
    steps: list[tuple[int, int]] = []
    out = analysis.run(sample, "storm", {"trials": 50, "bands": [[0, 40, 1.0]],
                                          "level": "cable"},
                       progress=lambda done, total: steps.append((done, total)))
    rows = {r["country"]: r for r in out["countries"]}
    assert rows["TO"]["p_cut_off"] == 1.0
    assert steps[-1] == (50, 50)


@pytest.mark.parametrize(("params", "message"), [
    ({"spacing_km": 1.0}, r"repeater_spacing_km must lie in \[10.0, 500.0\]"),
    ({"trials": 0}, r"trials must be an integer in \[1, 1000000\]"),
    ({"bands": [[60, 40, 0.1]]}, "band latitudes"),
    ({"bands": [[40, 60, 2.0]]}, r"p_repeater must lie in \[0, 1\]"),
])
def test_absurd_storm_parameters_are_refused_with_the_range(
        sample: Dataset, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        analysis.run(sample, "storm", params)


def test_unknown_cables_and_kinds_are_refused(sample: Dataset) -> None:
    with pytest.raises(ServiceError, match="no cable has the name or id: Atlantis"):
        analysis.run(sample, "cut", {"cables": ["Atlantis"]})
    with pytest.raises(ServiceError, match="unknown scenario kind"):
        analysis.run(sample, "flood", {})
    with pytest.raises(ServiceError, match="unknown region"):
        analysis.run(sample, "region", {"region": "atlantis"})


def test_saving_a_scenario_is_audited_and_private_by_default(sample: Dataset,
                                                             cast: Any) -> None:
    scenario = services.save_scenario(cast.owner, title="Tonga", kind="cut",
                                      parameters={"cables": "sample-tonga-cable"})
    assert not scenario.is_public
    assert scenario.results["newly_cut_off"] == ["TO"]
    assert AuditEntry.objects.filter(action="infrastructure.scenario.saved",
                                     object_id=str(scenario.pk)).exists()
    event = Event.objects.filter(name="infrastructure.scenario.saved").latest("created_at")
    assert "countries_cut_off" not in event.payload  # private findings stay private


def test_only_the_author_shares_or_deletes_a_scenario(sample: Dataset, cast: Any) -> None:
    scenario = services.save_scenario(cast.owner, title="Tonga", kind="cut",
                                      parameters={"cables": ["sample-tonga-cable"]})
    with pytest.raises(PermissionDenied):
        services.share_scenario(cast.outsider, scenario, True)
    with pytest.raises(PermissionDenied):
        services.delete_scenario(cast.outsider, scenario)
    services.share_scenario(cast.owner, scenario, True)
    assert Scenario.objects.get(pk=scenario.pk).is_public
    event = Event.objects.filter(name="infrastructure.scenario.saved").latest("created_at")
    assert event.payload["countries_cut_off"] == ["TO"]


def test_anonymous_visitors_cannot_save(sample: Dataset) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.save_scenario(AnonymousUser(), title="x", kind="cut",
                               parameters={"cables": ["sample-tonga-cable"]})


def test_the_planner_buys_the_best_set_within_the_budget(sample: Dataset, cast: Any) -> None:
    candidates = list(CandidateProject.objects.all())
    run = services.run_plan(cast.owner, candidates, budget=30)
    result = run.result
    names = {c["name"] for c in result["chosen"]}
    # The Niue–Tonga cable lifts Niue, Tonga and the Cooks to two paths each (+3); the
    # Tuvalu ground station adds one more for the remaining 5.
    assert names == {"Sample Niue–Tonga cable", "Sample Tuvalu ground station"}
    assert result["total_cost"] == 30
    assert result["exact_gain"] == 4
    marginal = {c["name"]: c["marginal_value"] for c in result["chosen"]}
    assert marginal == {"Sample Niue–Tonga cable": 3, "Sample Tuvalu ground station": 1}
    assert run.pk is not None


def test_the_planner_says_when_the_budget_buys_nothing(sample: Dataset, cast: Any) -> None:
    run = services.run_plan(cast.owner, list(CandidateProject.objects.all()), budget=1)
    assert run.result["status"] == "budget_too_small"
    assert "cheapest costs 5" in run.result["message"]
    with pytest.raises(ServiceError, match="No candidate projects"):
        services.run_plan(cast.owner, [], budget=100)


def test_a_candidate_with_an_unknown_landing_point_is_refused(sample: Dataset,
                                                              cast: Any) -> None:
    with pytest.raises(ServiceError, match="no landing point in the network"):
        services.create_candidate(cast.owner, name="x", kind="cable", cost=1,
                                  links={"endpoints": ["lp:nowhere", "FJ"]})
    created = services.create_candidate(cast.owner, name="Samoa ground station",
                                        kind="ground_station", cost=3,
                                        links={"country": "WS"})
    assert created.pk
    assert not created.is_public


def test_staff_correct_a_segment_and_the_analysis_is_recomputed(sample: Dataset,
                                                                 cast: Any) -> None:
    from cybercommons.infrastructure.models import Segment

    segment = Segment.objects.filter(cable__source_id="sample-tonga-cable").first()
    assert segment is not None
    revision = sample.revision
    with pytest.raises(PermissionDenied):
        services.edit_segment(cast.outsider, segment, end_a="a", end_b="b")
    services.edit_segment(cast.staff, segment, end_a="sample-suva", end_b="bu-1")
    segment.refresh_from_db()
    assert (segment.end_a, segment.inferred) == ("sample-suva", False)
    assert Dataset.objects.get(pk=sample.pk).revision == revision + 1


@pytest.mark.realdata
@pytest.mark.slow
def test_the_real_events_replay_on_the_2022_map(countries: None, shared_data: Any) -> None:
    services.import_file(None, "telegeography-v3",
                         shared_data / "submarine_cables" / "v3_2022-11", system=True)
    dataset = Dataset.objects.get()
    for level in ("cable", "segment"):
        tonga = analysis.run(dataset, "ready", {"key": "tonga-2022", "level": level})
        assert "TO" in tonga["newly_cut_off"]
    red_sea = analysis.run(dataset, "ready", {"key": "red-sea-2024", "level": "segment"})
    assert red_sea["newly_cut_off"] == []
    lost = {r["country"]: r["links_lost"] for r in red_sea["countries"]}
    assert lost["EG"] > 0
    assert lost["DJ"] > 0
    # At cable level EIG fails whole and Gibraltar, whose only cable it is, is cut off.
    cable_level = analysis.run(dataset, "ready", {"key": "red-sea-2024", "level": "cable"})
    assert "GI" in cable_level["newly_cut_off"]
