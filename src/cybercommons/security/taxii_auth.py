"""Who is calling the TAXII server: HTTP Basic with a platform account, or a bearer token.

TAXII clients send credentials on every request. Basic authentication uses the platform's
password check (with its lock-out after repeated failures); an account protected by a
second factor must use a personal API token instead, because a password alone would skip
that factor. Writes need credentials in the request itself (never the browser's session
cookie, which would expose the endpoints to cross-site requests) and a token with the
write scope.
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django_otp import user_has_device

from cybercommons.core import services as core_services
from cybercommons.core.models import ApiToken, User
from cybercommons.security.kernel.taxii_errors import TaxiiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def unauthorised(reason: str) -> TaxiiError:
    return TaxiiError(401, "Unauthorized", reason)


def taxii_user(request: HttpRequest) -> User | AnonymousUser:
    """The account a TAXII request acts for; raises ``TaxiiError`` 401/403 when refused."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        user = getattr(request, "user", None)
        if request.method in SAFE_METHODS and isinstance(user, User) and user.is_active:
            return user
        return AnonymousUser()
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer":
        token = core_services.authenticate_token(credentials) if credentials else None
        if token is None:
            raise unauthorised("the API token is unknown, expired or revoked")
        if request.method not in SAFE_METHODS and not token.allows(ApiToken.WRITE):
            raise TaxiiError(403, "Forbidden",
                             "this token has the read scope only; writing needs the write scope")
        return token.user
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise unauthorised("the Basic credentials are not base64 user:password") from None
        username, colon, password = decoded.partition(":")
        if not colon:
            raise unauthorised("the Basic credentials are not base64 user:password")
        user = authenticate(request, username=username, password=password)
        if not isinstance(user, User) or not user.is_active:
            raise unauthorised("wrong user name or password")
        if user_has_device(user, confirmed=True):
            raise unauthorised("this account uses two-factor authentication: send a personal "
                               "API token as 'Authorization: Bearer …' instead of a password")
        return user
    raise unauthorised(f"unsupported authentication scheme {scheme!r}; use Basic or Bearer")
