"""Opening an account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from cybercommons.core import services
from cybercommons.core.accounts.access import allow_methods, safe_next
from cybercommons.core.accounts.forms import SignupForm
from cybercommons.core.errors import ServiceError

# The account was just made here, so the model backend vouches for it (the lock-out backend
# listed first authenticates nobody by itself).
SIGNUP_BACKEND = "django.contrib.auth.backends.ModelBackend"
# The service names the password "password"; the form has it twice.
FIELD_OF = {"password": "password1"}


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@allow_methods("GET", "POST")
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"),
                         reverse("accounts:profile"))
    if request.user.is_authenticated:
        return redirect(next_url)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.register_user(
                username=data["username"], email=data["email"], password=data["password1"],
                display_name=data["display_name"], country=data["country"],
            )
        except ServiceError as error:
            field = FIELD_OF.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            auth_login(request, user, backend=SIGNUP_BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(next_url)
    status = 400 if request.method == "POST" else 200
    return render(request, "core/pages/accounts/signup.html",
                  {"form": form, "next": next_url}, status=status)
