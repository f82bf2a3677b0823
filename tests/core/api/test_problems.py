"""Every kind of bad request under /api/ is answered with an RFC 9457 problem document."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, override_settings

from cybercommons.core import api as core_api
from tests.core.api.client import API, ApiClient, assert_problem

pytestmark = pytest.mark.django_db


def test_it_answers_an_unknown_path_with_a_404_problem(anon: ApiClient) -> None:
    body = assert_problem(anon.get("/no-such-thing"), 404)
    assert body["instance"] == API + "/no-such-thing"


def test_it_answers_an_unknown_path_with_404_whatever_the_method(anon: ApiClient) -> None:
    # Not a CSRF refusal (403) nor a method error: there is simply nothing there.
    assert_problem(anon.send("POST", "/no-such-thing", {}), 404)
    assert_problem(anon.send("DELETE", "/countries/KE/extra"), 404)


@override_settings(DEBUG=True)
def test_it_answers_an_unknown_path_with_a_problem_even_in_debug(anon: ApiClient) -> None:
    assert_problem(anon.get("/nothing/here"), 404)


def test_it_answers_a_missing_object_with_a_404_problem(anon: ApiClient, countries: Any) -> None:
    body = assert_problem(anon.get("/countries/ZZ"), 404)
    assert "ZZ" in body["detail"]
    assert_problem(anon.get("/organisations/no-such-org"), 404)


def test_it_answers_a_wrong_method_with_405_and_the_allowed_methods(anon: ApiClient) -> None:
    response = anon.send("PUT", "/countries")
    body = assert_problem(response, 405)
    assert response["Allow"] == "GET"
    assert "PUT" in body["detail"]


def test_it_lists_every_allowed_method_of_a_path(anon: ApiClient) -> None:
    response = anon.send("DELETE", "/organisations")
    assert_problem(response, 405)
    assert sorted(response["Allow"].replace(" ", "").split(",")) == ["GET", "POST"]


def test_it_refuses_malformed_json_with_a_400_problem(cast: Any, as_token: Callable[..., ApiClient]
                                                      ) -> None:
    client = as_token(cast.owner, "write")
    body = assert_problem(client.send("POST", "/organisations", raw="{not json"), 400)
    assert "JSON" in body["detail"]


@pytest.mark.parametrize(("raw", "kind"), [("[]", "an array"), ('"a string"', "a string"),
                                           ("42", "a number"), ("null", "null")])
def test_it_refuses_json_that_is_not_an_object_with_a_400_problem(
    raw: str, kind: str, cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    response = as_token(cast.owner, "write").send("POST", "/organisations", raw=raw)
    body = assert_problem(response, 400)
    assert body["detail"] == f"The request body must be a JSON object, not {kind}."


def test_it_refuses_a_body_that_is_not_utf8_with_a_400_problem(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    raw = b'{"name": "\xff\xfe", "stakeholder_type": "government"}'
    response = as_token(cast.owner, "write").send("POST", "/organisations", raw=raw)
    assert_problem(response, 400)


def test_it_lists_each_invalid_field_in_a_422_problem(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    client = as_token(cast.owner, "write")
    body = assert_problem(client.send("POST", "/organisations",
                                      {"name": "", "stakeholder_type": "pirates"}), 422)
    locations = {tuple(error["loc"]) for error in body["errors"]}
    assert ("body", "payload", "name") in locations
    assert ("body", "payload", "stakeholder_type") in locations
    assert all(error["msg"] for error in body["errors"])


def test_it_reports_invalid_query_parameters_in_a_422_problem(anon: ApiClient) -> None:
    body = assert_problem(anon.get("/countries", {"limit": "0", "income_group": "rich"}), 422)
    assert {tuple(e["loc"]) for e in body["errors"]} == {("query", "limit"),
                                                         ("query", "income_group")}


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_it_refuses_a_body_over_the_limit_with_a_413_problem(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    client = as_token(cast.owner, "write")
    payload = {"name": "Big", "stakeholder_type": "government", "description": "x" * 5000}
    body = assert_problem(client.send("POST", "/organisations", payload), 413)
    assert "2048" in body["detail"]


def test_it_answers_a_missing_token_with_401_and_a_bearer_challenge(anon: ApiClient) -> None:
    response = anon.get("/me")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_answers_an_unknown_token_with_401_and_says_the_token_is_invalid(
    client: Client,
) -> None:
    response = ApiClient(client, "cc_not-a-real-token").get("/countries")
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_it_answers_a_permission_refusal_with_a_403_problem(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    response = as_token(cast.outsider, "write").send(
        "PATCH", f"/organisations/{cast.organisation.slug}", {"name": "Taken over"})
    body = assert_problem(response, 403)
    assert "admin" in body["detail"]


def test_it_answers_a_service_conflict_with_its_status(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    response = as_token(cast.owner, "write").send(
        "POST", "/organisations",
        {"name": "Again", "stakeholder_type": "government", "slug": cast.organisation.slug})
    body = assert_problem(response, 409)
    assert body["errors"][0]["loc"] == ["body", "slug"]


def test_it_answers_an_unknown_country_in_a_body_with_a_400_problem(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    response = as_token(cast.owner, "write").send(
        "POST", "/organisations",
        {"name": "Nowhere", "stakeholder_type": "government", "country": "QQ"})
    body = assert_problem(response, 400)
    assert "QQ" in body["detail"]


def test_it_hides_internals_of_an_unexpected_error_behind_a_500_problem(
    anon: ApiClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(viewer: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(core_api.policy, "countries", explode)
    response = anon.get("/countries")
    body = assert_problem(response, 500)
    assert "secret internal detail" not in response.content.decode()
    assert "logged" in body["detail"]
    assert any("secret internal detail" in str(r.exc_info) for r in caplog.records)


def test_it_writes_problems_as_utf8_json_with_the_problem_media_type(anon: ApiClient) -> None:
    response = anon.get("/countries/ZZ")
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content.decode("utf-8"))["status"] == 404


def test_it_answers_an_unknown_api_version_with_a_404_problem(client: Client) -> None:
    assert_problem(client.get("/api/v2/countries"), 404)


def test_it_answers_a_suspicious_request_with_a_400_problem(
    anon: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def suspicious(viewer: Any) -> Any:
        raise SuspiciousOperation("odd")

    monkeypatch.setattr(core_api.policy, "organisations", suspicious)
    body = assert_problem(anon.get("/organisations"), 400)
    assert "odd" not in body["detail"]


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_it_answers_methods_no_operation_offers_with_405(anon: ApiClient, method: str) -> None:
    response = anon.client.generic(method, API + "/me")
    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_a_number_too_large_for_the_database_is_a_400_problem() -> None:
    """An overflow deep in a query is the client's mistake: 400, never a 500."""
    from django.test import RequestFactory

    from cybercommons.core.lib.api_problems import out_of_range

    response = out_of_range(RequestFactory().get("/api/v1/x"), OverflowError("too large"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
