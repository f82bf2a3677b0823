"""The platform's NinjaAPI: problem documents for every error, offline docs, tidy OpenAPI."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path, reverse
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from cybercommons.core.lib import api_docs, api_problems
from cybercommons.core.lib.problems import PROBLEM_CONTENT_TYPE

logger = logging.getLogger("cybercommons.api")

_OPERATION_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# Answered by the HTTP server (gunicorn, a proxy) before the application sees the request,
# so in its own format rather than as a problem document.
_URI_TOO_LONG = {
    "description": "The request line is too long for the HTTP server (an HTML page).",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


class ObjectBodyParser(Parser):
    """JSON bodies must be objects.

    ninja's Schema reads attributes of whatever it is given, so an array or a number sent
    for a body whose fields are all optional would validate as an empty object and, say,
    a PATCH would succeed without changing anything. Objects also leave room to add fields.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise api_problems.BodyNotAnObject(type(data).__name__)
        return data


class CheckedOpenAPISchema(OpenAPISchema):
    """ninja's schema builder, noting when two different models share a component name.

    ninja files every model under its class name and silently keeps the last one, so two
    modules that each define, say, ``VersionOut`` would see one operation documented with
    the other's shape. Differences of field names or enum values count as a clash; the
    small differences between a model's input and output forms do not.
    """

    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        self.clashes: set[str] = set()
        super().__init__(api, path_prefix)

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and _shape(known) != _shape(definition):
                self.clashes.add(name)
        super().add_schema_definitions(definitions)


def _shape(definition: dict[str, Any]) -> tuple[Any, ...]:
    return (sorted(definition.get("properties", {})), definition.get("enum"))


class PlatformAPI(NinjaAPI):
    """A NinjaAPI whose every answer other than success is an RFC 9457 problem.

    On top of ninja's operations it adds the Swagger UI files of the installed package
    (``docs/assets/<name>``), a JSON index at the root, and a catch-all so that an unknown
    path under the API's prefix is a 404 problem whatever the method or the DEBUG setting.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("docs", api_docs.OfflineSwagger())
        kwargs.setdefault("parser", ObjectBodyParser())
        super().__init__(**kwargs)
        # Component names used by two different models in the last schema built.
        self.component_clashes: list[str] = []
        api_problems.install_handlers(self)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                continue
            if isinstance(pattern, URLPattern) and getattr(pattern.callback, "csrf_exempt",
                                                           False):
                # Operation views: ninja answers a known path with an unknown method by a
                # bare 405; the wrapper turns it into a problem. The CSRF exemption stays:
                # ninja checks CSRF itself for cookie-authenticated operations.
                callback = api_problems.method_not_allowed_as_problem(pattern.callback)
                callback.csrf_exempt = True  # type: ignore[attr-defined]
                pattern = URLPattern(pattern.pattern, callback, pattern.default_args,
                                     pattern.name)
            urls.append(pattern)
        urls.append(path("docs/assets/<str:name>", api_docs.asset, name="docs-asset"))
        urls.append(path("", self._index, name="api-root"))
        urls.append(re_path(r"^.*$", api_problems.unknown_path, name="api-unknown"))
        return urls

    def _index(self, request: HttpRequest, **kwargs: Any) -> JsonResponse:
        namespace = self.urls_namespace
        return JsonResponse({
            "title": self.title,
            "version": self.version,
            "openapi": request.build_absolute_uri(reverse(f"{namespace}:openapi-json")),
            "docs": request.build_absolute_uri(reverse(f"{namespace}:openapi-view")),
        })

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        """ninja's schema, with the problem document declared as every error's answer."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = CheckedOpenAPISchema(self, path_prefix)
        if schema.clashes:
            logger.error("API models with different fields share a component name: %s; "
                         "give each a distinct class name", ", ".join(sorted(schema.clashes)))
        self.component_clashes = sorted(schema.clashes)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Problem"] = api_problems.PROBLEM_SCHEMA
        problem = {
            "description": "An error, as an RFC 9457 problem document.",
            "content": {PROBLEM_CONTENT_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for item in schema.get("paths", {}).values():
            for method in _OPERATION_METHODS:
                operation = item.get(method)
                if operation is not None:
                    responses = operation.setdefault("responses", {})
                    responses.setdefault("default", problem)
                    responses.setdefault("414", _URI_TOO_LONG)
        return schema
