"""Text answers go gzipped to clients that accept it; binaries and other clients get them as is."""

from __future__ import annotations

import gzip

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from cybercommons.core.countries import sync_countries
from cybercommons.core.middleware import CompressTextMiddleware, is_text

pytestmark = pytest.mark.django_db


def test_pages_and_json_are_gzipped_for_clients_that_accept_it(client) -> None:
    plain = client.get("/")
    assert "Content-Encoding" not in plain
    zipped = client.get("/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    page = gzip.decompress(zipped.content).decode()
    assert "Cooperation in cyberspace, in the open" in page
    assert len(zipped.content) < len(plain.content) / 2
    sync_countries()
    api = client.get("/api/v1/countries", HTTP_ACCEPT_ENCODING="gzip")
    assert api.status_code == 200
    assert api["Content-Encoding"] == "gzip"
    assert gzip.decompress(api.content).startswith(b'{"items": [')


def test_binary_answers_are_never_recompressed() -> None:
    body = bytes(range(256)) * 20

    def answer(content_type: str) -> HttpResponse:
        request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
        middleware = CompressTextMiddleware(lambda r: HttpResponse(body,
                                                                  content_type=content_type))
        response = middleware(request)
        assert isinstance(response, HttpResponse)
        return response

    assert "Content-Encoding" not in answer("image/png")
    assert answer("image/png").content == body
    assert answer("application/zip").content == body
    assert answer("text/csv; charset=utf-8")["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(("content_type", "text"), [
    ("text/html; charset=utf-8", True),
    ("application/json", True),
    ("application/problem+json", True),
    ("application/taxii+json;version=2.1", True),
    ("application/activity+json", True),
    ("image/svg+xml", True),
    ("image/png", False),
    ("application/octet-stream", False),
    ("video/mp4", False),
    ("", False),
])
def test_what_counts_as_text(content_type: str, text: bool) -> None:
    assert is_text(content_type) is text
