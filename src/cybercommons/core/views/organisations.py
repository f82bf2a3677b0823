"""Organisation directory and pages; membership administration by the organisation's admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cybercommons.core import policy, queries, services
from cybercommons.core.errors import ServiceError
from cybercommons.core.forms import InvitationForm, MembershipForm, OrganisationForm
from cybercommons.core.models import Role, StakeholderType


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = queries.organisation_directory(
        request.user,
        stakeholder_type=request.GET.get("type", ""),
        country=request.GET.get("country", ""),
        q=request.GET.get("q", "")[:100],
    )
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(request, "core/pages/organisation_list.html", {
        "page": page, "stakeholder_types": StakeholderType.choices,
        "selected_type": request.GET.get("type", ""), "q": request.GET.get("q", ""),
    })


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(policy.organisations(request.user), slug=slug)
    is_admin = policy.has_role(request.user, organisation, Role.ADMIN)
    return render(request, "core/pages/organisation_detail.html", {
        "organisation": organisation,
        "members": policy.memberships(request.user, organisation),
        "invitations": policy.invitations(request.user, organisation).filter(
            accepted_at__isnull=True),
        "is_admin": is_admin,
        "invite_form": InvitationForm() if is_admin else None,
        "roles": Role.choices,
    })


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(policy.require_signed_in(request.user),
                                                        **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The organisation was created. You are its administrator."))
            return redirect("core:organisation-detail", slug=organisation.slug)
    return render(request, "core/pages/organisation_form.html", {"form": form}, status=400
                  if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(policy.organisations(request.user), slug=slug)
    if not policy.has_role(request.user, organisation, Role.ADMIN):
        raise PermissionDenied(_("Only the organisation's administrators may edit it."))
    initial = {"name": organisation.name, "stakeholder_type": organisation.stakeholder_type,
               "country": organisation.country, "website": organisation.website,
               "description": organisation.description}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(policy.require_signed_in(request.user), organisation,
                                         **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:organisation-detail", slug=organisation.slug)
    return render(request, "core/pages/organisation_form.html",
                  {"form": form, "organisation": organisation},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def organisation_invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(policy.organisations(request.user), slug=slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid e-mail address and role."))
        return redirect("core:organisation-detail", slug=slug)
    accept_url = request.build_absolute_uri(reverse("accounts:invitation-accept",
                                                    args=["TOKEN"])).replace("TOKEN/", "")
    try:
        services.invite_member(policy.require_signed_in(request.user), organisation,
                               email=form.cleaned_data["email"],
                               role=form.cleaned_data["role"], accept_url=accept_url)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation was sent."))
    return redirect("core:organisation-detail", slug=slug)


@login_required
@require_POST
def membership_change(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = get_object_or_404(policy.organisations(request.user), slug=slug)
    membership = get_object_or_404(policy.memberships(request.user, organisation),
                                   pk=membership_id)
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("core:organisation-detail", slug=slug)
    try:
        if form.cleaned_data["remove"]:
            services.remove_member(policy.require_signed_in(request.user), membership)
            messages.success(request, _("The member was removed."))
        elif form.cleaned_data["role"]:
            services.change_role(policy.require_signed_in(request.user), membership,
                                 form.cleaned_data["role"])
            messages.success(request, _("The role was changed."))
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("core:organisation-detail", slug=slug)


