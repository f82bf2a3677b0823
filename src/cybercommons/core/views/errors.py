"""Error pages for people and problem documents for machines; never a bare 500 page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cybercommons.core.lib.problems import problem_response, wants_problem_json


def _error(request: HttpRequest, status: int, title: str, detail: str) -> HttpResponse:
    if wants_problem_json(request.path, request.META.get("HTTP_ACCEPT", "")):
        return problem_response(status, detail, title=title)
    html: str
    try:
        html = render_to_string("core/pages/error.html",
                                {"status": status, "title": title, "detail": detail},
                                request=request)
    except Exception:
        # The error page must render even when the failure is in the template machinery.
        html = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = str(exception) if exception and str(exception) else _(
        "You do not have permission to see this page.")
    return _error(request, 403, _("Forbidden"), detail)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Not found"), _("There is nothing at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Server error"),
                  _("Something went wrong on our side. The error has been logged."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, 403, _("Form expired"),
                  _("The form could not be verified (CSRF check failed). Reload the page and "
                    "try again."))
