"""The security test URLs plus documents to import by URL (served by the live server)."""

from __future__ import annotations

import json
import re
import time

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import URLPattern, URLResolver, path

from tests.conftest import shared_data_dir
from tests.security.cast import indicator
from tests.security.urls import handler404, handler500
from tests.security.urls import urlpatterns as _base

BUNDLE = {"type": "bundle", "id": "bundle--9d3f0c5e-8a43-4b8f-9a63-2f5c3c7e0b11",
          "objects": [indicator(41), indicator(42), {"type": "indicator", "id": "broken"}]}


def bundle(request: HttpRequest) -> HttpResponse:
    return HttpResponse(json.dumps(BUNDLE), content_type="application/json")


INDICATORS_CSV = ("type,value,name\n"
                  "ipv4-addr,198.51.100.7,Scanner seen at the border\n"
                  "ipv4-addr,not-an-address,Broken row\n"
                  "domain-name,bad.example,Phishing domain\n")


def indicators_csv(request: HttpRequest) -> HttpResponse:
    return HttpResponse(INDICATORS_CSV, content_type="text/csv")


def moved(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect("/fixture/bundle.json")


def huge(request: HttpRequest) -> StreamingHttpResponse:
    # No Content-Length: the limit must hold while reading, not only on the header.
    return StreamingHttpResponse(b"x" * 4096 for _ in range(64))


def slow(request: HttpRequest) -> HttpResponse:
    time.sleep(3)
    return bundle(request)


def missing(request: HttpRequest) -> HttpResponse:
    return HttpResponse("gone", status=404)


def misp_event(request: HttpRequest, name: str) -> HttpResponse:
    """A real MISP event of the shared data folder, read where it lies."""
    if not re.fullmatch(r"[0-9a-f-]{36}\.json", name):
        raise Http404(name)
    path = shared_data_dir() / "threat_intel" / "misp_events" / name
    return HttpResponse(path.read_bytes(), content_type="application/json")


urlpatterns: list[URLPattern | URLResolver] = [
    path("fixture/bundle.json", bundle),
    path("fixture/indicators.csv", indicators_csv),
    path("fixture/moved", moved),
    path("fixture/huge", huge),
    path("fixture/slow", slow),
    path("fixture/missing", missing),
    path("fixture/misp/<str:name>", misp_event),
    *_base,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
