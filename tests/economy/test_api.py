"""The economy API: status codes, problem documents, pagination, and nothing private for
outsiders through lists, details or matches."""

from __future__ import annotations

import json

import pytest

from cybercommons.economy import services

API = "/api/v1/economy"


@pytest.mark.django_db
def test_observations_are_filtered_and_paginated_by_cursor(client, small_store):
    response = client.get(f"{API}/observations", {"indicator": "IT.NET.USER.ZS",
                                                   "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == 2
    assert body["next"]
    seen = [item["geo"] + str(item["year"]) for item in body["items"]]
    second = client.get(f"{API}/observations", {"indicator": "IT.NET.USER.ZS", "limit": 2,
                                                "cursor": body["next"]}).json()
    seen += [item["geo"] + str(item["year"]) for item in second["items"]]
    assert len(set(seen)) == 4
    kenya = client.get(f"{API}/observations", {"country": "KE", "year": 2020}).json()
    assert {i["indicator"] for i in kenya["items"]} >= {"IT.NET.USER.ZS", "IT_MOB_4GNTWK"}
    assert all(i["country"] == "KE" for i in kenya["items"])
    aggregates = client.get(f"{API}/observations", {"geo_kind": "aggregate"}).json()
    assert [i["geo"] for i in aggregates["items"]] == ["WLD"]


@pytest.mark.django_db
def test_a_forged_cursor_and_an_unknown_country_are_problems(client, small_store):
    response = client.get(f"{API}/observations", {"cursor": "abc"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(f"{API}/observations", {"country": "QQ"}).status_code == 404


@pytest.mark.django_db
def test_rankings_and_comparison_come_from_the_stored_definitions(client, small_store):
    body = client.get(f"{API}/indices/open-connectivity/rankings", {"year": 2020}).json()
    assert [r["country"] for r in body["rows"]] == ["FR", "NP", "KE"]
    assert "not imputed" in body["missing_data_rule"]
    assert body["missing_data_rule_message"]["code"] == "index.missing_data_rule"
    assert body["missing_data_rule_message"]["params"] == {
        "min_pillar_share": 0.5, "require_all_pillars": True}
    ldc = client.get(f"{API}/indices/open-connectivity/rankings",
                     {"year": 2020, "group": "ldc"}).json()
    assert [r["country"] for r in ldc["rows"]] == ["NP"]
    assert client.get(f"{API}/indices/nope/rankings").status_code == 404
    compared = client.get(f"{API}/indices/open-connectivity/compare/itu-idi-2023").json()
    assert compared["a"] == "open-connectivity"


@pytest.mark.django_db
def test_a_bad_index_definition_is_a_problem_with_the_kernel_reasons(client, cast):
    client.force_login(cast.owner)
    payload = {"code": "half", "name": "Half", "pillars": [{"code": "p", "weight": 0.5}],
               "indicators": [{"code": "A", "pillar": "p", "weight": 1, "worst": 0}]}
    response = client.post(f"{API}/indices", json.dumps(payload),
                           content_type="application/json")
    assert response.status_code == 400
    problem = response.json()
    assert "pillar weights add up to 0.5, not 1" in problem["detail"]
    assert "has no best goalpost" in problem["detail"]
    assert [(e["type"], e["ctx"]) for e in problem["errors"]] == [
        ("index.indicator_no_best", {"indicator": "A"}),
        ("index.pillar_weights_sum", {"total": 0.5}),
    ]
    assert problem["errors"][1]["msg"] == "pillar weights add up to 0.5, not 1"
    client.logout()
    assert client.post(f"{API}/indices", json.dumps(payload),
                       content_type="application/json").status_code == 401


@pytest.mark.django_db
def test_the_country_index_and_progress_endpoints(client, small_store):
    assert client.get(f"{API}/countries/KE/index",
                      {"index": "open-connectivity"}).json()["year"] == 2020
    progress = client.get(f"{API}/countries/KEN/progress").json()
    assert progress[0]["indicator"] == "IT.NET.USER.ZS"
    assert progress[0]["slope_per_year"] == pytest.approx(5.0)
    assert client.get(f"{API}/countries/QQ/progress").status_code == 404
    # The trend window is a parameter: too short a window is a 422 problem, not a 500.
    assert client.get(f"{API}/countries/KEN/progress", {"window": 2}).json()[0][
        "slope_per_year"] == pytest.approx(5.0)
    assert client.get(f"{API}/countries/KEN/progress", {"window": 1}).status_code == 422


PRIVATE = ("budget_usd", "ask_usd", "needs", "contact")


@pytest.mark.django_db
def test_an_outsider_sees_no_private_field_nor_private_project(client, market, cast):
    client.force_login(cast.outsider)
    listed = client.get(f"{API}/projects").json()["items"]
    assert [p["name"] for p in listed] == ["Rural community networks"]
    assert all(listed[0][field] is None for field in PRIVATE)
    detail = client.get(f"{API}/projects/{market.project.pk}").json()
    assert all(detail[field] is None for field in PRIVATE)
    assert client.get(f"{API}/projects/{market.private_project.pk}").status_code == 404
    assert client.get(f"{API}/funders/{market.funder.pk}").json()["notes"] is None
    assert client.get(f"{API}/interests").json()["items"] == []
    funder_matches = client.get(f"{API}/funders/{market.funder.pk}/matches").json()
    assert [m["project"] for m in funder_matches] == [market.project.pk]


@pytest.mark.django_db
def test_the_parties_see_private_fields_after_an_expression_of_interest(client, market, cast):
    client.force_login(cast.banker)
    assert client.get(f"{API}/projects/{market.project.pk}").json()["needs"] is None
    response = client.post(f"{API}/interests", json.dumps({
        "project": market.project.pk, "funder": market.funder.pk, "message": "Hello"}),
        content_type="application/json")
    assert response.status_code == 201
    interest = response.json()
    assert interest["score"] > 0
    assert client.get(f"{API}/projects/{market.project.pk}").json()["needs"] == \
        "Capital for 120 sites"
    client.force_login(cast.outsider)
    assert client.post(f"{API}/interests/{interest['id']}/answer",
                       json.dumps({"status": "accepted"}),
                       content_type="application/json").status_code == 404
    client.force_login(cast.owner)
    answered = client.post(f"{API}/interests/{interest['id']}/answer",
                           json.dumps({"status": "accepted"}),
                           content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["status"] == "accepted"
    assert client.get(f"{API}/funders/{market.funder.pk}").json()["notes"] == \
        "Board prefers co-finance"


@pytest.mark.django_db
def test_projects_are_created_through_the_api_by_editors_only(client, cast):
    payload = {"organisation": "ministry-ict", "name": "API project", "country": "KE",
               "sdg_targets": ["9.c"]}
    client.force_login(cast.outsider)
    response = client.post(f"{API}/projects", json.dumps(payload),
                           content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    client.force_login(cast.owner)
    created = client.post(f"{API}/projects", json.dumps(payload),
                          content_type="application/json")
    assert created.status_code == 201
    bad = client.post(f"{API}/projects", json.dumps({**payload, "sdg_targets": ["x"]}),
                      content_type="application/json")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_indices_are_listed_with_the_built_in_idi(client, db):
    services.ensure_built_in_indices()
    codes = [i["code"] for i in client.get(f"{API}/indices").json()]
    assert "itu-idi-2023" in codes
    idi = client.get(f"{API}/indices/itu-idi-2023").json()
    unconfirmed = {i["code"] for i in idi["definition"]["indicators"]
                   if not i["goalposts_confirmed"]}
    assert unconfirmed == {"i136mwi_subs", "i135tfb_subs", "i271mb_high_ts_GNI",
                           "i154_FBB_ts_GNI"}


@pytest.mark.django_db
def test_import_reports_are_listed_to_staff_only(client, cast, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("iso,year,v\nKEN,2020,40\nKEN,2021,n/a\n", encoding="utf-8")
    from cybercommons.economy.importers.formats import parse_column_map

    services.import_file(None, "csv", path, system=True, column_map=parse_column_map(
        '{"geo": "iso", "year": "year", "value": "v", "indicator": "X.Y"}'))
    client.force_login(cast.outsider)
    assert client.get(f"{API}/imports").json()["items"] == []
    cast.outsider.is_staff = True
    cast.outsider.save()
    runs = client.get(f"{API}/imports").json()["items"]
    assert [(r["file_name"], r["rows_written"], r["counts"]["missing_value"]) for r in runs] == \
        [("x.csv", 1, 1)]


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_economy_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/economy/")]
    assert "/api/v1/economy/observations" in paths
    assert "/api/v1/economy/interests/{pk}/answer" in paths
    assert "EconomyProjectOut" in schema["components"]["schemas"]
