"""Every error of the JSON API as an RFC 9457 problem document.

ninja's own error bodies (``{"detail": …}``) and Django's HTML error pages are replaced by
``application/problem+json`` documents: validation errors list each failing field,
unauthenticated requests are told how to authenticate (``WWW-Authenticate``), wrong
methods say which ones are allowed (``Allow``), and an unexpected exception is logged and
answered with a 500 that reveals nothing of the server's internals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.api_auth import InvalidToken
from cybercommons.core.lib.problems import PROBLEM_CONTENT_TYPE, problem_response

logger = logging.getLogger("cybercommons.api")

BEARER_CHALLENGE = 'Bearer realm="api"'


class BodyNotAnObject(ValueError):
    """A JSON body that parsed to something other than an object."""


def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, InvalidToken):
        # RFC 6750: a token was sent but is not (or no longer) valid.
        message = str(exc)
        challenge = BEARER_CHALLENGE + ', error="invalid_token"'
    else:
        message = _("Authentication required: send an API token (Authorization: Bearer …) "
                    "or sign in.")
        challenge = BEARER_CHALLENGE
    return problem_response(401, message, instance=request.path,
                            headers={"WWW-Authenticate": challenge})


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if isinstance(exc.__cause__, BodyNotAnObject):
        message = _("The request body must be a JSON object, not %(kind)s.") % {
            "kind": _json_kind(str(exc.__cause__))}
    elif message.startswith("Cannot parse request body"):
        # ninja's words for a body that json.loads (or UTF-8 decoding) refused.
        message = _("The request body is not valid JSON.")
    return problem_response(exc.status_code, message, instance=request.path)


def _json_kind(python_type: str) -> str:
    return {"list": _("an array"), "str": _("a string"), "int": _("a number"),
            "float": _("a number"), "bool": _("a boolean"), "NoneType": "null"}.get(
        python_type, python_type)


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())],
         "msg": str(error.get("msg", "")),
         "type": str(error.get("type", ""))}
        for error in exc.errors
    ]
    fields = ", ".join(".".join(e["loc"]) for e in errors) or _("the request")
    return problem_response(
        422, _("The request is not valid: check %(fields)s.") % {"fields": fields},
        title=_("Invalid request"), instance=request.path, errors=errors,
    )


def not_found(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    detail = str(exc) if isinstance(exc, Http404) and exc.args else ""
    return problem_response(404, detail or _("There is nothing at this address."),
                            instance=request.path)


def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(403, str(exc) or _("You may not do this."), instance=request.path)


def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if exc.field:
        extra["errors"] = [{"loc": ["body", exc.field], "msg": exc.message, "type": "service"}]
    return problem_response(exc.status, exc.message, instance=request.path, **extra)


def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Django answers these with 400 outside the API; a view must not turn them into a 500.
    return problem_response(400, _("The request could not be understood."),
                            instance=request.path)


def model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return problem_response(400, " ".join(exc.messages), instance=request.path)


def out_of_range(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # A whole number beyond what the database stores (e.g. an id of 10**30): the client's
    # mistake, not the server's.
    return problem_response(400, _("A number in the request is too large."),
                            instance=request.path)


def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return problem_response(
        500, _("Something went wrong on our side. The error has been logged."),
        instance=request.path,
    )


def install_handlers(api: NinjaAPI) -> None:
    """Replace ninja's error bodies with problem documents (most specific class wins)."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (AuthenticationError, unauthenticated),
        (HttpError, http_error),
        (ValidationError, validation_error),
        (Http404, not_found),
        (PermissionDenied, forbidden),
        (ServiceError, service_error),
        (DjangoValidationError, model_validation_error),
        (SuspiciousOperation, suspicious),
        (OverflowError, out_of_range),
        (Exception, unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def method_not_allowed_as_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a ninja path view so that its bare 405 becomes a problem with an Allow header."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed) and \
                response.get("Content-Type", "") != PROBLEM_CONTENT_TYPE:
            allowed = response.get("Allow", "")
            return problem_response(
                405,
                _("%(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
                instance=request.path, headers={"Allow": allowed},
            )
        return response

    return wrapper


@csrf_exempt
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Anything under the API's prefix that no operation matches, whatever the method."""
    return not_found(request)


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An error as an RFC 9457 problem document.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "each invalid part of the request",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
