"""Who is calling the JSON API: a personal token, a signed-in browser session, or nobody.

Operations list the schemes they accept; the first that recognises the request wins and
``request.auth`` becomes the acting user (``AnonymousUser`` on public reads). A token that
is present but wrong is refused outright (401) rather than treated as anonymous, so a
client with an expired token learns about it instead of silently seeing less.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from cybercommons.core import policy, services
from cybercommons.core.models import ApiToken, User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class InvalidToken(AuthenticationError):
    """A bearer token that matches no active token (unknown, expired, revoked)."""

    def __init__(self) -> None:
        super().__init__(401, _("The API token is unknown, expired or revoked."))


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, _(
            "CSRF check failed: a request signed in by session cookie must send the "
            "X-CSRFToken header with the value of the csrftoken cookie."))


class TokenAuth(HttpBearer):
    """``Authorization: Bearer cc_…``; the read scope allows safe methods, write the rest."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        api_token = services.authenticate_token(token.strip()) if token.strip() else None
        if api_token is None:
            raise InvalidToken()
        if request.method not in SAFE_METHODS and not api_token.allows(ApiToken.WRITE):
            raise PermissionDenied(_("This token has the read scope only; %(method)s needs "
                                     "the write scope.") % {"method": request.method})
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in person, with Django's CSRF check on writes."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check runs in authenticate, only once a session is known to exist, so
        # an anonymous write is told to authenticate (401) rather than about CSRF (403).
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        assert isinstance(user, User)
        return user


def anonymous(request: HttpRequest) -> AnonymousUser:
    """Accept anyone: used last on operations whose data the policy makes public."""
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()

# Operations anyone may call (the policy still filters what they see).
PUBLIC: list[Any] = [token_auth, session_auth, anonymous]
# Operations that need a signed-in person.
SIGNED_IN: list[Any] = [token_auth, session_auth]
# ninja leaves the anonymous fallback out of the schema; an empty requirement says "optional".
PUBLIC_OPENAPI: dict[str, Any] = {
    "security": [{"TokenAuth": []}, {"SessionAuth": []}, {}],
}


def viewer(request: HttpRequest) -> policy.Viewer:
    """The person an operation acts for, as set by the scheme that accepted the request."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, User | AnonymousUser):
        return auth
    return AnonymousUser()


def signed_in(request: HttpRequest) -> User:
    """The acting user of an operation that requires authentication."""
    return policy.require_signed_in(viewer(request))


def scopes_of(request: HttpRequest) -> list[str]:
    """What the request's credentials allow: the token's scopes, or everything for a session."""
    api_token: ApiToken | None = getattr(request, "api_token", None)
    if api_token is not None:
        return [scope for scope in ApiToken.SCOPES if api_token.allows(scope)]
    return [ApiToken.READ, ApiToken.WRITE]
