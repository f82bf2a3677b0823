"""Pages of the security module: browse and search, object pages, writing forms,
collections, sharing groups, subscriptions and imports. Views parse, call a query or a
service, and render; every read goes through ``policy``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import Organisation
from cybercommons.core.policy import require_signed_in
from cybercommons.security import graph, policy, queries, services
from cybercommons.security.forms import (
    ApiRootForm,
    CollectionForm,
    GrantForm,
    ImportForm,
    IndicatorForm,
    ReportForm,
    SharingGroupForm,
    SubscriptionForm,
)
from cybercommons.security.importers.jobs import (
    max_document_bytes,
    start_file_import,
    start_url_import,
)
from cybercommons.security.kernel.stix_validation import check_pattern
from cybercommons.security.kernel.tlp import tlp_for_marking_id
from cybercommons.security.models import TLP_CHOICES, CollectionGrant, SharingGroup

PAGE_SIZE = 50


def _admin_orgs(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=request.user,
                                       memberships__role="admin")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Browse and search the objects the reader may see (newest version of each)."""
    params = {name: request.GET.get(name, "")[:200] for name in
              ("q", "type", "label", "tlp", "collection", "added_after", "added_before")}
    after = parse_datetime(params["added_after"]) if params["added_after"] else None
    before = parse_datetime(params["added_before"]) if params["added_before"] else None
    objects = queries.search_objects(
        request.user, q=params["q"], type=params["type"], label=params["label"],
        tlp=params["tlp"], collection=params["collection"], added_after=after,
        added_before=before).order_by("-date_added", "-pk")
    page = Paginator(objects, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(request, "security/pages/index.html", {
        "page": page, "params": params, "tlp_choices": TLP_CHOICES,
        "types": ["indicator", "malware", "report", "relationship", "sighting",
                  "threat-actor", "intrusion-set", "attack-pattern", "vulnerability",
                  "identity", "campaign", "tool"],
        "collections": policy.readable_collections(request.user).order_by("title"),
        "query": query,
    })


@require_GET
def object_detail(request: HttpRequest, stix_id: str) -> HttpResponse:
    """One object: its versions, markings, and the objects related to it, as a graph."""
    versions = list(queries.object_versions(request.user, stix_id))
    if not versions:
        raise Http404(_("No such object."))
    latest = versions[-1]
    content = json.loads(latest.raw)
    links = queries.related(request.user, stix_id)
    found = graph.neighbours(stix_id, [json.loads(link.raw) for link in links])
    names = queries.names_of(request.user, [n.other_id for n in found])
    # A link the viewer may see can name an object they may not: it is left out, so the
    # page shows only related objects the policy lets the viewer see.
    neighbours = [n for n in found if n.other_id in names]
    return render(request, "security/pages/object_detail.html", {
        "object": latest, "versions": versions, "content": content,
        "pretty": json.dumps(content, indent=2, ensure_ascii=False),
        "markings": [(ref, tlp_for_marking_id(ref)) for ref in
                     latest.marking_refs.strip("|").split("|") if ref],
        "neighbours": neighbours, "names": names,
        "svg": graph.render(content.get("name") or stix_id, neighbours, names)
        if neighbours else "",
    })


def _publish(request: HttpRequest, form_class: type[IndicatorForm] | type[ReportForm],
             template: str) -> HttpResponse:
    collections = policy.writable_collections(request.user).order_by("title")
    form = form_class(request.POST or None, collections=collections)
    if request.method == "POST" and form.is_valid():
        obj = form.to_stix()
        try:
            outcome = services.add_python_objects(require_signed_in(request.user),
                                                  form.cleaned_data["collection"], [obj],
                                                  record_status=False)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            if outcome.failures:
                form.add_error(None, outcome.failures[0]["message"])
            else:
                messages.success(request, _("Published."))
                return redirect("security:object", stix_id=obj["id"])
    return render(request, template, {"form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: HttpRequest) -> HttpResponse:
    return _publish(request, IndicatorForm, "security/pages/indicator_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    return _publish(request, ReportForm, "security/pages/report_form.html")


@require_POST
def pattern_check(request: HttpRequest) -> HttpResponse:
    """The live pattern check of the indicator form (htmx swaps the result in)."""
    pattern = request.POST.get("pattern", "")[:5000]
    result = check_pattern(pattern) if pattern.strip() else None
    return render(request, "security/partials/pattern_check.html", {"result": result})


@require_http_methods(["GET", "POST"])
def collections(request: HttpRequest) -> HttpResponse:
    """The collections the reader may read or write, and a form to open one."""
    owners = _admin_orgs(request)
    form = CollectionForm(request.POST or None, owners=owners)
    root_form = ApiRootForm(None, owners=owners)
    roots = policy.api_roots(request.user).filter(members__in=owners).distinct()
    if request.method == "POST":
        user = require_signed_in(request.user)
        root = roots.filter(slug=request.POST.get("api_root", "")).first()
        if root is None:
            form.add_error(None, _("Choose a community you belong to."))
        elif form.is_valid():
            try:
                created = services.create_collection(user, root, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The collection was opened."))
                return redirect("security:collection", pk=created.pk)
    readable = set(policy.readable_collections(request.user).values_list("pk", flat=True))
    writable = set(policy.writable_collections(request.user).values_list("pk", flat=True))
    rows = [(c, c.pk in readable, c.pk in writable)
            for c in policy.visible_collections(request.user).order_by("api_root__title",
                                                                      "title")]
    return render(request, "security/pages/collections.html", {
        "rows": rows, "form": form if owners.exists() else None, "roots": roots,
        "root_form": root_form if owners.exists() else None,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def api_root_create(request: HttpRequest) -> HttpResponse:
    form = ApiRootForm(request.POST, owners=_admin_orgs(request))
    if form.is_valid():
        try:
            services.create_api_root(require_signed_in(request.user), **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The community was opened."))
    else:
        messages.error(request, _("Check the community's title and owner."))
    return redirect("security:collections")


@require_http_methods(["GET", "POST"])
def collection_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A collection: its TAXII address, rights, newest objects; managers edit sharing."""
    collection = get_object_or_404(policy.visible_collections(request.user), pk=pk)
    manager = policy.can_manage_collection(request.user, collection)
    form = GrantForm(request.POST or None)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied(_("Only the collection's managers may share it."))
        if form.is_valid():
            try:
                services.set_grant(require_signed_in(request.user), collection,
                                   organisation=form.cleaned_data["organisation"],
                                   group=form.cleaned_data["sharing_group"],
                                   can_read=form.cleaned_data["can_read"],
                                   can_write=form.cleaned_data["can_write"])
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Sharing was updated."))
                return redirect("security:collection", pk=collection.pk)
    latest = (policy.objects_in(request.user, collection)
              .filter(policy.newest_visible(request.user))
              .order_by("-seq")[:20])
    return render(request, "security/pages/collection_detail.html", {
        "collection": collection, "manager": manager, "form": form if manager else None,
        "grants": collection.grants.select_related("organisation", "sharing_group")
        if manager else CollectionGrant.objects.none(),
        "latest": latest,
        "taxii_url": request.build_absolute_uri(
            f"/taxii2/{collection.api_root.slug}/collections/{collection.pk}/"),
        "can_write": policy.can_write(request.user, collection),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def sharing_groups(request: HttpRequest) -> HttpResponse:
    owners = _admin_orgs(request)
    form = SharingGroupForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_sharing_group(require_signed_in(request.user),
                                                  **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The sharing group was created."))
            return redirect("security:sharing-group", slug=group.slug)
    groups = policy.sharing_groups(request.user).select_related("owner").prefetch_related(
        "members")
    return render(request, "security/pages/sharing_groups.html", {
        "groups": groups, "form": form if owners.exists() else None,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def sharing_group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group: SharingGroup = get_object_or_404(policy.sharing_groups(request.user), slug=slug)
    manager = policy.can_manage_group(request.user, group)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied(_("Only the group's administrators may change it."))
        members = Organisation.objects.filter(pk__in=request.POST.getlist("members"))
        services.set_group_members(require_signed_in(request.user), group, list(members))
        messages.success(request, _("The members were saved."))
        return redirect("security:sharing-group", slug=group.slug)
    return render(request, "security/pages/sharing_group_detail.html", {
        "group": group, "manager": manager, "members": group.members.all(),
        "organisations": Organisation.objects.order_by("name") if manager else [],
    })


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request: HttpRequest) -> HttpResponse:
    """Subscriptions to remote TAXII collections, their state, and a form to add one."""
    form = SubscriptionForm(request.POST or None,
                            organisations=policy.acting_organisations(request.user),
                            collections=policy.visible_collections(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.create_subscription(require_signed_in(request.user), **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The subscription was saved."))
            return redirect("security:subscriptions")
    items = policy.subscriptions(request.user).select_related("local_collection")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "security/partials/subscription_rows.html", {"items": items})
    return render(request, "security/pages/subscriptions.html", {"items": items, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def subscription_run(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(policy.subscriptions(request.user), pk=pk)
    progress = services.start_subscription(require_signed_in(request.user), subscription)
    return redirect("core:progress", key=progress.key)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a STIX bundle, a MISP event or a CSV of indicators into a collection, or
    give its URL: either way the import runs in the background and the page to follow it
    opens."""
    form = ImportForm(request.POST or None, request.FILES or None,
                      collections=policy.writable_collections(request.user))
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        actor = require_signed_in(request.user)
        collection, kind = form.cleaned_data["collection"], form.cleaned_data["kind"]
        try:
            if upload is None:
                job = start_url_import(actor, collection, kind, form.cleaned_data["url"])
            else:
                job = start_file_import(actor, collection, kind, upload)
        except ServiceError as error:
            form.add_error("file" if error.field == "file" else None, error.message)
            status = error.status
        else:
            return redirect("security:import-status", pk=job.pk)
    return render(request, "security/pages/import.html", {
        "form": form, "recent": queries.import_jobs(request.user)[:10],
        "max_bytes": max_document_bytes(),
    }, status=status)


@login_required
@require_GET
def import_status(request: HttpRequest, pk: str) -> HttpResponse:
    """How far an import got and, once done, what became of each record."""
    job = queries.import_job(request.user, pk)
    if job is None:
        raise Http404(_("No such import."))
    template = ("security/partials/import_status.html" if request.htmx  # type: ignore[attr-defined]
                else "security/pages/import_status.html")
    return render(request, template, {"job": job, "progress": job.progress,
                                      "report": job.progress.result})


def country_panel(request: HttpRequest, country: object) -> str | None:
    """Intelligence is shared by organisation, not by place: no country panel."""
    return None

