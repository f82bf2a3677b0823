"""The JSON API at /api/v1/infrastructure/: lists, resilience, scenarios, the planner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from cybercommons.infrastructure import services
from cybercommons.infrastructure.models import CandidateProject, Dataset

pytestmark = pytest.mark.django_db
BASE = "/api/v1/infrastructure"


def _client(user: Any = None) -> Client:
    client = Client(enforce_csrf_checks=False)
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(BASE + path, data=json.dumps(body), content_type="application/json")


def test_it_lists_cables_with_a_cursor(sample: Dataset) -> None:
    response = _client().get(f"{BASE}/cables?limit=4")
    data = response.json()
    assert response.status_code == 200
    assert len(data["items"]) == 4
    assert data["next"]
    names = [c["name"] for c in data["items"]]
    assert names == sorted(names)
    rest = _client().get(f"{BASE}/cables", {"limit": 50, "cursor": data["next"]}).json()
    assert len(data["items"]) + len(rest["items"]) == 10
    filtered = _client().get(f"{BASE}/cables?country=TO").json()["items"]
    assert {c["id"] for c in filtered} == {"sample-tonga-cable", "sample-tonga-domestic"}


def test_it_gives_a_cable_with_its_landing_points(sample: Dataset) -> None:
    pk = _client().get(f"{BASE}/cables?q=Niue").json()["items"][0]["pk"]
    data = _client().get(f"{BASE}/cables/{pk}").json()
    assert {p["country"] for p in data["landing_points"]} == {"NU", "CK"}
    assert _client().get(f"{BASE}/cables/999999").status_code == 404


def test_it_lists_landing_points_by_country(sample: Dataset) -> None:
    items = _client().get(f"{BASE}/landing-points?country=FJ").json()["items"]
    assert {p["id"] for p in items} == {"sample-suva", "sample-lautoka"}


def test_it_gives_resilience_with_the_inputs(sample: Dataset) -> None:
    data = _client().get(f"{BASE}/countries").json()
    assert data["hubs"] == ["AU", "NZ", "US"]
    tonga = next(c for c in data["countries"] if c["country"] == "TO")
    assert tonga["single_points_of_failure"] == ["sample-tonga-cable"]
    assert tonga["score"]["inputs"]["cable_cut"] == 1
    assert _client().get(f"{BASE}/countries/nu").json()["min_cable_cut"] == 1


def test_an_unknown_country_is_a_problem_document(sample: Dataset) -> None:
    response = _client().get(f"{BASE}/countries/QQ")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_anyone_may_run_a_scenario_without_saving(sample: Dataset) -> None:
    response = _post(_client(), "/scenarios/run",
                     {"kind": "cut", "parameters": {"cables": ["sample-tonga-cable"]}})
    assert response.status_code == 200
    assert response.json()["newly_cut_off"] == ["TO"]


def test_bad_scenario_parameters_are_a_400_problem(sample: Dataset) -> None:
    response = _post(_client(), "/scenarios/run",
                     {"kind": "storm", "parameters": {"spacing_km": 2}})
    assert response.status_code == 400
    assert "repeater_spacing_km must lie in [10.0, 500.0]" in response.json()["detail"]
    response = _post(_client(), "/scenarios/run",
                     {"kind": "storm", "parameters": {"trials": 500_000}})
    assert response.status_code == 400
    assert "at most 5000" in response.json()["detail"]


def test_saving_needs_an_account(sample: Dataset) -> None:
    response = _post(_client(), "/scenarios", {"kind": "cut", "title": "x",
                                               "parameters": {"cables": ["sample-tonga-cable"]}})
    assert response.status_code == 401


def test_private_scenarios_are_invisible_to_outsiders(sample: Dataset, cast: Any) -> None:
    response = _post(_client(cast.owner), "/scenarios", {
        "kind": "cut", "title": "Mine", "parameters": {"cables": ["sample-samoa-link"]}})
    assert response.status_code == 201
    scenario_id = response.json()["id"]
    assert _client(cast.owner).get(f"{BASE}/scenarios/{scenario_id}").status_code == 200
    assert _client(cast.outsider).get(f"{BASE}/scenarios/{scenario_id}").status_code == 404
    assert _client().get(f"{BASE}/scenarios/{scenario_id}").status_code == 404
    titles = [s["title"] for s in _client(cast.outsider).get(f"{BASE}/scenarios").json()["items"]]
    assert "Mine" not in titles
    assert "Mine" in [s["title"] for s in
                      _client(cast.owner).get(f"{BASE}/scenarios").json()["items"]]
    patch = _client(cast.outsider).patch(f"{BASE}/scenarios/{scenario_id}",
                                         data=json.dumps({"is_public": True}),
                                         content_type="application/json")
    assert patch.status_code == 404
    assert _client(cast.outsider).delete(f"{BASE}/scenarios/{scenario_id}").status_code == 404
    shared = _client(cast.owner).patch(f"{BASE}/scenarios/{scenario_id}",
                                       data=json.dumps({"is_public": True}),
                                       content_type="application/json")
    assert shared.status_code == 200
    assert _client().get(f"{BASE}/scenarios/{scenario_id}").json()["results"]["affected"] > 0


def test_ready_scenarios_are_listed(countries: None) -> None:
    keys = {r["key"] for r in _client().get(f"{BASE}/ready-scenarios").json()}
    assert keys == {"tonga-2022", "red-sea-2024", "west-africa-2024", "baltic-2024"}


def test_the_planner_runs_on_candidates_the_caller_may_use(sample: Dataset, cast: Any) -> None:
    ids = list(CandidateProject.objects.values_list("pk", flat=True))
    private = services.create_candidate(cast.owner, name="Owner's", kind="ground_station",
                                        cost=1, links={"country": "WS"})
    response = _post(_client(cast.outsider), "/planner/run",
                     {"candidates": [*ids, private.pk], "budget": 30})
    assert response.status_code == 400
    assert str(private.pk) in response.json()["detail"]
    response = _post(_client(cast.owner), "/planner/run", {"candidates": ids, "budget": 30})
    data = response.json()
    assert response.status_code == 200
    assert data["result"]["exact_gain"] == 4
    assert _client(cast.outsider).get(f"{BASE}/planner/{data['id']}").status_code == 404
    assert _client(cast.owner).get(f"{BASE}/planner/{data['id']}").status_code == 200
    assert _post(_client(), "/planner/run", {"candidates": ids, "budget": 30}).status_code == 401


def test_an_id_too_large_for_the_database_is_a_client_error(sample: Dataset, cast: Any) -> None:
    response = _post(_client(cast.owner), "/planner/run",
                     {"candidates": [10**30], "budget": 30})
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_candidates_list_hides_private_ones(sample: Dataset, cast: Any) -> None:
    response = _post(_client(cast.owner), "/candidates", {
        "name": "Secret link", "kind": "terrestrial", "cost": 3, "links": {"a": "FJ", "b": "TO"}})
    assert response.status_code == 201
    outsider_names = [c["name"] for c in
                      _client(cast.outsider).get(f"{BASE}/candidates?limit=100").json()["items"]]
    assert "Secret link" not in outsider_names
    assert len(outsider_names) == 6


def test_anonymous_storms_are_smaller(sample: Dataset, cast: Any) -> None:
    body = {"kind": "storm", "parameters": {"trials": 6000, "level": "cable"}}
    response = _post(_client(), "/scenarios/run", body)
    assert response.status_code == 400
    assert "at most 5000" in response.json()["detail"]
    assert _post(_client(cast.owner), "/scenarios/run", body).status_code == 200
