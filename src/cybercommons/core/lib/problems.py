"""RFC 9457 problem details: the one error shape of the JSON API and the protocols."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(
    status: int,
    detail: str = "",
    *,
    title: str = "",
    type_: str = "about:blank",
    instance: str = "",
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JsonResponse:
    """A JSON response in the RFC 9457 form, with ``title`` defaulting to the status phrase."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extensions)
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE,
                            json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def wants_problem_json(path: str, accept: str) -> bool:
    """Machine clients (the API, protocols, JSON accepters) get problems, people get pages."""
    machine_prefixes = ("/api/", "/taxii2/", "/.well-known/", "/ap/", "/nodeinfo/")
    if path.startswith(machine_prefixes):
        return True
    first = accept.split(",")[0].strip().lower()
    return first.startswith("application/") and "json" in first
