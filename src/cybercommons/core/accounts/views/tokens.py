"""Personal API tokens: list, create (secret shown once), revoke."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cybercommons.core import services
from cybercommons.core.accounts import queries
from cybercommons.core.accounts.access import allow_methods, signed_in, verified
from cybercommons.core.accounts.forms import TokenForm
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User

PAGES = "core/pages/accounts/"
FIELD_OF = {"expires_at": "expires_on"}


def _list_page(request: HttpRequest, form: TokenForm, status: int = 200) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(request, PAGES + "tokens.html",
                  {"tokens": queries.own_tokens(user), "form": form}, status=status)


@signed_in
@allow_methods("GET")
def token_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, TokenForm())


@never_cache
@verified
@allow_methods("POST")
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show its secret on this one response, never again."""
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST)
    if form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = datetime.combine(expires_on, time.min, tzinfo=UTC) if expires_on else None
        try:
            token, secret = services.create_token(
                user, name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                expires_at=expires_at,
            )
        except ServiceError as error:
            field = FIELD_OF.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            response = render(request, PAGES + "token_created.html",
                              {"token": token, "secret": secret}, status=201)
            # The one copy of the secret must not stay in a cache or the back button.
            response["Cache-Control"] = "no-store"
            return response
    return _list_page(request, form, status=400)


@signed_in
@allow_methods("POST")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of my tokens; another person's token is simply not found."""
    user: User = request.user  # type: ignore[assignment]
    token = get_object_or_404(queries.own_tokens(user), pk=token_id)
    services.revoke_token(user, token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
