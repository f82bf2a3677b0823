"""Logging out of every other browser and device."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from cybercommons.core.accounts.access import allow_methods, verified
from cybercommons.core.accounts.forms import PasswordConfirmForm
from cybercommons.core.accounts.sessions import end_other_sessions
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User


@sensitive_post_parameters("password")
@verified
@allow_methods("GET", "POST")
def end_others(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                end_other_sessions(request, user, form.cleaned_data["password"])
            except ServiceError as error:
                form.add_error("password", error.message)
            else:
                messages.success(request, _("You are now logged out everywhere else."))
                return redirect("accounts:profile")
    return render(request, "core/pages/accounts/sessions.html", {"form": form}, status=status)
