"""The home page: what the platform is for and what each module offers."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cybercommons.core import queries
from cybercommons.core.modules import registry


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/home.html", {
        "modules": list(registry),
        "stats": queries.platform_stats(request.user),
    })


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
