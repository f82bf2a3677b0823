"""Request limits enforced before any view runs, and compression of text answers."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cybercommons.core.lib.problems import problem_response, wants_problem_json


class RequestLimitsMiddleware:
    """Refuse bodies over the configured size with 413 before they are read.

    Django's own limit applies only to form fields read into memory; this checks the
    declared length of every request, including JSON and protocol bodies.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length_header = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(length_header)
        except ValueError:
            length = -1
        if length < 0:
            return self._refuse(request, 400, _("The Content-Length header is not a number."))
        exempt = request.path.startswith(tuple(getattr(settings, "BODY_LIMIT_EXEMPT_PREFIXES",
                                                             ())))
        if length > limit and not exempt and not self._is_upload(request):
            return self._refuse(
                request, 413,
                _("The request body is %(size)d bytes; the limit is %(limit)d bytes.")
                % {"size": length, "limit": limit},
            )
        return self.get_response(request)

    @staticmethod
    def _is_upload(request: HttpRequest) -> bool:
        # Multipart uploads stream to disk and are limited by each module's own file rules.
        content_type = request.META.get("CONTENT_TYPE", "")
        upload_limit = getattr(settings, "CYBERCOMMONS_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        return content_type.startswith("multipart/form-data") and length <= upload_limit

    @staticmethod
    def _refuse(request: HttpRequest, status: int, detail: str) -> HttpResponse:
        if wants_problem_json(request.path, request.META.get("HTTP_ACCEPT", "")):
            return problem_response(status, detail)
        html = render_to_string("core/pages/error.html",
                                {"status": status, "detail": detail}, request=request)
        return HttpResponse(html, status=status)


# Media types worth compressing: text of every kind (pages with inline SVG maps, JSON, CSV,
# STIX and ActivityPub documents). Images, archives and other binaries are compressed by
# their own format already.
_TEXT_TYPES = frozenset({"application/json", "application/javascript", "application/xml",
                         "image/svg+xml"})


def is_text(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return (media.startswith("text/") or media in _TEXT_TYPES
            or media.endswith(("+json", "+xml")))


class CompressTextMiddleware(GZipMiddleware):
    """gzip for text answers when the client accepts it; binaries pass untouched.

    A map page is mostly SVG path data, which gzip shrinks to about a third. Django's
    compressor pads each answer with random bytes against BREACH, and CSRF tokens are
    masked afresh on every page, so secrets cannot be guessed from compressed sizes.
    """

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        if not is_text(response.get("Content-Type", "")):
            return response
        compressed: HttpResponseBase = super().process_response(request, response)
        return compressed
