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
    assert [m["project"] for m in funder_matches["items"]] == [market.project.pk]
    assert funder_matches["total"] == 1


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
@pytest.mark.parametrize(("amount", "reason"), [
    ("1e20", "less than 100 trillion"), (1e15, "less than 100 trillion"),
    ("12.345", "two decimal places"), (-1, "zero or more")])
def test_an_amount_the_columns_cannot_hold_is_refused_and_the_lists_still_read(
        client, cast, amount, reason):
    payload = {"organisation": "ministry-ict", "name": "Priced project", "country": "KE",
               "sdg_targets": ["9.c"], "budget_usd": amount}
    client.force_login(cast.owner)
    refused = client.post(f"{API}/projects", json.dumps(payload),
                          content_type="application/json")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert reason in json.dumps(refused.json())
    assert "budget_usd" in json.dumps(refused.json())
    kept = client.post(f"{API}/projects", json.dumps({**payload, "budget_usd": "12.34"}),
                       content_type="application/json")
    assert kept.status_code == 201
    listed = client.get(f"{API}/projects")
    assert listed.status_code == 200
    assert [p["budget_usd"] for p in listed.json()["items"] if p["name"] == "Priced project"] \
        == ["12.34"]


@pytest.mark.django_db
def test_indices_are_listed_with_the_built_in_idi(client, db):
    services.ensure_built_in_indices()
    codes = [i["code"] for i in client.get(f"{API}/indices").json()["items"]]
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


def _walk(client, url: str, params: dict) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """Every code of an index list, following `next` to the last page, and the page count.
    Every page but the last is full and names its successor in the Link header too."""
    codes: list[str] = []
    pages = 0
    cursor = None
    while True:
        answer = client.get(url, {**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.content
        page = answer.json()
        assert set(page) == {"items", "next"}
        codes += [row["code"] for row in page["items"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            assert "Link" not in answer
            return codes, pages
        assert len(page["items"]) == params["limit"]
        assert answer["Link"].endswith('>; rel="next"')
        assert pages < 50, "the pages never end"


def _user_indices(user, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` indices defined by `user` through the service, made in an order their codes
    do not sort in; each is the open-data index again under another code."""
    from cybercommons.economy.models import IndexDefinition

    services.ensure_built_in_indices()
    base = IndexDefinition.objects.get(code="open-connectivity").definition
    codes = []
    for n in range(count):
        code = f"mine-{(n * 97) % count:03d}"
        services.define_index(user, {**base, "code": code, "name": f"Mine {n}"})
        codes.append(code)
    return codes


@pytest.mark.django_db
def test_indices_come_in_pages_by_code_each_once_for_everyone(client, cast):
    made = _user_indices(cast.owner, 7)
    everything = sorted([*made, "itu-idi-2023", "open-connectivity"])
    codes, pages = _walk(client, f"{API}/indices", {"limit": 4})
    assert (codes, pages) == (everything, 3)
    # Index definitions are public: a signed-in outsider walks the same pages.
    client.force_login(cast.outsider)
    assert _walk(client, f"{API}/indices", {"limit": 4}) == (everything, 3)
    first = client.get(f"{API}/indices").json()
    assert [row["code"] for row in first["items"]] == everything
    assert first["next"] is None
    assert first["items"][0]["missing_data_rule_message"]["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "-1", "ten", ""])
def test_a_bad_page_size_of_indices_is_a_problem(client, db, limit):
    answer = client.get(f"{API}/indices", {"limit": limit})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert ["query", "limit"] in [error["loc"] for error in answer.json()["errors"]]


@pytest.mark.django_db
def test_a_forged_or_foreign_cursor_does_not_open_the_indices(client, db):
    from cybercommons.core.lib import pagination
    from cybercommons.economy.models import IndexDefinition

    services.ensure_built_in_indices()
    cursor = client.get(f"{API}/indices", {"limit": 1}).json()["next"]
    assert client.get(f"{API}/indices", {"cursor": cursor[:-2] + "xx"}).status_code == 400
    foreign = pagination.encode_cursor("economy-indicators", "code",
                                       IndexDefinition.objects.first())
    answer = client.get(f"{API}/indices", {"cursor": foreign})
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"


def _funders(cast, count: int, *, visibility: str = "public") -> list:  # type: ignore[no-untyped-def]
    """`count` funders of Kenyan connectivity, of a few sizes, so that scores tie in groups."""
    return [services.create_funder(
        cast.banker, cast.bank, name=f"Fund {n:03d}", type="development_bank",
        sectors=["connectivity"] if n % 2 else ["health"], regions=["M49:2"],
        ticket_min_usd="1000000", ticket_max_usd=str(10_000_000 * (1 + n % 3)),
        visibility=visibility) for n in range(count)]


@pytest.mark.django_db
def test_matches_are_the_top_of_the_unchanged_ranking_with_the_total(client, market, cast):
    from cybercommons.economy import queries

    made = _funders(cast, 53)
    secret = _funders(cast, 2, visibility="private")
    url = f"{API}/projects/{market.project.pk}/matches"
    client.force_login(cast.outsider)
    ranking = [int(funder.pk) for funder, _match in
               queries.funders_for_project(cast.outsider, market.project)]
    assert len(ranking) == 54  # the market's funder and the public ones, not the private
    everything = client.get(url, {"limit": 500}).json()
    assert everything["total"] == 54
    assert [m["funder"] for m in everything["items"]] == ranking
    assert sorted(ranking) == sorted([market.funder.pk, *(f.pk for f in made)])
    default = client.get(url).json()
    assert (default["total"], [m["funder"] for m in default["items"]]) == (54, ranking[:50])
    for limit in (1, 3, 54, 55):
        top = client.get(url, {"limit": limit}).json()
        assert [m["funder"] for m in top["items"]] == ranking[:limit]
        assert top["total"] == 54
    # The parties of a private funder see it ranked among the others, and counted.
    client.force_login(cast.banker)
    theirs = client.get(url, {"limit": 500}).json()
    assert theirs["total"] == 56
    assert {f.pk for f in secret} <= {m["funder"] for m in theirs["items"]}
    funder_side = client.get(f"{API}/funders/{market.funder.pk}/matches", {"limit": 1}).json()
    assert funder_side["total"] == 1  # the banker is no party to the private project
    assert [m["project"] for m in funder_side["items"]] == [market.project.pk]


@pytest.mark.django_db
def test_outsiders_get_no_matches_of_a_private_project_nor_a_private_funder(client, market,
                                                                            cast):
    secret = _funders(cast, 1, visibility="private")[0]
    client.force_login(cast.outsider)
    hidden = client.get(f"{API}/projects/{market.private_project.pk}/matches", {"limit": 1})
    assert hidden.status_code == 404
    assert hidden["Content-Type"] == "application/problem+json"
    assert client.get(f"{API}/funders/{secret.pk}/matches").status_code == 404
    client.logout()
    listed = client.get(f"{API}/projects/{market.project.pk}/matches").json()
    assert secret.pk not in [m["funder"] for m in listed["items"]]
    assert listed["total"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize("limit", ["0", "-1", "501", "ten", ""])
def test_a_bad_number_of_matches_is_a_problem(client, market, limit):
    for url in (f"{API}/projects/{market.project.pk}/matches",
                f"{API}/funders/{market.funder.pk}/matches"):
        answer = client.get(url, {"limit": limit})
        assert answer.status_code == 422, url
        assert answer["Content-Type"] == "application/problem+json"
        assert ["query", "limit"] in [error["loc"] for error in answer.json()["errors"]]


def test_the_index_pages_and_the_matches_are_in_the_openapi_document(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    listing = schema["paths"][f"{API}/indices"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EconomyIndexPage"}
    assert {"limit", "cursor"} <= {p["name"] for p in listing["parameters"]}
    page = schema["components"]["schemas"]["EconomyIndexPage"]
    assert page["properties"]["items"]["items"] == {"$ref": "#/components/schemas/EconomyIndexOut"}
    for path in ("/projects/{pk}/matches", "/funders/{pk}/matches"):
        operation = schema["paths"][API + path]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/EconomyMatchesOut"}
        limit = next(p for p in operation["parameters"] if p["name"] == "limit")
        assert (limit["schema"]["minimum"], limit["schema"]["maximum"],
                limit["schema"]["default"]) == (1, 500, 50)
    matches = schema["components"]["schemas"]["EconomyMatchesOut"]
    assert set(matches["required"]) == {"items", "total"}
    assert matches["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/EconomyMatchOut"}
