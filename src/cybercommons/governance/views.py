"""Consultation pages: list, timeline, draft and comments, amendments and diffs, the opinion
map, voting, the result with every rule side by side, meetings, and the country panel.

Views only parse, ask queries (through policy) and call services; a refusal from a service
is shown to the person with its reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cybercommons.core import policy as core_policy
from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.charts import csv_text, render_svg
from cybercommons.core.models import Country, Organisation, Role
from cybercommons.core.tasks import start_tracked
from cybercommons.governance import charts, policy, queries, services
from cybercommons.governance.explanations import part_rows, result_why
from cybercommons.governance.forms import (
    AmendmentDecisionForm,
    AmendmentForm,
    BallotForm,
    CommentForm,
    MeetingForm,
    PhaseForm,
    PolisImportForm,
    ProcessForm,
    ScheduleForm,
    StatementForm,
    TranslationForm,
    VoteForm,
    split_sections,
)
from cybercommons.governance.models import (
    PHASE_ORDER,
    Amendment,
    AmendmentStatus,
    DecisionRule,
    Language,
    Phase,
    Process,
    Translation,
    Vote,
)
from cybercommons.governance.outcomes import outcome_label
from cybercommons.governance.rendering import diff_html, diff_stats, render_markdown

NOTIFICATIONS_PER_PAGE = 25
PANEL_PROCESSES = 10  # on a country's page, the newest; the page says when there are more


def _process(request: HttpRequest, slug: str) -> Process:
    process = queries.process_for(request.user, slug)
    if process is None:
        raise Http404(_("No consultation has this address, or it is not visible to you."))
    return process


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service call; show its refusal (with the reason) or the success message."""
    try:
        action()
    except ServiceError as error:
        messages.error(request, error.message)
        return False
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
        return False
    messages.success(request, success)
    return True


def _base_context(request: HttpRequest, process: Process) -> dict[str, Any]:
    return {
        "process": process,
        "is_convenor": policy.is_convenor(request.user, process),
        "refusal": policy.invitation_refusal(request.user, process),
        "phase_label": Phase(process.phase).label,
    }


# --- List and process page ----------------------------------------------------------------


@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    phase = request.GET.get("phase", "")
    processes = queries.process_list(request.user, phase=phase if phase in PHASE_ORDER else "",
                                     q=request.GET.get("q", "")[:100])
    page = Paginator(processes, 25).get_page(request.GET.get("page"))
    can_create = request.user.is_authenticated and _convenable(request).exists()
    return render(request, "governance/pages/process_list.html", {
        "page": page, "phases": Phase.choices, "selected_phase": phase,
        "q": request.GET.get("q", ""), "can_create": can_create,
    })


def _convenable(request: HttpRequest) -> Any:
    user = request.user
    if user.is_authenticated and user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user.pk,
                                       memberships__role__in=[Role.EDITOR, Role.ADMIN])


@login_required
@require_http_methods(["GET", "POST"])
def process_create(request: HttpRequest) -> HttpResponse:
    form = ProcessForm(request.POST or None, organisations=_convenable(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            process = services.create_process(
                core_policy.require_signed_in(request.user), convenor=data["convenor"],
                title=data["title"], slug=data["slug"], summary=data["summary"],
                visibility=data["visibility"], invited_groups=data["invited_groups"],
                invited_regions=data["invited_regions"],
                invited_countries=data["invited_countries"].split(),
                decision_rule=data["decision_rule"], threshold=data["threshold"],
                options=data["options"].splitlines(), sections=split_sections(data["draft"]))
        except (ServiceError, PermissionDenied) as error:
            form.add_error(getattr(error, "field", None) if getattr(error, "field", None)
                           in form.fields else None, getattr(error, "message", str(error)))
        else:
            messages.success(request, _("The consultation was opened."))
            return redirect("governance:process", slug=process.slug)
    return render(request, "governance/pages/process_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@require_GET
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    context = _base_context(request, process)
    context.update({
        "timeline": queries.timeline(process),
        "counts": queries.counts(process),
        "version": process.current_version,
        "phase_form": PhaseForm(initial={"phase": process.phase}),
        "schedule_form": ScheduleForm(),
        "summary_html": render_markdown(process.summary),
        "decision": policy.decisions(request.user).filter(process=process).defer(
            "ballot_file").first(),
        "tally_under_way": services.tally_under_way(process),
        "invited_groups": [str(queries.GROUP_LABELS.get(g, g)) for g in process.invited_groups],
        "invited_regions": [str(queries.REGION_LABELS.get(r, r))
                            for r in process.invited_regions],
        "invited_countries": process.invited_countries,
    })
    return render(request, "governance/pages/process_detail.html", context)


@login_required
@require_POST
def phase_change(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    form = PhaseForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.change_phase(
            core_policy.require_signed_in(request.user), process, form.cleaned_data["phase"],
            note=form.cleaned_data["note"]), _("The phase was changed."))
    else:
        messages.error(request, _("Choose a phase."))
    return redirect("governance:process", slug=slug)


@login_required
@require_POST
def schedule_set(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.set_schedule(
            core_policy.require_signed_in(request.user), process, form.cleaned_data["phase"],
            starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"]),
            _("The dates were saved."))
    else:
        messages.error(request, _("Give the dates as YYYY-MM-DD."))
    return redirect("governance:process", slug=slug)


# --- Draft, comments, amendments ----------------------------------------------------------


def _version_number(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["v"])
    except (KeyError, ValueError):
        return None


@require_GET
def draft(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    version = queries.version_of(process, _version_number(request))
    if version is None:
        raise Http404(_("No such version."))
    language = request.GET.get("lang", "")
    translation = None
    if language in Language.values:
        translation = Translation.objects.filter(version=version, language=language).first()
    translated = translation.sections if translation is not None else {}
    current = process.current_version
    sections = []
    for section in version.sections.all():
        text = translated.get(section.key) if translation and translation.status != "missing" \
            else None
        sections.append({
            "section": section,
            "heading": (text or {}).get("heading") or section.heading,
            "lang": language if (text or {}).get("body") else "",
            "html": render_markdown((text or {}).get("body") or section.body),
            "comments": list(section.comments.select_related("author")),
            "amendments": list(section.amendments.all()),
        })
    context = _base_context(request, process)
    context.update({
        "version": version, "is_current": current is not None and version.pk == current.pk,
        "versions": process.versions.all(), "sections": sections,
        "translations": [(code, label, _status(version, code)) for code, label in
                         Language.choices],
        "language": language, "comment_form": CommentForm(),
        "can_comment": process.phase == Phase.COMMENTS and context["refusal"] is None,
        "can_amend": process.phase == Phase.AMENDMENTS and context["refusal"] is None,
    })
    return render(request, "governance/pages/draft.html", context)


def _status(version: Any, code: str) -> str:
    for translation in version.translations.all():
        if translation.language == code:
            return str(translation.get_status_display())
    return _("Missing")


@login_required
@require_http_methods(["GET", "POST"])
def translation_edit(request: HttpRequest, slug: str, number: int,
                     language: str) -> HttpResponse:
    """The convenors' form for a version's translation into one UN language."""
    process = _process(request, slug)
    if not policy.is_convenor(request.user, process):
        raise PermissionDenied(_("Only the convenors may edit translations."))
    version = get_object_or_404(process.versions, number=number)
    if language not in Language.values:
        raise Http404(_("Not one of the six UN languages."))
    held = Translation.objects.filter(version=version, language=language).first()
    initial: dict[str, str] = {"status": held.status if held else "missing"}
    for key, text in (held.sections if held else {}).items():
        initial[f"heading-{key}"] = text.get("heading", "")
        initial[f"body-{key}"] = text.get("body", "")
    sections = list(version.sections.all())
    form = TranslationForm(request.POST or None, initial=initial, sections=sections)
    if request.method == "POST" and form.is_valid() and _attempt(
            request, lambda: services.save_translation(
                core_policy.require_signed_in(request.user), version, language,
                status=form.cleaned_data["status"], sections=form.translated_sections()),
            _("The translation was saved.")):
        return redirect(reverse("governance:draft", args=[slug])
                        + f"?v={number}&lang={language}")
    context = _base_context(request, process)
    context.update({"form": form, "version": version,
                    "language_label": Language(language).label, "language": language,
                    "sections": sections})
    return render(request, "governance/pages/translation_form.html", context)


@login_required
@require_POST
def comment_add(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment."))
        return redirect("governance:draft", slug=slug)
    current = process.current_version
    section = current.sections.filter(key=form.cleaned_data["section"]).first() \
        if current else None
    if section is None:
        messages.error(request, _("That section is not in the current version."))
        return redirect("governance:draft", slug=slug)
    _attempt(request, lambda: services.add_comment(
        core_policy.require_signed_in(request.user), process, section,
        form.cleaned_data["body"], quote=form.cleaned_data["quote"]),
        _("Your comment was added."))
    return redirect(reverse("governance:draft", args=[slug]) + f"#section-{section.key}")


@login_required
@require_http_methods(["GET", "POST"])
def amendment_create(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    process = _process(request, slug)
    current = process.current_version
    if current is None:
        raise Http404
    section = get_object_or_404(current.sections, key=key)
    form = AmendmentForm(request.POST or None,
                         initial={"version": current.number, "proposed_text": section.body})
    status = 200
    if request.method == "POST" and form.is_valid():
        version = process.versions.filter(number=form.cleaned_data["version"]).first()
        target = version.sections.filter(key=key).first() if version else None
        if version is None or target is None:
            form.add_error(None, _("That version has no such section."))
        else:
            try:
                amendment = services.propose_amendment(
                    core_policy.require_signed_in(request.user), process, version, target,
                    form.cleaned_data["proposed_text"],
                    rationale=form.cleaned_data["rationale"])
            except (ServiceError, PermissionDenied) as error:
                form.add_error(None, getattr(error, "message", str(error)))
            else:
                messages.success(request, _("Your amendment was submitted."))
                return redirect("governance:amendment", slug=slug, pk=amendment.pk)
        status = 400
    elif request.method == "POST":
        status = 400
    context = _base_context(request, process)
    context.update({"form": form, "section": section, "version": current})
    return render(request, "governance/pages/amendment_form.html", context, status=status)


@require_GET
def amendment_list(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    context = _base_context(request, process)
    amendments = policy.amendments(request.user).filter(process=process)
    current = process.current_version
    context["amendments"] = amendments
    context["mergeable"] = [a for a in amendments if current is not None
                            and a.version_id == current.pk and a.status in
                            (AmendmentStatus.OPEN, AmendmentStatus.ACCEPTED)]
    return render(request, "governance/pages/amendment_list.html", context)


@login_required
@require_POST
def amendments_merge(request: HttpRequest, slug: str) -> HttpResponse:
    """Merge the chosen amendments into one new version (convenors)."""
    process = _process(request, slug)
    ids = [int(v) for v in request.POST.getlist("amendment") if v.isdigit()]
    chosen = list(Amendment.objects.filter(process=process, pk__in=ids).select_related(
        "section", "version"))
    if _attempt(request, lambda: services.merge_amendments(
            core_policy.require_signed_in(request.user), process, chosen,
            note=request.POST.get("note", "")[:1000]),
            _("The amendments were merged into a new version.")):
        return redirect("governance:draft", slug=slug)
    return redirect("governance:amendments", slug=slug)


@require_GET
def amendment_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = _process(request, slug)
    amendment = get_object_or_404(policy.amendments(request.user).filter(process=process), pk=pk)
    context = _base_context(request, process)
    context.update({
        "amendment": amendment,
        "diff": diff_html(amendment.section.body, amendment.proposed_text),
        "stats": diff_stats(amendment.section.body, amendment.proposed_text),
        "proposed_html": render_markdown(amendment.proposed_text),
        "decision_form": AmendmentDecisionForm(),
        "open": amendment.status in (AmendmentStatus.OPEN, AmendmentStatus.ACCEPTED),
    })
    return render(request, "governance/pages/amendment_detail.html", context)


@login_required
@require_POST
def amendment_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = _process(request, slug)
    amendment = get_object_or_404(Amendment.objects.filter(process=process), pk=pk)
    form = AmendmentDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("governance:amendment", slug=slug, pk=pk)
    user = core_policy.require_signed_in(request.user)
    decision = form.cleaned_data["decision"]
    if decision == "merge":
        _attempt(request, lambda: services.merge_amendments(
            user, process, [amendment], note=form.cleaned_data["reason"]),
            _("The amendment was merged into a new version."))
    else:
        _attempt(request, lambda: services.decide_amendment(
            user, amendment, accept=decision == "accept", reason=form.cleaned_data["reason"]),
            _("The decision was recorded."))
    return redirect("governance:amendment", slug=slug, pk=pk)


# --- Opinion map --------------------------------------------------------------------------


def _map_context(request: HttpRequest, process: Process) -> dict[str, Any]:
    data = queries.opinion_map(process)
    chart = render_svg(charts.opinion_map_spec(data["points"])) if data["points"] else ""
    return {"map": data, "chart": chart}


@require_GET
def opinion_map(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    context = _base_context(request, process)
    context.update(_map_context(request, process))
    own: dict[int, int] = {}
    if request.user.is_authenticated:
        own = dict(Vote.objects.filter(statement__process=process,
                                       participant__user=request.user)
                   .values_list("statement_id", "value"))
    stats = queries.statement_stats(process)
    context.update({
        "can_take_part": process.phase == Phase.OPINION_MAP and context["refusal"] is None,
        "statement_form": StatementForm(),
        "to_vote": [s for s in stats if s.statement.moderated >= 0
                    and s.statement.pk not in own],
        "stats": stats, "own": own,
    })
    return render(request, "governance/pages/opinion_map.html", context)


@require_GET
def opinion_map_live(request: HttpRequest, slug: str) -> HttpResponse:
    """The part of the map page that htmx refreshes every few seconds."""
    process = _process(request, slug)
    context = _base_context(request, process)
    context.update(_map_context(request, process))
    return render(request, "governance/partials/opinion_map.html", context)


@require_GET
def opinion_map_csv(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    data = queries.opinion_map(process)
    text = csv_text(["participant", "x", "y", "group", "stakeholder_group", "region"],
                    [[p["participant"], p["x"], p["y"], p["group"], p["stakeholder_group"],
                      p["region"]] for p in data["points"]])
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-opinion-map.csv"'
    return response


@login_required
@require_POST
def statement_add(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    form = StatementForm(request.POST)
    if form.is_valid():
        _attempt(request, lambda: services.add_statement(
            core_policy.require_signed_in(request.user), process, form.cleaned_data["text"]),
            _("Your statement was added."))
    else:
        messages.error(request, _("Write a statement of at most 400 characters."))
    return redirect("governance:map", slug=slug)


@login_required
@require_POST
def statement_moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = _process(request, slug)
    statement = get_object_or_404(process.statements, pk=pk)
    accepted = request.POST.get("accepted") == "1"
    _attempt(request, lambda: services.moderate_statement(
        core_policy.require_signed_in(request.user), statement, accepted=accepted),
        _("The statement was accepted.") if accepted else _("The statement was rejected."))
    return redirect("governance:map", slug=slug)


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    process = _process(request, slug)
    statement = get_object_or_404(process.statements, pk=pk)
    form = VoteForm(request.POST)
    if getattr(request, "htmx", False):
        # From the map page's script: answer with the statement's new state in place.
        text = _("Choose agree, disagree or pass.")
        ok = False
        if form.is_valid():
            try:
                services.cast_vote(core_policy.require_signed_in(request.user), statement,
                                   form.cleaned_data["value"])
                text, ok = _("Your vote was recorded."), True
            except ServiceError as error:
                text = error.message
            except PermissionDenied as error:
                text = str(error)
        return render(request, "governance/partials/vote_done.html",
                      {"statement": statement, "text": text, "ok": ok})
    if form.is_valid():
        _attempt(request, lambda: services.cast_vote(
            core_policy.require_signed_in(request.user), statement, form.cleaned_data["value"]),
            _("Your vote was recorded."))
    else:
        messages.error(request, _("Choose agree, disagree or pass."))
    return redirect("governance:map", slug=slug)


# --- Voting and the result ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ranking = [request.POST.get(f"rank-{i}", "") for i in range(len(process.options))]
        if _attempt(request, lambda: services.cast_ballot(
                core_policy.require_signed_in(request.user), process,
                choice=form.cleaned_data["choice"], ranking=ranking,
                reason=form.cleaned_data["reason"]), _("Your ballot was cast.")):
            return redirect("governance:process", slug=slug)
    context = _base_context(request, process)
    context.update({
        "form": form, "version": process.current_version,
        "own": policy.ballots(request.user).filter(process=process).first(),
        "can_vote": process.phase == Phase.DECISION and context["refusal"] is None
        and not policy.decisions(request.user).filter(process=process).exists(),
        "ranks": range(1, len(process.options) + 1),
    })
    return render(request, "governance/pages/ballot.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the tally in the background; the result page follows it until it is done."""
    process = _process(request, slug)
    if _attempt(request, lambda: services.request_publication(
            core_policy.require_signed_in(request.user), process),
            _("The tally has started.")):
        return redirect("governance:result", slug=slug)
    return redirect("governance:process", slug=slug)


PUBLISH_STEP_LABELS: dict[str, Promise] = {
    services.PublishStep.READING: gettext_lazy("Reading the ballots"),
    services.PublishStep.TALLYING: gettext_lazy("Tallying under every rule"),
    services.PublishStep.BALLOT_FILE: gettext_lazy("Writing the anonymised ballot file"),
    services.PublishStep.STORING: gettext_lazy("Storing the result"),
}


def _publication_context(request: HttpRequest, process: Process) -> dict[str, Any]:
    state = queries.publication_state(request.user, process)
    return {"publication": state,
            "step_label": PUBLISH_STEP_LABELS.get(state.step, "") if state else ""}


@require_GET
def publication(request: HttpRequest, slug: str) -> HttpResponse:
    """The tally's progress, polled by the result page; once the result is published the
    page reloads itself to show it."""
    process = _process(request, slug)
    context = _base_context(request, process)
    context.update(_publication_context(request, process))
    if context["publication"] is None:
        raise Http404(_("No result has been requested yet."))
    response = render(request, "governance/partials/publication.html", context)
    if getattr(request, "htmx", False) and context["publication"].status == "done":
        response["HX-Refresh"] = "true"
    return response


@require_GET
def result(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    decision = policy.decisions(request.user).filter(process=process).defer(
        "ballot_file").first()
    context = _base_context(request, process)
    context["decision"] = decision
    if decision is None:
        context.update(_publication_context(request, process))
    else:
        labels = dict(DecisionRule.choices)
        others = [{**decision.other_results[r], "label": labels.get(r, r),
                   "outcome_label": outcome_label(decision.other_results[r]["outcome"]),
                   "why_text": result_why(decision.other_results[r])}
                  for r in decision.other_results]
        context["outcome_label"] = outcome_label(decision.outcome)
        context["why_text"] = result_why(decision.result)
        names = queries.organisation_names(request.user, [decision.result])
        context["parts"] = part_rows(decision.result, names)
        context["others"] = others
        context["chart"] = render_svg(charts.rules_spec(others, decision.rule))
    return render(request, "governance/pages/result.html", context)


@require_GET
def ballot_file(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    decision = policy.decisions(request.user).filter(process=process).first()
    if decision is None:
        raise Http404(_("No result has been published yet."))
    response = HttpResponse(decision.ballot_file.encode("utf-8"),
                            content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-ballots.jsonl"'
    response["Digest"] = f"sha-256={decision.sha256}"
    return response


@require_GET
def rules_csv(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    decision = policy.decisions(request.user).filter(process=process).first()
    if decision is None:
        raise Http404(_("No result has been published yet."))
    rows = [[r["rule"], r["outcome"], r["yes"]["fraction"], r["no"]["fraction"], r["abstain"],
             r["winner"] or ""] for r in decision.other_results.values()]
    response = HttpResponse(csv_text(["rule", "outcome", "yes", "no", "abstain", "winner"],
                                     rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-rules.csv"'
    return response


# --- Meetings, notifications, imports ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    current = process.current_version
    choices = [(s.key, s.heading) for s in current.sections.all()] if current else []
    form = MeetingForm(request.POST or None, section_choices=choices)
    if request.method == "POST":
        user = core_policy.require_signed_in(request.user)
        if form.is_valid():
            data = form.cleaned_data
            if _attempt(request, lambda: services.save_meeting(
                    user, process, title=data["title"], starts_at=data["starts_at"],
                    location=data["location"], agenda=data["agenda"], minutes=data["minutes"],
                    section_keys=data["sections"]), _("The meeting was saved.")):
                return redirect("governance:meetings", slug=slug)
    context = _base_context(request, process)
    items = []
    for meeting in policy.meetings(request.user).filter(process=process).prefetch_related(
            "sections"):
        items.append({"meeting": meeting, "agenda": render_markdown(meeting.agenda),
                      "minutes": render_markdown(meeting.minutes),
                      "sections": list(meeting.sections.all())})
    context.update({"meetings": items, "form": form})
    return render(request, "governance/pages/meetings.html", context)


POLIS_FILES = {"comments": "comments.csv", "votes": "votes.csv",
               "participants": "participants-votes.csv"}


@login_required
@require_http_methods(["GET", "POST"])
def polis_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a Pol.is export; the import runs as a task with a progress page."""
    process = _process(request, slug)
    if not policy.is_convenor(request.user, process):
        raise PermissionDenied(_("Only the convenors may import into this consultation."))
    form = PolisImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        folder = Path(settings.DATA_DIR) / "uploads" / "governance" / uuid.uuid4().hex
        folder.mkdir(parents=True, exist_ok=True)
        for field, name in POLIS_FILES.items():
            upload = form.cleaned_data.get(field)
            if upload:
                with (folder / name).open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
        from cybercommons.governance.tasks import import_polis_upload

        user = core_policy.require_signed_in(request.user)
        progress = start_tracked(import_polis_upload, _("Importing a Pol.is export"),
                                 owner=user, process_id=process.pk, folder=str(folder),
                                 user_id=user.pk)
        return redirect("core:progress", key=progress.key)
    context = _base_context(request, process)
    context["form"] = form
    return render(request, "governance/pages/polis_import.html", context,
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = core_policy.require_signed_in(request.user)
    if request.method == "POST":
        services.mark_notifications_read(user)
        return redirect("governance:notifications")
    items = policy.notifications(user).select_related("process")
    return render(request, "governance/pages/notifications.html", {
        "page": Paginator(items, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))})


def country_panel(request: HttpRequest, country: Country) -> str | None:
    """Consultations still running that are open to the country, for core's country page."""
    processes = queries.processes_open_to(request.user, country)
    if not processes:
        return None
    return render_to_string("governance/partials/country_panel.html", {
        "country": country, "processes": processes[:PANEL_PROCESSES], "total": len(processes),
    }, request=request)
