"""Turning two-factor authentication on and off, and renewing backup codes."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from cybercommons.core.accounts import two_factor
from cybercommons.core.accounts.access import allow_methods, verified
from cybercommons.core.accounts.forms import CodeForm, EnrolmentForm
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User

PAGES = "core/pages/accounts/"


def _backup_codes_page(request: HttpRequest, codes: list[str], *, new_setup: bool) -> HttpResponse:
    response = render(request, PAGES + "backup_codes.html",
                      {"codes": codes, "new_setup": new_setup})
    response["Cache-Control"] = "no-store"
    return response


@verified
@allow_methods("POST")
def start(request: HttpRequest) -> HttpResponse:
    """Make a fresh unconfirmed authenticator, then show how to add it to the app."""
    user: User = request.user  # type: ignore[assignment]
    try:
        two_factor.start_enrolment(user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("accounts:profile")
    return redirect("accounts:two-factor-setup")


@sensitive_post_parameters("code")
@never_cache
@verified
@allow_methods("GET", "POST")
def setup(request: HttpRequest) -> HttpResponse:
    """Show the QR code and secret of the pending authenticator; confirm it with a code."""
    user: User = request.user  # type: ignore[assignment]
    device = two_factor.pending_authenticator(user)
    if device is None:
        if two_factor.is_enabled(user):
            messages.info(request, _("Two-factor authentication is already on."))
        return redirect("accounts:profile")
    form = EnrolmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                confirmed, codes = two_factor.confirm_enrolment(user, form.cleaned_data["code"])
            except ServiceError as error:
                form.add_error("code", error.message)
            else:
                request.session.cycle_key()
                otp_login(request, confirmed)  # this session has just proved the factor
                return _backup_codes_page(request, codes, new_setup=True)
    response = render(request, PAGES + "two_factor_setup.html", {
        "form": form,
        "qr_svg": two_factor.qr_svg(device, _("QR code to scan with your authenticator app")),
        "manual_key": two_factor.manual_key(device),
        "digits": device.digits, "period": device.step,
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@verified
@allow_methods("POST")
def renew_backup_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        codes = two_factor.renew_backup_codes(user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("accounts:profile")
    return _backup_codes_page(request, codes, new_setup=False)


@sensitive_post_parameters("code")
@never_cache
@verified
@allow_methods("GET", "POST")
def disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor off; a current code (or a backup code) is required."""
    user: User = request.user  # type: ignore[assignment]
    if not two_factor.is_enabled(user):
        messages.info(request, _("Two-factor authentication is already off."))
        return redirect("accounts:profile")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                two_factor.disable(user, form.cleaned_data["code"])
            except ServiceError as error:
                form.add_error("code", error.message)
            else:
                messages.success(request, _("Two-factor authentication is off."))
                return redirect("accounts:profile")
    return render(request, PAGES + "two_factor_disable.html", {"form": form}, status=status)
