"""Pages of the security module."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def country_panel(request: HttpRequest, country: object) -> str | None:
    """No per-country view of shared intelligence: it is shared by organisation, not place."""
    return None
