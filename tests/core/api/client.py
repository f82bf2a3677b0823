"""A JSON client of the API for tests, and the check that an answer is a problem document."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from cybercommons.core.lib.problems import PROBLEM_CONTENT_TYPE

API = "/api/v1"


class ApiClient:
    """The Django test client with JSON bodies and an optional bearer token."""

    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token is not None:
            headers.setdefault("authorization", f"Bearer {self.token}")
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Any:
        return self.client.get(API + path, params or {}, headers=self._headers(headers))

    def send(self, method: str, path: str, body: Any = None, *, raw: bytes | str | None = None,
             headers: dict[str, str] | None = None) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        call = getattr(self.client, method.lower())
        return call(API + path, data=data, content_type="application/json",
                    headers=self._headers(headers))


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem document with this status; returns its body."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE)
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["title"]
    assert body["type"] == "about:blank"
    return body
