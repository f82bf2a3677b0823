"""The governance JSON API under /api/v1/governance/: processes, versions, comments,
amendments, statements and votes, the opinion map, ballots and results, meetings.

Every operation starts from :func:`policy.processes`, so a restricted consultation answers
404 to someone it does not invite, through lists, details, counts and the ballot file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import BaseModel

from cybercommons.core import policy as core_policy
from cybercommons.core.lib.api_auth import PUBLIC, PUBLIC_OPENAPI, SIGNED_IN, signed_in, viewer
from cybercommons.core.lib.pagination import PageParams, paginate
from cybercommons.governance import policy, queries, services
from cybercommons.governance.kernel.decision_rules import Rule
from cybercommons.governance.models import (
    Amendment,
    Ballot,
    Comment,
    Decision,
    DraftVersion,
    Meeting,
    Process,
    Section,
    Statement,
    Translation,
)
from cybercommons.governance.schemas import (
    AmendmentDecisionIn,
    AmendmentIn,
    AmendmentOut,
    AmendmentPage,
    BallotIn,
    BallotOut,
    CommentIn,
    CommentOut,
    CommentPage,
    DraftVersionOut,
    MeetingIn,
    MeetingOut,
    MeetingPage,
    ModerationIn,
    OpinionMapOut,
    PhaseIn,
    ProcessIn,
    ProcessOut,
    ProcessPage,
    PublicationOut,
    ResultOut,
    StatementIn,
    StatementOut,
    StatementPage,
    TranslationIn,
    TranslationOut,
    VersionPage,
    VoteIn,
    VoteOut,
    VotePage,
)

router = Router(tags=["governance"])

SLUG = r"^[-a-zA-Z0-9_]{1,80}$"
MAX_ID = 2**63 - 1


def _process(request: HttpRequest, slug: str) -> Process:
    process = queries.process_for(viewer(request), slug)
    if process is None:
        raise Http404(_("No consultation has the short name %(slug)s.") % {"slug": slug})
    return process


def _one(rows: QuerySet[Any], missing: str, **lookup: Any) -> Any:
    """The record of a policy queryset matching ``lookup``, or 404 saying what is missing."""
    found = rows.filter(**lookup).first()
    if found is None:
        raise Http404(missing)
    return found


Rows = Callable[[HttpRequest, Process], QuerySet[Any]]


def _list_route(path: str, *, response: type[Schema], operation_id: str, summary: str,
                rows: Rows, name: str, key: str = "pk", public: bool = True) -> None:
    """Declare ``GET /processes/{slug}/<path>``: one page of a process's records, ``rows``
    read through the policy, with cursors that only this list and process accept."""

    def view(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
             slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
        process = _process(request, slug)
        return paginate(request, response, rows(request, process), page=page, key=key,
                        name=f"{name}:{process.pk}")

    view.__name__ = view.__qualname__ = operation_id
    access: dict[str, Any] = ({"auth": PUBLIC, "openapi_extra": PUBLIC_OPENAPI} if public
                              else {"auth": SIGNED_IN})
    router.get(f"/processes/{{slug}}/{path}", response=response, operation_id=operation_id,
               summary=summary, **access)(view)


Create = Callable[[HttpRequest, Process, Any], Any]


def _create_route(path: str, *, body: type[BaseModel], response: type[Schema],
                  operation_id: str, summary: str, create: Create) -> None:
    """Declare ``POST /processes/{slug}/<path>`` for signed-in people: ``create`` makes a
    record of the process from the ``body`` and the answer is 201 with it."""

    def view(request: HttpRequest, payload: BaseModel,
             slug: str = Path(..., pattern=SLUG)) -> Status:
        return Status(201, create(request, _process(request, slug), payload))

    # Ninja reads the body's schema from the payload's annotation.
    view.__annotations__ = {**view.__annotations__, "payload": body}
    view.__name__ = view.__qualname__ = operation_id
    router.post(f"/processes/{{slug}}/{path}", response={201: response}, auth=SIGNED_IN,
                operation_id=operation_id, summary=summary)(view)


# --- Processes --------------------------------------------------------------------------


@router.get("/processes", response=ProcessPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="governance_processes_list", summary="Consultations you may see")
def list_processes(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                   phase: str = "") -> dict[str, Any]:
    qs: QuerySet[Process] = policy.processes(viewer(request))
    if phase:
        qs = qs.filter(phase=phase)
    return paginate(request, response, qs, page=page, key="-created_at",
                    name="governance-processes")


@router.get("/processes/{slug}", response=ProcessOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_processes_get",
            summary="One consultation")
def get_process(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Process:
    return _process(request, slug)


@router.post("/processes", response={201: ProcessOut}, auth=SIGNED_IN,
             operation_id="governance_processes_create",
             summary="Open a consultation in the name of an organisation you edit for")
def create_process(request: HttpRequest, payload: ProcessIn) -> Status:
    organisation = core_policy.organisations(viewer(request)).filter(
        slug=payload.convenor).first()
    if organisation is None:
        raise Http404(_("No organisation has the short name %(slug)s.") % {
            "slug": payload.convenor})
    process = services.create_process(
        signed_in(request), convenor=organisation, title=payload.title, slug=payload.slug,
        summary=payload.summary, visibility=payload.visibility,
        invited_groups=payload.invited_groups, invited_regions=payload.invited_regions,
        invited_countries=payload.invited_countries, decision_rule=payload.decision_rule.value,
        threshold=payload.threshold, options=payload.options,
        sections=[(s.key, s.heading, s.body) for s in payload.sections])
    return Status(201, process)


@router.post("/processes/{slug}/phase", response=ProcessOut, auth=SIGNED_IN,
             operation_id="governance_processes_phase", summary="Change phase (convenors)")
def change_phase(request: HttpRequest, payload: PhaseIn,
                 slug: str = Path(..., pattern=SLUG)) -> Process:
    return services.change_phase(signed_in(request), _process(request, slug),
                                 payload.phase.value, note=payload.note)


# --- Versions ---------------------------------------------------------------------------


_list_route("versions", response=VersionPage, operation_id="governance_versions_list",
            summary="Every version of the draft, with sections and translation status",
            rows=lambda request, process: policy.versions(viewer(request)).filter(
                process=process).prefetch_related("sections", "translations"),
            name="governance-versions", key="number")


@router.get("/processes/{slug}/versions/{number}", response=DraftVersionOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_versions_get",
            summary="One version of the draft")
def get_version(request: HttpRequest, slug: str = Path(..., pattern=SLUG),
                number: int = Path(..., ge=1, le=MAX_ID)) -> DraftVersion:
    return _one(policy.versions(viewer(request)),
                _("This consultation has no version %(n)d.") % {"n": number},
                process=_process(request, slug), number=number)


@router.put("/processes/{slug}/versions/{number}/translations/{language}",
            response=TranslationOut, auth=SIGNED_IN, operation_id="governance_translations_put",
            summary="Store a version's translation into a UN language with its status "
                    "(convenors)")
def put_translation(request: HttpRequest, payload: TranslationIn,
                    slug: str = Path(..., pattern=SLUG),
                    number: int = Path(..., ge=1, le=MAX_ID),
                    language: str = Path(..., pattern=r"^[a-z]{2}(-[a-z]{4})?$")) -> Translation:
    version = get_version(request, slug, number)
    return services.save_translation(
        signed_in(request), version, language, status=payload.status,
        sections={key: value.model_dump() for key, value in payload.sections.items()})


# --- Comments and amendments ------------------------------------------------------------


def _section(version: DraftVersion | None, key: str,
             missing: str) -> tuple[DraftVersion, Section]:
    """A section of a version by its key, or 404 saying what is missing."""
    section = version.sections.filter(key=key).first() if version else None
    if version is None or section is None:
        raise Http404(missing)
    return version, section


_list_route("comments", response=CommentPage, operation_id="governance_comments_list",
            summary="Comments on the draft",
            rows=lambda request, process: policy.comments(viewer(request)).filter(
                process=process).select_related("section__version"),
            name="governance-comments")


def _add_comment(request: HttpRequest, process: Process, payload: CommentIn) -> Comment:
    _version, section = _section(
        process.current_version, payload.section,
        _("The current version has no section %(key)s.") % {"key": payload.section})
    return services.add_comment(signed_in(request), process, section, payload.body,
                                quote=payload.quote)


_create_route("comments", body=CommentIn, response=CommentOut,
              operation_id="governance_comments_create",
              summary="Comment on a section of the current version (comments phase)",
              create=_add_comment)


_list_route("amendments", response=AmendmentPage, operation_id="governance_amendments_list",
            summary="Amendments proposed to the draft",
            rows=lambda request, process: policy.amendments(viewer(request)).filter(
                process=process).select_related("merged_into"),
            name="governance-amendments")


def _propose_amendment(request: HttpRequest, process: Process,
                       payload: AmendmentIn) -> Amendment:
    version, section = _section(
        process.versions.filter(number=payload.version).first(), payload.section,
        _("Version %(n)d has no section %(key)s.") % {"n": payload.version,
                                                      "key": payload.section})
    return services.propose_amendment(signed_in(request), process, version, section,
                                      payload.proposed_text, rationale=payload.rationale)


_create_route("amendments", body=AmendmentIn, response=AmendmentOut,
              operation_id="governance_amendments_create",
              summary="Propose a new text for a section (amendments phase, current version)",
              create=_propose_amendment)


@router.post("/processes/{slug}/amendments/{amendment_id}/decision", response=AmendmentOut,
             auth=SIGNED_IN, operation_id="governance_amendments_decide",
             summary="Accept, reject (with a reason) or merge an amendment (convenors)")
def decide_amendment(request: HttpRequest, payload: AmendmentDecisionIn,
                     slug: str = Path(..., pattern=SLUG),
                     amendment_id: int = Path(..., ge=1, le=MAX_ID)) -> Amendment:
    process = _process(request, slug)
    amendment = _one(policy.amendments(viewer(request)),
                     _("This consultation has no amendment %(id)d.") % {"id": amendment_id},
                     process=process, pk=amendment_id)
    user = signed_in(request)
    if payload.decision == "merge":
        services.merge_amendments(user, process, [amendment], note=payload.reason)
        amendment.refresh_from_db()
        return amendment
    return services.decide_amendment(user, amendment, accept=payload.decision == "accept",
                                     reason=payload.reason)


# --- Opinion map ------------------------------------------------------------------------


def _statements(request: HttpRequest, process: Process) -> QuerySet[Any]:
    return policy.statements(viewer(request)).filter(process=process).annotate(
        n_agree=Count("votes", filter=Q(votes__value=1)),
        n_disagree=Count("votes", filter=Q(votes__value=-1)),
        n_pass=Count("votes", filter=Q(votes__value=0)))


def _statement(request: HttpRequest, process: Process, statement_id: int) -> Statement:
    return _one(policy.statements(viewer(request)),
                _("This consultation has no statement %(id)d.") % {"id": statement_id},
                process=process, pk=statement_id)


_list_route("statements", response=StatementPage, operation_id="governance_statements_list",
            summary="Statements of the opinion map with their vote counts",
            rows=_statements, name="governance-statements")


def _add_statement(request: HttpRequest, process: Process, payload: StatementIn) -> Any:
    statement = services.add_statement(signed_in(request), process, payload.text)
    return _statements(request, process).get(pk=statement.pk)


_create_route("statements", body=StatementIn, response=StatementOut,
              operation_id="governance_statements_create",
              summary="Submit a statement (opinion-map phase)", create=_add_statement)


@router.post("/processes/{slug}/statements/{statement_id}/moderation", response=StatementOut,
             auth=SIGNED_IN, operation_id="governance_statements_moderate",
             summary="Accept or reject a statement (convenors)")
def moderate_statement(request: HttpRequest, payload: ModerationIn,
                       slug: str = Path(..., pattern=SLUG),
                       statement_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    process = _process(request, slug)
    statement = _statement(request, process, statement_id)
    services.moderate_statement(signed_in(request), statement, accepted=payload.accepted)
    return _statements(request, process).get(pk=statement.pk)


@router.post("/processes/{slug}/statements/{statement_id}/votes", response={201: VoteOut},
             auth=SIGNED_IN, operation_id="governance_votes_create",
             summary="Agree, disagree or pass on a statement, once (opinion-map phase)")
def create_vote(request: HttpRequest, payload: VoteIn, slug: str = Path(..., pattern=SLUG),
                statement_id: int = Path(..., ge=1, le=MAX_ID)) -> Status:
    statement = _statement(request, _process(request, slug), statement_id)
    return Status(201, services.cast_vote(signed_in(request), statement, payload.value))


_list_route("votes/mine", response=VotePage, operation_id="governance_votes_mine",
            summary="Your own votes on the statements",
            rows=lambda request, process: policy.votes(viewer(request)).filter(
                statement__process=process),
            name="governance-votes", public=False)


@router.get("/processes/{slug}/opinion-map", response=OpinionMapOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_opinion_map",
            summary="The opinion map: points, groups, representative and consensus statements")
def opinion_map(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    return queries.opinion_map(_process(request, slug))


# --- Ballots and results ----------------------------------------------------------------


_create_route("ballots", body=BallotIn, response=BallotOut,
              operation_id="governance_ballots_create",
              summary="Cast your ballot, once (decision phase)",
              create=lambda request, process, payload: services.cast_ballot(
                  signed_in(request), process, choice=payload.choice, ranking=payload.ranking,
                  reason=payload.reason))


@router.get("/processes/{slug}/ballots/mine", response=BallotOut, auth=SIGNED_IN,
            operation_id="governance_ballots_mine", summary="Your own ballot")
def my_ballot(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Ballot:
    return _one(policy.ballots(viewer(request)), _("You have not voted in this consultation."),
                process=_process(request, slug))


def _decision(request: HttpRequest, slug: str) -> Decision:
    return _one(policy.decisions(viewer(request)), _("No result has been published yet."),
                process=_process(request, slug))


@router.post("/processes/{slug}/result", response={202: PublicationOut}, auth=SIGNED_IN,
             operation_id="governance_results_publish",
             summary="Tally and publish the result with its ballot file, in the background "
                     "(convenors); follow the status at the Location given")
def publish_result(request: HttpRequest, response: HttpResponse,
                   slug: str = Path(..., pattern=SLUG)) -> Status:
    process = _process(request, slug)
    services.request_publication(signed_in(request), process)
    status = _publication(request, process)
    response["Location"] = status["status_url"]
    return Status(202, status)


@router.get("/processes/{slug}/result/publication", response=PublicationOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_results_publication",
            url_name="governance-result-publication",
            summary="How far the requested publication of the result has got")
def get_publication(request: HttpRequest, slug: str = Path(..., pattern=SLUG)
                    ) -> dict[str, Any]:
    return _publication(request, _process(request, slug))


def _publication(request: HttpRequest, process: Process) -> dict[str, Any]:
    state = queries.publication_state(viewer(request), process)
    if state is None:
        raise Http404(_("No result has been requested yet."))
    return {
        **asdict(state),
        "status_url": request.build_absolute_uri(
            reverse("api-1.0.0:governance-result-publication", args=[process.slug])),
        "result_url": request.build_absolute_uri(
            reverse("api-1.0.0:governance-result", args=[process.slug]))
        if state.status == "done" else None,
    }


def _with_organisation_names(result: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A one-organisation-one-vote tally with each part's organisation name beside its id
    (null when it is no longer in the directory); other tallies as they are."""
    if result.get("rule") != Rule.ONE_ORGANISATION_ONE_VOTE:
        return result
    return {**result, "parts": {key: {**part, "name": names.get(key)}
                                for key, part in (result.get("parts") or {}).items()}}


def _result(request: HttpRequest, decision: Decision) -> dict[str, Any]:
    names = queries.organisation_names(viewer(request),
                                       [decision.result, *decision.other_results.values()])
    return {
        "rule": decision.rule, "outcome": decision.outcome,
        "result": _with_organisation_names(decision.result, names),
        "other_results": {rule: _with_organisation_names(result, names)
                          for rule, result in decision.other_results.items()},
        "sha256": decision.sha256,
        "version": decision.version.number if decision.version else None,
        "decided_at": decision.decided_at,
        "ballot_file_url": request.build_absolute_uri(
            reverse("governance:ballot-file", args=[decision.process.slug])),
    }


@router.get("/processes/{slug}/result", response=ResultOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_results_get",
            url_name="governance-result",
            summary="The published result under every rule, and the ballot file's hash")
def get_result(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    return _result(request, _decision(request, slug))


@router.get("/processes/{slug}/ballot-file", auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="governance_ballot_file",
            summary="The anonymised ballot file (JSON lines) for a recount")
def ballot_file(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> HttpResponse:
    decision = _decision(request, slug)
    response = HttpResponse(decision.ballot_file.encode("utf-8"),
                            content_type="application/x-ndjson; charset=utf-8")
    response["Digest"] = f"sha-256={decision.sha256}"
    return response


# --- Meetings ---------------------------------------------------------------------------


def _meeting(request: HttpRequest, process: Process, meeting_id: int) -> Meeting:
    return _one(policy.meetings(viewer(request)),
                _("This consultation has no meeting %(id)d.") % {"id": meeting_id},
                process=process, pk=meeting_id)


def _save_meeting(request: HttpRequest, process: Process, payload: MeetingIn,
                  meeting: Meeting | None = None) -> Meeting:
    saved = services.save_meeting(
        signed_in(request), process, title=payload.title, starts_at=payload.starts_at,
        location=payload.location, agenda=payload.agenda, minutes=payload.minutes,
        section_keys=payload.sections, meeting=meeting)
    # Read back through the policy, with the sections the schema lists.
    return _meeting(request, process, saved.pk)


_list_route("meetings", response=MeetingPage, operation_id="governance_meetings_list",
            summary="Meetings of a consultation, with agenda, minutes and sections discussed",
            rows=lambda request, process: policy.meetings(viewer(request)).filter(
                process=process).prefetch_related("sections"),
            name="governance-meetings")


@router.get("/processes/{slug}/meetings/{meeting_id}", response=MeetingOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_meetings_get",
            summary="One meeting")
def get_meeting(request: HttpRequest, slug: str = Path(..., pattern=SLUG),
                meeting_id: int = Path(..., ge=1, le=MAX_ID)) -> Meeting:
    return _meeting(request, _process(request, slug), meeting_id)


_create_route("meetings", body=MeetingIn, response=MeetingOut,
              operation_id="governance_meetings_create",
              summary="Plan a meeting linked to sections of the current version (convenors)",
              create=_save_meeting)


@router.put("/processes/{slug}/meetings/{meeting_id}", response=MeetingOut, auth=SIGNED_IN,
            operation_id="governance_meetings_update",
            summary="Update a meeting or record its minutes (convenors)")
def update_meeting(request: HttpRequest, payload: MeetingIn,
                   slug: str = Path(..., pattern=SLUG),
                   meeting_id: int = Path(..., ge=1, le=MAX_ID)) -> Meeting:
    process = _process(request, slug)
    return _save_meeting(request, process, payload, _meeting(request, process, meeting_id))
