"""The OpenAPI schema is valid and complete; the docs page loads nothing from elsewhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from ninja import Router, Schema
from openapi_spec_validator import validate

from cybercommons.api import api
from cybercommons.core.lib.ninja_api import PlatformAPI
from tests.core.api.client import API

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/countries"), ("get", "/countries/{code}"),
    ("get", "/organisations"), ("post", "/organisations"),
    ("get", "/organisations/{slug}"), ("patch", "/organisations/{slug}"),
    ("get", "/organisations/{slug}/members"),
    ("get", "/me"),
    ("get", "/tokens"), ("post", "/tokens"), ("delete", "/tokens/{token_id}"),
}


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    response = client.get(API + "/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_publishes_a_valid_openapi_document(schema: dict[str, Any]) -> None:
    validate(schema)  # raises on any violation of the OpenAPI specification


def test_it_gives_each_model_its_own_component_name() -> None:
    # ninja files models by class name; two modules' "VersionOut" would overwrite each
    # other and one operation would be documented with the other's fields.
    api.get_openapi_schema()
    assert api.component_clashes == []


def test_it_notices_two_models_under_one_component_name() -> None:
    class Thing(Schema):
        a: int

    first = Thing

    class Thing(Schema):  # type: ignore[no-redef]
        b: str

    clash = PlatformAPI(title="clash", version="0", urls_namespace="clash-test")
    router = Router()
    router.get("/one", response=first)(lambda request: {"a": 1})
    router.get("/two", response=Thing)(lambda request: {"b": "x"})
    clash.add_router("/", router)
    clash.get_openapi_schema(path_prefix="/clash/")
    assert clash.component_clashes == ["Thing"]


def test_it_lists_every_core_operation(schema: dict[str, Any]) -> None:
    found = {(method, path.removeprefix(API)) for path, item in schema["paths"].items()
             for method in item}
    assert found >= OPERATIONS


def test_it_declares_problem_documents_for_errors(schema: dict[str, Any]) -> None:
    for item in schema["paths"].values():
        for operation in item.values():
            default = operation["responses"]["default"]
            assert "application/problem+json" in default["content"]


def test_it_marks_public_reads_as_optionally_authenticated(schema: dict[str, Any]) -> None:
    assert {} in schema["paths"][API + "/countries"]["get"]["security"]
    assert {} not in schema["paths"][API + "/me"]["get"]["security"]
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_it_serves_docs_without_any_outside_address(client: Client) -> None:
    response = client.get(reverse("api-1.0.0:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(url.startswith("/") and not url.startswith("//") for url in sources), sources
    for url in sources:
        assert client.get(url).status_code == 200, url


def test_it_lists_the_operations_for_readers_without_javascript(client: Client) -> None:
    html = client.get(API + "/docs").content.decode()
    noscript = html[html.index("<noscript>"):html.index("</noscript>")]
    assert f"<code>DELETE {API}/tokens/{{token_id}}</code>" in noscript


def test_it_serves_only_the_listed_docs_assets(client: Client) -> None:
    assert client.get(API + "/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get(API + "/docs/assets/..%2F..%2F__init__.py").status_code == 404
    assert client.get(API + "/docs/assets/redoc.standalone.js.map").status_code == 404


def test_it_describes_itself_at_the_root(client: Client) -> None:
    body = client.get(API + "/").json()
    assert body["openapi"].endswith("/api/v1/openapi.json")
    assert body["docs"].endswith("/api/v1/docs")
