"""The profile page: who I am, my language, my organisations, my second factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cybercommons.core import services
from cybercommons.core.accounts import queries, two_factor
from cybercommons.core.accounts.access import allow_methods, signed_in
from cybercommons.core.accounts.forms import ProfileForm
from cybercommons.core.accounts.views.login import remember_language
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User

EDITABLE = ("display_name", "email", "country", "language")


@signed_in
@allow_methods("GET", "POST")
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    initial: dict[str, Any] = {name: getattr(user, name) for name in EDITABLE}
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changed = {name: form.cleaned_data[name] for name in EDITABLE
                       if form.cleaned_data[name] != initial[name]}
            if "email" in changed and queries.email_taken(changed["email"], excluding=user):
                form.add_error("email", _("Another account uses that e-mail address."))
            else:
                try:
                    if changed:
                        services.update_profile(user, user, **changed)
                except ServiceError as error:
                    form.add_error(error.field if error.field in form.fields else None,
                                   error.message)
                else:
                    messages.success(request, _("Your profile was saved."))
                    response = redirect("accounts:profile")
                    if "language" in changed:
                        if user.language:
                            remember_language(response, user)
                        else:
                            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME,
                                                   path=settings.LANGUAGE_COOKIE_PATH,
                                                   domain=settings.LANGUAGE_COOKIE_DOMAIN)
                    return response
    return render(request, "core/pages/accounts/profile.html", {
        "form": form,
        "memberships": queries.own_memberships(user),
        "two_factor_on": two_factor.is_enabled(user),
        "two_factor_pending": two_factor.pending_authenticator(user) is not None,
        "backup_codes_left": two_factor.backup_codes_left(user),
        "token_count": queries.unrevoked_token_count(user),
    }, status=status)
