"""Pages of the exchange module: works and search, translations, exhibitions, moderation."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cybercommons.core import policy as core_policy
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import Country
from cybercommons.exchange import policy, queries, services, version_notes
from cybercommons.exchange.forms import (
    AppealForm,
    DecisionForm,
    ExhibitionForm,
    ExhibitionTranslationForm,
    FollowRemoteForm,
    HashListForm,
    InstanceForm,
    MediaForm,
    ReportForm,
    TranslationForm,
    WorkEditForm,
    WorkForm,
)
from cybercommons.exchange.kernel import licences
from cybercommons.exchange.models import CaseStatus, WorkKind, WorkStatus
from cybercommons.exchange.services import TextInput
from cybercommons.exchange.translation import backend as translation_backend

PAGE_SIZE = 20


def _language() -> str:
    return (get_language() or "en").lower()


def _work_or_404(request: HttpRequest, uuid: Any) -> Any:
    work = queries.work(request.user, uuid)
    if work is None:
        raise Http404(_("No such work."))
    return work


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _work_cards(works: list[Any], terms: list[str]) -> list[dict[str, Any]]:
    language = _language()
    found = queries.matched_languages([w.pk for w in works], terms)
    cards = []
    for work in works:
        text = queries.text_for(work, language)
        cards.append({"work": work, "text": text, "matched": found.get(work.pk, []),
                      "thumbnail": next((m for m in work.media.all() if m.thumbnail), None)})
    return cards


@require_GET
def work_list(request: HttpRequest) -> HttpResponse:
    filters = queries.Filters(
        q=request.GET.get("q", "")[:queries.MAX_QUERY_LENGTH],
        language=request.GET.get("language", "")[:10],
        country=request.GET.get("country", "")[:2],
        kind=request.GET.get("kind", "") if request.GET.get("kind") in WorkKind.values else "",
        licence=request.GET.get("licence", "")[:40],
        century=_int(request.GET.get("century")),
    )
    results = queries.search(request.user, filters)
    page = queries.CappedPaginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "results": results,
               "cards": _work_cards(list(page.object_list), results.terms),
               "filters": filters, "facets": results.facets, "query": request.GET.copy(),
               "can_contribute": policy.contributable_organisations(request.user).exists()}
    template = ("exchange/partials/results.html" if getattr(request, "htmx", False)
                else "exchange/pages/work_list.html")
    return render(request, template, context)


@require_GET
def work_detail(request: HttpRequest, uuid: Any) -> HttpResponse:
    work = _work_or_404(request, uuid)
    language = _language()
    attribution = queries.attribution(work, language if language in licences.LANGUAGES
                                      else "en")
    can_edit = policy.can_edit(request.user, work)
    versions = Paginator(work.versions.all(), PAGE_SIZE).get_page(request.GET.get("versions"))
    versions.object_list = [_noted(v) for v in versions.object_list]
    return render(request, "exchange/pages/work_detail.html", {
        "work": work, "texts": list(work.texts.all()),
        "shown": queries.text_for(work, language),
        "attribution": attribution, "licence": licences.get_licence(work.licence),
        "versions": versions,
        "media": list(work.media.all()),
        "can_edit": can_edit, "can_translate": policy.can_translate(request.user, work),
        "cases": policy.own_cases(request.user).filter(work=work).prefetch_related(
            "decisions") if can_edit else [],
        "report_form": ReportForm() if request.user.is_authenticated else None,
        "appeal_form": AppealForm(),
    })


@require_GET
def work_version(request: HttpRequest, uuid: Any, number: int) -> HttpResponse:
    work = _work_or_404(request, uuid)
    version = _noted(get_object_or_404(work.versions, number=number))
    return render(request, "exchange/pages/work_version.html",
                  {"work": work, "version": version})


def _noted(version: Any) -> Any:
    """The version with its note rendered in the reader's language."""
    version.label = version_notes.describe(version.note_code, version.note_params,
                                           version.note)
    return version


@login_required
@require_http_methods(["GET", "POST"])
def work_create(request: HttpRequest) -> HttpResponse:
    organisations = policy.contributable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("You need the editor role in an organisation to contribute."))
    form = WorkForm(request.POST or None, request.FILES or None, organisations=organisations,
                    initial={"language": _language() if _language() in licences.LANGUAGES
                             else "en", "organisation": _only(organisations)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = core_policy.require_signed_in(request.user)
        try:
            work = services.create_work(
                user, data["organisation"],
                texts=[TextInput(data["language"], data["title"], data["description"])],
                kind=data["kind"], licence=data["licence"], creator=data["creator"],
                creator_url=data["creator_url"], source_url=data["source_url"],
                subjects=data["subjects"], country=data["country"], place=data["place"],
                period=data["period"], year_start=data["year_start"],
                year_end=data["year_end"], age_rating=data["age_rating"],
                content_warning=data["content_warning"], visibility=data["visibility"])
            if data["file"]:
                services.add_media(user, work, data=data["file"].read(),
                                   filename=data["file"].name,
                                   declared_type=data["file"].content_type or "",
                                   alt_text=data["alt_text"])
            if data["publish"]:
                work.refresh_from_db()
                services.publish_work(user, work)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            work.refresh_from_db()
            _status_message(request, work)
            return redirect("exchange:work-detail", uuid=work.uuid)
    return render(request, "exchange/pages/work_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _only(organisations: Any) -> Any:
    """The organisation to preselect when a person can contribute to just one."""
    first_two = list(organisations[:2])
    return first_two[0] if len(first_two) == 1 else None


def _status_message(request: HttpRequest, work: Any) -> None:
    if work.status == WorkStatus.HELD:
        # Never more than this: the uploader learns nothing about lists or matches.
        messages.warning(request, _("The work is held for review by moderators."))
    elif work.status == WorkStatus.PUBLISHED:
        messages.success(request, _("The work is published."))
    else:
        messages.success(request, _("The work is saved as a draft."))


@login_required
@require_http_methods(["GET", "POST"])
def work_edit(request: HttpRequest, uuid: Any) -> HttpResponse:
    work = _work_or_404(request, uuid)
    if not policy.can_edit(request.user, work):
        raise PermissionDenied(_("Only the organisation's editors may change this work."))
    initial = {"creator": work.creator, "licence": work.licence,
               "subjects": ", ".join(work.subjects), "place": work.place,
               "period": work.period, "age_rating": work.age_rating,
               "content_warning": work.content_warning, "visibility": work.visibility}
    form = WorkEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        note = data.pop("note")
        changed = {k: v for k, v in data.items() if initial.get(k) != v}
        try:
            services.update_work(core_policy.require_signed_in(request.user), work, note=note,
                                 **changed)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved; the previous version is kept."))
            return redirect("exchange:work-detail", uuid=work.uuid)
    return render(request, "exchange/pages/work_edit.html", {"form": form, "work": work},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def work_translate(request: HttpRequest, uuid: Any) -> HttpResponse:
    work = _work_or_404(request, uuid)
    if not policy.can_translate(request.user, work):
        raise PermissionDenied(_("Only the organisation's members may translate this work."))
    machine = translation_backend()
    form = TranslationForm(request.POST or None)
    user = core_policy.require_signed_in(request.user)
    if request.method == "POST" and "machine" in request.POST and machine is not None:
        try:
            services.machine_translate(user, work, request.POST.get("language", ""))
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("A machine translation was added and is labelled "
                                        "as such."))
        return redirect("exchange:work-detail", uuid=work.uuid)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_text(user, work, TextInput(data["language"], data["title"],
                                                     data["description"], data["translator"]))
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The translation was saved."))
            return redirect("exchange:work-detail", uuid=work.uuid)
    return render(request, "exchange/pages/work_translate.html",
                  {"form": form, "work": work, "original": queries.text_for(
                      work, work.primary_language), "machine": machine},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def work_media(request: HttpRequest, uuid: Any) -> HttpResponse:
    work = _work_or_404(request, uuid)
    form = MediaForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.add_media(core_policy.require_signed_in(request.user), work,
                               data=upload.read(), filename=upload.name,
                               declared_type=upload.content_type or "",
                               alt_text=form.cleaned_data["alt_text"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            work.refresh_from_db()
            _status_message(request, work)
    else:
        messages.error(request, _("Choose a file."))
    return redirect("exchange:work-detail", uuid=work.uuid)


@login_required
@require_POST
def work_publish(request: HttpRequest, uuid: Any) -> HttpResponse:
    work = _work_or_404(request, uuid)
    user = core_policy.require_signed_in(request.user)
    try:
        if request.POST.get("action") == "withdraw":
            services.unpublish_work(user, work)
        else:
            services.publish_work(user, work)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        work.refresh_from_db()
        _status_message(request, work)
    return redirect("exchange:work-detail", uuid=work.uuid)


@login_required
@require_POST
def work_report(request: HttpRequest, uuid: Any) -> HttpResponse:
    work = _work_or_404(request, uuid)
    form = ReportForm(request.POST)
    if form.is_valid():
        services.report_work(core_policy.require_signed_in(request.user), work,
                             reason=form.cleaned_data["reason"],
                             comment=form.cleaned_data["comment"])
        messages.success(request, _("Thank you. Moderators will look at your report."))
    else:
        messages.error(request, _("Choose a reason."))
    return redirect("exchange:work-detail", uuid=work.uuid)


def _media(request: HttpRequest, pk: int) -> Any:
    from cybercommons.exchange.models import MediaFile

    # Files are served through policy: a held or draft work's images are not reachable
    # by guessing their address.
    item = MediaFile.objects.filter(pk=pk, work__in=policy.works(request.user)).first()
    if item is None:
        raise Http404(_("No such file."))
    return item


def _file_response(field: Any, content_type: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("No such file.")) from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def media_file(request: HttpRequest, pk: int) -> FileResponse:
    item = _media(request, pk)
    response = _file_response(item.file, item.content_type)
    # Only types checked by content are ever stored; still, never render them inline as
    # a page of this site.
    if not item.is_image:
        response["Content-Disposition"] = "attachment"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def media_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    item = _media(request, pk)
    if not item.thumbnail:
        raise Http404(_("No thumbnail."))
    return _file_response(item.thumbnail, "image/webp")


# ---- exhibitions ---------------------------------------------------------------------------


@require_GET
def exhibition_list(request: HttpRequest) -> HttpResponse:
    items = policy.exhibitions(request.user).select_related("organisation")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    language = _language()
    return render(request, "exchange/pages/exhibition_list.html", {
        "page": page, "language": language,
        "rows": [{"exhibition": e, "title": e.title.get(language) or
                  e.title.get(e.primary_language)} for e in page.object_list],
        "can_contribute": policy.contributable_organisations(request.user).exists()})


def _exhibition_language(found: Any, asked: str) -> str:
    """The viewer's language if the exhibition has it, else its primary language."""
    asked = (asked or "").lower()
    if asked in found.title:
        return asked
    base = asked.split("-")[0]
    return base if base in found.title else found.primary_language


@require_GET
def exhibition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = queries.exhibition(request.user, slug)
    if found is None:
        raise Http404(_("No such exhibition."))
    language = _exhibition_language(found, request.GET.get("lang") or _language())
    primary = found.primary_language
    items = queries.exhibition_items(request.user, found)
    for item in items:
        # Per item: the viewer's language, else the original, else whatever exists.
        narrative = item["narrative"]
        item["narrative_language"] = language if language in narrative else (
            primary if primary in narrative else next(iter(narrative), language))
        item["narrative_text"] = narrative.get(item["narrative_language"], "")
        item["narrative_outdated"] = item["narrative_language"] in item["outdated"]
        if item["work"] is not None:
            item["text"] = queries.text_for(item["work"], language)
            item["attribution"] = queries.attribution(item["work"], language if language in
                                                      licences.LANGUAGES else "en")
            item["image"] = next((m for m in item["work"].media.all() if m.thumbnail), None)
    introduction_language = language if language in found.introduction else primary
    names = dict(settings.LANGUAGES)
    return render(request, "exchange/pages/exhibition_detail.html", {
        "exhibition": found, "language": language, "items": items,
        "title": found.title.get(language),
        "introduction": found.introduction.get(introduction_language, ""),
        "introduction_language": introduction_language,
        "translator": found.translators.get(language, ""),
        "machine_translated": language in found.machine_translations,
        "languages": [(code, names.get(code, code)) for code in sorted(found.title)],
        "can_translate": policy.can_translate_exhibition(request.user, found),
        "can_arrange": policy.can_contribute(request.user, found.organisation),
        "share_url": request.build_absolute_uri(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_translate(request: HttpRequest, slug: str) -> HttpResponse:
    found = queries.exhibition(request.user, slug)
    if found is None:
        raise Http404(_("No such exhibition."))
    if not policy.can_translate_exhibition(request.user, found):
        raise PermissionDenied(_("Only the organisation's members may translate this "
                                 "exhibition."))
    items = list(found.items.all())
    positions = [item.position for item in items if item.narrative]
    language = (request.GET.get("lang") or "").lower()
    initial: dict[str, Any] = {}
    if language in found.title:
        initial = {"language": language, "title": found.title.get(language, ""),
                   "introduction": found.introduction.get(language, ""),
                   "translator": found.translators.get(language, ""),
                   "is_machine_translation": language in found.machine_translations}
        initial.update({f"narrative_{item.position}": item.narrative.get(language, "")
                        for item in items if item.narrative})
    form = ExhibitionTranslationForm(request.POST or None, positions=positions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_exhibition_translation(
                core_policy.require_signed_in(request.user), found, language=data["language"],
                title=data["title"], introduction=data["introduction"],
                narratives=form.narratives(), translator=data["translator"],
                is_machine_translation=data["is_machine_translation"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The translation was saved."))
            return redirect(reverse("exchange:exhibition-detail", args=[found.slug])
                            + "?lang=" + data["language"])
    primary = found.primary_language
    originals = {item.position: item.narrative.get(primary, "") for item in items}
    return render(request, "exchange/pages/exhibition_translate.html", {
        "exhibition": found, "form": form, "primary": primary,
        "original_title": found.title.get(primary, ""),
        "original_introduction": found.introduction.get(primary, ""),
        "narrative_fields": [(form[f"narrative_{p}"], originals.get(p, "")) for p in positions],
    }, status=400 if request.method == "POST" else 200)


def _arrangement(request: HttpRequest, found: Any) -> list[dict[str, Any]]:
    """Items of the exhibition with a short label each, in the reader's language."""
    from django.utils.html import strip_tags
    from django.utils.text import Truncator

    language = _exhibition_language(found, _language())
    rows = []
    for item in queries.exhibition_items(request.user, found):
        if item["work"] is not None:
            shown = queries.text_for(item["work"], language)
            label = shown.title if shown is not None else str(item["work"])
        else:
            narrative = item["narrative"]
            text = narrative.get(language) or next(iter(narrative.values()), "")
            label = _("Text: %(start)s") % {
                "start": Truncator(strip_tags(text)).chars(60)}
        rows.append({"pk": item["pk"], "label": label})
    return rows


def _editable_exhibition(request: HttpRequest, slug: str) -> Any:
    found = queries.exhibition(request.user, slug)
    if found is None:
        raise Http404(_("No such exhibition."))
    if not policy.can_contribute(request.user, found.organisation):
        raise PermissionDenied(_("Only the organisation's editors may arrange this "
                                 "exhibition."))
    return found


@login_required
@require_GET
def exhibition_arrange(request: HttpRequest, slug: str) -> HttpResponse:
    found = _editable_exhibition(request, slug)
    return render(request, "exchange/pages/exhibition_arrange.html", {
        "exhibition": found, "rows": _arrangement(request, found), "status": ""})


@login_required
@require_POST
def exhibition_item_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Move an item up or down; with htmx only the list and the status line are sent back."""
    found = _editable_exhibition(request, slug)
    try:
        position = services.move_exhibition_item(
            core_policy.require_signed_in(request.user), found, pk,
            direction=request.POST.get("direction", ""))
    except ServiceError as error:
        status, failed = error.message, True
    else:
        status, failed = _("Moved to position %(n)d.") % {"n": position}, False
    if getattr(request, "htmx", False):
        # A refused move answers 200 too: htmx swaps only successful answers, and the status
        # line is how the refusal reaches a screen reader.
        return render(request, "exchange/partials/exhibition_order.html", {
            "exhibition": found, "rows": _arrangement(request, found), "status": status,
            "oob": True})
    (messages.error if failed else messages.success)(request, status)
    return redirect("exchange:exhibition-arrange", slug=found.slug)


@login_required
@require_http_methods(["GET", "POST"])
def exhibition_create(request: HttpRequest) -> HttpResponse:
    organisations = policy.contributable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("You need the editor role in an organisation."))
    form = ExhibitionForm(request.POST or None, organisations=organisations,
                          initial={"organisation": _only(organisations)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exhibition = services.save_exhibition(
                core_policy.require_signed_in(request.user), data["organisation"],
                slug=data["slug"], title={data["language"]: data["title"]},
                introduction={data["language"]: data["introduction"]},
                primary_language=data["language"], items=form.parsed_items(),
                publish=data["publish"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("exchange:exhibition-detail", slug=exhibition.slug)
    return render(request, "exchange/pages/exhibition_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_GET
def remote_work_list(request: HttpRequest) -> HttpResponse:
    items = policy.remote_works(request.user).select_related("actor")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/pages/remote_list.html",
                  {"page": page, "is_moderator": policy.is_moderator(request.user)})


@login_required
@require_POST
def remote_work_flag(request: HttpRequest, pk: int) -> HttpResponse:
    user = _moderator(request)
    remote_work = get_object_or_404(policy.remote_works(user), pk=pk)
    try:
        services.flag_remote_work(user, remote_work, comment=request.POST.get("comment", ""))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reported to its server and hidden here."))
    return redirect("exchange:remote-list")


# ---- moderation ----------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> Any:
    policy.require_moderator(request.user)
    return core_policy.require_signed_in(request.user)


@login_required
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _moderator(request)
    status = request.GET.get("status", "")
    status = status if status in CaseStatus.values else ""
    cases = queries.moderation_queue(request.user, status)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/pages/moderation.html",
                  {"page": page, "status": status, "statuses": CaseStatus.choices})


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _moderator(request)
    case = get_object_or_404(policy.cases(request.user).select_related("work"), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide(user, case, outcome=form.cleaned_data["outcome"],
                            reason=form.cleaned_data["reason"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The decision was recorded and the author told."))
            return redirect("exchange:moderation")
    elif request.method == "GET":
        services.record_case_view(user, case)
    return render(request, "exchange/pages/case_detail.html", {
        "case": case, "form": form, "work": case.work,
        "texts": list(case.work.texts.all()), "media": list(case.work.media.all()),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def case_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(policy.own_cases(request.user), pk=pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.appeal(core_policy.require_signed_in(request.user), case,
                            statement=form.cleaned_data["statement"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your appeal was sent to the moderators."))
    return redirect("exchange:work-detail", uuid=case.work.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def hash_lists(request: HttpRequest) -> HttpResponse:
    user = _moderator(request)
    form = HashListForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        lines = io.TextIOWrapper(upload.file, encoding="utf-8", errors="replace")
        try:
            report = services.import_hash_list(user, name=form.cleaned_data["name"],
                                               lines=lines, source=form.cleaned_data["source"])
        except ServiceError as error:
            form.add_error(None, error.message)
    from django.db.models import Count

    # By name, then key: one total order, so that pages neither overlap nor skip a list.
    lists = policy.hash_lists(request.user).annotate(size=Count("entries")).order_by("name", "pk")
    return render(request, "exchange/pages/hash_lists.html", {
        "form": form, "report": report,
        "lists": Paginator(lists, PAGE_SIZE).get_page(request.GET.get("page"))})


@login_required
@require_http_methods(["GET", "POST"])
def instances(request: HttpRequest) -> HttpResponse:
    user = _moderator(request)
    form = InstanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_instance_policy(user, form.cleaned_data["domain"],
                                         form.cleaned_data["policy"], form.cleaned_data["note"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("exchange:instances")
    servers = policy.instances(request.user).order_by("domain", "pk")
    return render(request, "exchange/pages/instances.html", {
        "form": form, "instances": Paginator(servers, PAGE_SIZE).get_page(request.GET.get("page"))})


def _federation_page(request: HttpRequest, form: FollowRemoteForm, status: int = 200
                     ) -> HttpResponse:
    # Two lists, two page numbers: each pager keeps the other's place in its links.
    pending = Paginator(policy.pending_followers(request.user), PAGE_SIZE)
    followings = Paginator(policy.followings(request.user), PAGE_SIZE)
    return render(request, "exchange/pages/federation.html", {
        "form": form, "page": pending.get_page(request.GET.get("page")),
        "followings": followings.get_page(request.GET.get("following")),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def federation(request: HttpRequest) -> HttpResponse:
    """Follows: ask to follow a remote actor; see who we follow and who waits for approval."""
    user = _moderator(request)
    organisations = policy.administered_organisations(request.user)
    form = FollowRemoteForm(request.POST or None, organisations=organisations,
                            initial={"organisation": _only(organisations)})
    if request.method == "POST" and form.is_valid():
        try:
            following = services.follow_remote(user, form.cleaned_data["organisation"],
                                               form.cleaned_data["actor"])
        except ServiceError as error:
            form.add_error("actor", error.message)
        except PermissionDenied as error:
            form.add_error("organisation", str(error))
        else:
            messages.success(request, _("A follow request was sent to %(actor)s.")
                             % {"actor": following.remote.ap_id})
            return redirect("exchange:federation")
    return _federation_page(request, form, 400 if request.method == "POST" else 200)


@login_required
@require_POST
def follower_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _moderator(request)
    follower = get_object_or_404(queries.follow_requests(request.user), pk=pk)
    try:
        approve = services.follow_decision(request.POST.get("decision", ""))
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("exchange:federation")
    services.decide_follower(user, follower, approve=approve)
    done = _("%(actor)s may now follow.") if approve else \
        _("The follow request of %(actor)s was rejected.")
    messages.success(request, done % {"actor": follower.remote.ap_id})
    return redirect("exchange:federation")


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    notices = policy.notices(request.user).select_related("work")
    return render(request, "exchange/pages/notices.html", {
        "page": Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))})


def country_panel(request: HttpRequest, country: Country) -> str | None:
    """Works from this country, for core's country page."""
    works = list(queries.works_for_country(request.user, country)[:6])
    if not works:
        return None
    total = policy.works(request.user).filter(country=country).count()
    return render_to_string("exchange/partials/country_panel.html", {
        "country": country, "cards": _work_cards(works, []), "total": total,
    }, request=request)
