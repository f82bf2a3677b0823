"""Who may open an account page: signed in, and for sensitive pages verified by a code.

A person who has turned on two-factor authentication is asked for a code before the
sensitive pages (API tokens, backup codes, turning two-factor off) even when the session
was opened some other way, for example before the authenticator was added.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cybercommons.core.accounts import two_factor

View = Callable[..., HttpResponse]


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """``candidate`` when it is a local address on this site, else ``default``."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def redirect_with_next(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(url_name) + "?" + urlencode({"next": next_url}))


def signed_in(view: View) -> View:
    """Send anonymous visitors to the log-in page, then back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_with_next("accounts:login", request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def is_verified(request: HttpRequest) -> bool:
    """True when the session has passed the second factor, or the user has none."""
    user = request.user
    if not user.is_authenticated:
        return False
    if getattr(user, "is_verified", lambda: False)():
        return True
    return not two_factor.is_enabled(user)


def verified(view: View) -> View:
    """Signed in and, when two-factor is on, verified by a code in this session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_with_next("accounts:login", request.get_full_path())
        if not is_verified(request):
            # A form posted from an unverified session resumes on the profile page: the
            # browser cannot repeat the POST after the detour.
            back = (request.get_full_path() if request.method in ("GET", "HEAD")
                    else reverse("accounts:profile"))
            return redirect_with_next("accounts:verify", back)
        return view(request, *args, **kwargs)

    return wrapper


def allow_methods(*methods: str) -> Callable[[View], View]:
    """Answer other methods with the site's 405 page (with an Allow header), not a blank one."""

    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = render(request, "core/pages/error.html", {
                    "status": 405, "title": _("Method not allowed"),
                    "detail": _("This address does not accept that kind of request."),
                }, status=405)
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
