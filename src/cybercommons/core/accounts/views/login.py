"""Log-in in one or two steps, re-verification of a session, and log-out.

When the password is right and the person has two-factor authentication on, nobody is
logged in yet: the session only remembers, for a few minutes, who passed the first step.
The second step asks for a code and logs in only when it is right. Wrong codes count as
failed log-ins for the lock-out, like wrong passwords.
"""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import check_for_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from cybercommons.core.accounts import two_factor
from cybercommons.core.accounts.access import allow_methods, is_verified, safe_next
from cybercommons.core.accounts.forms import CodeForm
from cybercommons.core.models import User

PENDING_KEY = "accounts_pending_login"
PENDING_SECONDS = 5 * 60


def remember_language(response: HttpResponse, user: User) -> HttpResponse:
    """Make the pages follow the user's preferred language from now on (the cookie that
    Django's locale middleware reads); with no preference the browser's choice applies."""
    language = user.language
    if language and check_for_language(language) and language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language,
            max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return response


class LabelledAuthenticationForm(AuthenticationForm):
    """Django's form with our wording and the browser hints password managers rely on."""

    error_messages = {
        "invalid_login": gettext_lazy(
            "The user name or password is not right. Both are case-sensitive."),
        "inactive": gettext_lazy("This account is disabled."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = gettext_lazy("User name")
        self.fields["password"].label = gettext_lazy("Password")


class LoginView(auth_views.LoginView):
    template_name = "core/pages/accounts/login.html"
    form_class = LabelledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if two_factor.is_enabled(user):
            # A new session id for the half-logged-in state, so an id planted before the
            # password was typed is worth nothing.
            self.request.session.cycle_key()
            self.request.session[PENDING_KEY] = {
                "user": user.pk, "backend": user.backend, "next": self.get_success_url(),
                "since": time.time(),
            }
            return redirect("accounts:verify")
        response = super().form_valid(form)
        return remember_language(response, user)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


login = LoginView.as_view()


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("since", 0)) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        return None
    user_id = pending.get("user")
    user = (User.objects.filter(pk=user_id, is_active=True).first()
            if isinstance(user_id, int) else None)
    if user is None:
        del request.session[PENDING_KEY]
        return None
    return user, pending


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@allow_methods("GET", "POST")
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a log-in, or re-verifying an open session before a sensitive page."""
    pending: dict[str, Any] | None = None
    if request.user.is_authenticated:
        user: User = request.user
        next_url = safe_next(request, request.GET.get("next") or request.POST.get("next"),
                             reverse("accounts:profile"))
        if is_verified(request):
            return redirect(next_url)
    else:
        found = _pending_user(request)
        if found is None:
            messages.info(request, _("Log in with your password first."))
            return redirect("accounts:login")
        user, pending = found
        next_url = pending["next"]
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            del request.session[PENDING_KEY]
            return get_lockout_response(request, None, credentials)

    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            if two_factor.is_throttled(user):
                # Refused unread: guessing faster than the back-off learns nothing.
                form.add_error("code", _("Too many wrong codes in a row. Wait a moment, then "
                                         "enter the code your app shows."))
            else:
                device = two_factor.verify(user, form.cleaned_data["code"])
                if device is not None:
                    return _verified(request, user, device, pending, next_url)
                form.add_error("code", _("That code is not right."))
                if pending is not None:
                    _count_failure(request, user)
    return render(request, "core/pages/accounts/verify.html", {
        "form": form, "next": next_url, "completing_login": pending is not None,
    }, status=status)


def _count_failure(request: HttpRequest, user: User) -> None:
    """Count a wrong code like a wrong password; the lock-out middleware answers with the
    locked-out page when this was one failure too many."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)
    if getattr(request, "axes_locked_out", False):
        request.session.pop(PENDING_KEY, None)


def _verified(request: HttpRequest, user: User, device: Any,
              pending: dict[str, Any] | None, next_url: str) -> HttpResponse:
    if pending is not None:
        del request.session[PENDING_KEY]
        auth_login(request, user, backend=pending["backend"])
    else:
        # More power in the same session: give it a new id.
        request.session.cycle_key()
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        left = two_factor.backup_codes_left(user)
        messages.warning(request, ngettext(
            "You used a backup code; %(left)d is left. Make new ones from your profile.",
            "You used a backup code; %(left)d are left. Make new ones from your profile "
            "when few remain.", left) % {"left": left})
    response = redirect(next_url)
    if pending is not None:
        remember_language(response, user)
    return response


@csrf_protect
@never_cache
@allow_methods("GET", "POST")
def logout(request: HttpRequest) -> HttpResponse:
    """Log out on POST (a link or an image cannot log anyone out); GET asks to confirm."""
    if request.method == "POST":
        auth_logout(request)  # flushes the whole session, second factor included
        messages.success(request, _("You are logged out."))
        return redirect("core:home")
    return render(request, "core/pages/accounts/logout.html")
