"""The baseline for the HTTP benchmark: the smallest Django site, one view, no database.

Served by the same gunicorn configuration as Cybercommons, it measures the framework's own
ceiling on this machine, so the platform's figures can be read as a ratio of it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-not-secret",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>")


def items(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"items": [{"code": "KE", "name": "Kenya"}] * 50, "next": None})


urlpatterns = [path("", hello), path("api/v1/items", items)]
application = get_wsgi_application()
