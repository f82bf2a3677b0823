"""The governance JSON API under /api/v1/governance/: processes, versions, comments,
amendments, statements and votes, the opinion map, ballots and results, meetings.

Every operation starts from :func:`policy.processes`, so a restricted consultation answers
404 to someone it does not invite, through lists, details, counts and the ballot file.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from cybercommons.core import policy as core_policy
from cybercommons.core.lib.api_auth import PUBLIC, PUBLIC_OPENAPI, SIGNED_IN, signed_in, viewer
from cybercommons.core.lib.pagination import PageParams, paginate
from cybercommons.governance import policy, queries, services
from cybercommons.governance.models import (
    Amendment,
    Ballot,
    Decision,
    DraftVersion,
    Meeting,
    Process,
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


@router.get("/processes/{slug}/versions", response=VersionPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_versions_list",
            summary="Every version of the draft, with sections and translation status")
def list_versions(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                  slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    process = _process(request, slug)
    qs = policy.versions(viewer(request)).filter(process=process).prefetch_related(
        "sections", "translations")
    return paginate(request, response, qs, page=page, key="number",
                    name=f"governance-versions:{process.pk}")


@router.get("/processes/{slug}/versions/{number}", response=DraftVersionOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_versions_get",
            summary="One version of the draft")
def get_version(request: HttpRequest, slug: str = Path(..., pattern=SLUG),
                number: int = Path(..., ge=1, le=MAX_ID)) -> DraftVersion:
    process = _process(request, slug)
    version = policy.versions(viewer(request)).filter(process=process, number=number).first()
    if version is None:
        raise Http404(_("This consultation has no version %(n)d.") % {"n": number})
    return version


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


@router.get("/processes/{slug}/comments", response=CommentPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_comments_list",
            summary="Comments on the draft")
def list_comments(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                  slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    process = _process(request, slug)
    qs = policy.comments(viewer(request)).filter(process=process).select_related(
        "section__version")
    return paginate(request, response, qs, page=page, key="pk",
                    name=f"governance-comments:{process.pk}")


@router.post("/processes/{slug}/comments", response={201: CommentOut}, auth=SIGNED_IN,
             operation_id="governance_comments_create",
             summary="Comment on a section of the current version (comments phase)")
def create_comment(request: HttpRequest, payload: CommentIn,
                   slug: str = Path(..., pattern=SLUG)) -> Status:
    process = _process(request, slug)
    current = process.current_version
    section = current.sections.filter(key=payload.section).first() if current else None
    if section is None:
        raise Http404(_("The current version has no section %(key)s.") % {"key": payload.section})
    comment = services.add_comment(signed_in(request), process, section, payload.body,
                                   quote=payload.quote)
    return Status(201, comment)


@router.get("/processes/{slug}/amendments", response=AmendmentPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_amendments_list",
            summary="Amendments proposed to the draft")
def list_amendments(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                    slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    process = _process(request, slug)
    qs = policy.amendments(viewer(request)).filter(process=process).select_related(
        "merged_into")
    return paginate(request, response, qs, page=page, key="pk",
                    name=f"governance-amendments:{process.pk}")


@router.post("/processes/{slug}/amendments", response={201: AmendmentOut}, auth=SIGNED_IN,
             operation_id="governance_amendments_create",
             summary="Propose a new text for a section (amendments phase, current version)")
def create_amendment(request: HttpRequest, payload: AmendmentIn,
                     slug: str = Path(..., pattern=SLUG)) -> Status:
    process = _process(request, slug)
    version = process.versions.filter(number=payload.version).first()
    section = version.sections.filter(key=payload.section).first() if version else None
    if version is None or section is None:
        raise Http404(_("Version %(n)d has no section %(key)s.") % {
            "n": payload.version, "key": payload.section})
    amendment = services.propose_amendment(signed_in(request), process, version, section,
                                           payload.proposed_text, rationale=payload.rationale)
    return Status(201, amendment)


@router.post("/processes/{slug}/amendments/{amendment_id}/decision", response=AmendmentOut,
             auth=SIGNED_IN, operation_id="governance_amendments_decide",
             summary="Accept, reject (with a reason) or merge an amendment (convenors)")
def decide_amendment(request: HttpRequest, payload: AmendmentDecisionIn,
                     slug: str = Path(..., pattern=SLUG),
                     amendment_id: int = Path(..., ge=1, le=MAX_ID)) -> Amendment:
    process = _process(request, slug)
    amendment = policy.amendments(viewer(request)).filter(process=process,
                                                          pk=amendment_id).first()
    if amendment is None:
        raise Http404(_("This consultation has no amendment %(id)d.") % {"id": amendment_id})
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


@router.get("/processes/{slug}/statements", response=StatementPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_statements_list",
            summary="Statements of the opinion map with their vote counts")
def list_statements(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                    slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    process = _process(request, slug)
    return paginate(request, response, _statements(request, process), page=page, key="pk",
                    name=f"governance-statements:{process.pk}")


@router.post("/processes/{slug}/statements", response={201: StatementOut}, auth=SIGNED_IN,
             operation_id="governance_statements_create",
             summary="Submit a statement (opinion-map phase)")
def create_statement(request: HttpRequest, payload: StatementIn,
                     slug: str = Path(..., pattern=SLUG)) -> Status:
    process = _process(request, slug)
    statement = services.add_statement(signed_in(request), process, payload.text)
    return Status(201, _statements(request, process).get(pk=statement.pk))


@router.post("/processes/{slug}/statements/{statement_id}/moderation", response=StatementOut,
             auth=SIGNED_IN, operation_id="governance_statements_moderate",
             summary="Accept or reject a statement (convenors)")
def moderate_statement(request: HttpRequest, payload: ModerationIn,
                       slug: str = Path(..., pattern=SLUG),
                       statement_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    process = _process(request, slug)
    statement = policy.statements(viewer(request)).filter(process=process,
                                                          pk=statement_id).first()
    if statement is None:
        raise Http404(_("This consultation has no statement %(id)d.") % {"id": statement_id})
    services.moderate_statement(signed_in(request), statement, accepted=payload.accepted)
    return _statements(request, process).get(pk=statement.pk)


@router.post("/processes/{slug}/statements/{statement_id}/votes", response={201: VoteOut},
             auth=SIGNED_IN, operation_id="governance_votes_create",
             summary="Agree, disagree or pass on a statement, once (opinion-map phase)")
def create_vote(request: HttpRequest, payload: VoteIn, slug: str = Path(..., pattern=SLUG),
                statement_id: int = Path(..., ge=1, le=MAX_ID)) -> Status:
    process = _process(request, slug)
    statement = policy.statements(viewer(request)).filter(process=process,
                                                          pk=statement_id).first()
    if statement is None:
        raise Http404(_("This consultation has no statement %(id)d.") % {"id": statement_id})
    return Status(201, services.cast_vote(signed_in(request), statement, payload.value))


@router.get("/processes/{slug}/votes/mine", response=VotePage, auth=SIGNED_IN,
            operation_id="governance_votes_mine", summary="Your own votes on the statements")
def my_votes(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
             slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    process = _process(request, slug)
    qs = policy.votes(viewer(request)).filter(statement__process=process)
    return paginate(request, response, qs, page=page, key="pk",
                    name=f"governance-votes:{process.pk}")


@router.get("/processes/{slug}/opinion-map", response=OpinionMapOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_opinion_map",
            summary="The opinion map: points, groups, representative and consensus statements")
def opinion_map(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    return queries.opinion_map(_process(request, slug))


# --- Ballots and results ----------------------------------------------------------------


@router.post("/processes/{slug}/ballots", response={201: BallotOut}, auth=SIGNED_IN,
             operation_id="governance_ballots_create",
             summary="Cast your ballot, once (decision phase)")
def cast_ballot(request: HttpRequest, payload: BallotIn,
                slug: str = Path(..., pattern=SLUG)) -> Status:
    process = _process(request, slug)
    ballot = services.cast_ballot(signed_in(request), process, choice=payload.choice,
                                  ranking=payload.ranking, reason=payload.reason)
    return Status(201, ballot)


@router.get("/processes/{slug}/ballots/mine", response=BallotOut, auth=SIGNED_IN,
            operation_id="governance_ballots_mine", summary="Your own ballot")
def my_ballot(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Ballot:
    process = _process(request, slug)
    ballot = policy.ballots(viewer(request)).filter(process=process).first()
    if ballot is None:
        raise Http404(_("You have not voted in this consultation."))
    return ballot


def _decision(request: HttpRequest, slug: str) -> Decision:
    process = _process(request, slug)
    decision = policy.decisions(viewer(request)).filter(process=process).first()
    if decision is None:
        raise Http404(_("No result has been published yet."))
    return decision


@router.post("/processes/{slug}/result", response={201: ResultOut}, auth=SIGNED_IN,
             operation_id="governance_results_publish",
             summary="Tally and publish the result with its ballot file (convenors)")
def publish_result(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Status:
    decision = services.publish_decision(signed_in(request), _process(request, slug))
    return Status(201, _result(request, decision))


def _result(request: HttpRequest, decision: Decision) -> dict[str, Any]:
    return {
        "rule": decision.rule, "outcome": decision.outcome, "result": decision.result,
        "other_results": decision.other_results, "sha256": decision.sha256,
        "version": decision.version.number if decision.version else None,
        "decided_at": decision.decided_at,
        "ballot_file_url": request.build_absolute_uri(
            reverse("governance:ballot-file", args=[decision.process.slug])),
    }


@router.get("/processes/{slug}/result", response=ResultOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_results_get",
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
    meeting = policy.meetings(viewer(request)).filter(process=process, pk=meeting_id).first()
    if meeting is None:
        raise Http404(_("This consultation has no meeting %(id)d.") % {"id": meeting_id})
    return meeting


def _save_meeting(request: HttpRequest, process: Process, payload: MeetingIn,
                  meeting: Meeting | None = None) -> Meeting:
    saved = services.save_meeting(
        signed_in(request), process, title=payload.title, starts_at=payload.starts_at,
        location=payload.location, agenda=payload.agenda, minutes=payload.minutes,
        section_keys=payload.sections, meeting=meeting)
    # Read back through the policy, with the sections the schema lists.
    return _meeting(request, process, saved.pk)


@router.get("/processes/{slug}/meetings", response=MeetingPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_meetings_list",
            summary="Meetings of a consultation, with agenda, minutes and sections discussed")
def list_meetings(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                  slug: str = Path(..., pattern=SLUG)) -> dict[str, Any]:
    process = _process(request, slug)
    qs = policy.meetings(viewer(request)).filter(process=process).prefetch_related("sections")
    return paginate(request, response, qs, page=page, key="pk",
                    name=f"governance-meetings:{process.pk}")


@router.get("/processes/{slug}/meetings/{meeting_id}", response=MeetingOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="governance_meetings_get",
            summary="One meeting")
def get_meeting(request: HttpRequest, slug: str = Path(..., pattern=SLUG),
                meeting_id: int = Path(..., ge=1, le=MAX_ID)) -> Meeting:
    return _meeting(request, _process(request, slug), meeting_id)


@router.post("/processes/{slug}/meetings", response={201: MeetingOut}, auth=SIGNED_IN,
             operation_id="governance_meetings_create",
             summary="Plan a meeting linked to sections of the current version (convenors)")
def create_meeting(request: HttpRequest, payload: MeetingIn,
                   slug: str = Path(..., pattern=SLUG)) -> Status:
    process = _process(request, slug)
    return Status(201, _save_meeting(request, process, payload))


@router.put("/processes/{slug}/meetings/{meeting_id}", response=MeetingOut, auth=SIGNED_IN,
            operation_id="governance_meetings_update",
            summary="Update a meeting or record its minutes (convenors)")
def update_meeting(request: HttpRequest, payload: MeetingIn,
                   slug: str = Path(..., pattern=SLUG),
                   meeting_id: int = Path(..., ge=1, le=MAX_ID)) -> Meeting:
    process = _process(request, slug)
    return _save_meeting(request, process, payload, _meeting(request, process, meeting_id))
