"""Account pages (first cut: log-in, sign-up, profile, invitation acceptance)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cybercommons.core import services
from cybercommons.core.errors import ServiceError

login_view = auth_views.LoginView.as_view(template_name="core/pages/accounts/login.html")


def signup(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/accounts/login.html", {"form": None})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/accounts/profile.html", {})


@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        membership = services.accept_invitation(request.user, token)
    except ServiceError:
        return redirect("core:home")
    return redirect("core:organisation-detail", slug=membership.organisation.slug)
