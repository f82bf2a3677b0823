"""Accepting an invitation to an organisation from the link in the e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cybercommons.core import policy, services
from cybercommons.core.accounts import queries
from cybercommons.core.accounts.access import allow_methods, redirect_with_next
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import Invitation, User


def _page(request: HttpRequest, invitation: Invitation, *, error: str = "",
          status: int = 200) -> HttpResponse:
    role = (policy.role_in(request.user, invitation.organisation)
            if request.user.is_authenticated else None)
    return render(request, "core/pages/accounts/invitation_accept.html", {
        "invitation": invitation, "already_member": role is not None, "error": error,
        "here": request.path,
    }, status=status)


@allow_methods("GET", "POST")
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what joining means; POST (signed in) joins."""
    invitation = queries.invitation_for_secret(token)
    if invitation is None:
        raise Http404(_("This invitation does not exist."))
    if request.method == "GET":
        return _page(request, invitation)
    if not request.user.is_authenticated:
        return redirect_with_next("accounts:login", request.path)
    user: User = request.user
    try:
        membership = services.accept_invitation(user, token)
    except ServiceError as error:
        return _page(request, invitation, error=error.message, status=error.status)
    messages.success(request, _("You joined %(organisation)s as %(role)s.") % {
        "organisation": membership.organisation.name, "role": membership.get_role_display(),
    })
    return redirect("core:organisation-detail", slug=membership.organisation.slug)
