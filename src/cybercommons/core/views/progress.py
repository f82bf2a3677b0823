"""The progress bar of a background task; htmx polls the partial until the work ends."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cybercommons.core import queries


@require_GET
def progress_detail(request: HttpRequest, key: str) -> HttpResponse:
    item = queries.progress_for(request.user, key)
    if item is None:
        raise Http404
    template = ("core/partials/progress.html" if getattr(request, "htmx", False)
                else "core/pages/progress.html")
    return render(request, template, {"progress": item})
