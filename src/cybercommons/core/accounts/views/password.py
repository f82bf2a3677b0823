"""Password reset by e-mail and password change: Django's views with our pages."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from cybercommons.core import services
from cybercommons.core.audit import CoreAction

PAGES = "core/pages/accounts/"


class InvalidIsBadRequest:
    """Answer a form with errors with 400, like every other form of the site."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class PasswordResetView(InvalidIsBadRequest, auth_views.PasswordResetView):
    template_name = PAGES + "password_reset_form.html"
    email_template_name = "registration/cybercommons_password_reset_email.txt"
    subject_template_name = "registration/cybercommons_password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        # The platform's name, not the host name Django would use without the sites app.
        return {"site_name": settings.OTP_TOTP_ISSUER}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = PAGES + "password_reset_done.html"


class PasswordResetConfirmView(InvalidIsBadRequest, auth_views.PasswordResetConfirmView):
    template_name = PAGES + "password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever proved they own the mailbox may log in again at once: the locked-out page
        # points here as the way out.
        reset_lockout(username=form.user.get_username())
        services.record_account_security_event(form.user, CoreAction.PASSWORD_RESET)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = PAGES + "password_reset_complete.html"


class PasswordChangeView(InvalidIsBadRequest, auth_views.PasswordChangeView):
    template_name = PAGES + "password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        services.record_account_security_event(form.user, CoreAction.PASSWORD_CHANGED)
        messages.success(self.request, _("Your password was changed. Other sessions were "
                                         "logged out."))
        return response


def password_change(request: HttpRequest) -> HttpResponse:
    """Django's view behind our own sign-in check (its decorator would use LOGIN_URL)."""
    response = PasswordChangeView.as_view()(request)
    assert isinstance(response, HttpResponse)
    return response
