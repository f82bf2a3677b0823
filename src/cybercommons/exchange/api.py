"""The exchange JSON API under /api/v1/exchange/: works, texts, search, exhibitions, and
moderation for moderators.

Operations parse, ask policy what the caller may see, call a service for any change and
shape the answer. A work the caller may not see is simply not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status

from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.api_auth import PUBLIC, PUBLIC_OPENAPI, SIGNED_IN, signed_in, viewer
from cybercommons.core.lib.pagination import PageParams, paginate
from cybercommons.core.models import Organisation
from cybercommons.exchange import policy, queries, services
from cybercommons.exchange.models import Exhibition, ModerationCase, Work
from cybercommons.exchange.schemas import (
    CaseOut,
    CasePage,
    DecisionIn,
    DecisionOut,
    ExhibitionIn,
    ExhibitionLanguageOut,
    ExhibitionOut,
    ExhibitionPage,
    ExhibitionTranslationIn,
    FollowDecisionIn,
    FollowRequestOut,
    FollowRequestPage,
    HashListIn,
    HashListPage,
    HashListReportOut,
    InstanceIn,
    InstanceOut,
    MoveIn,
    ReceivedOut,
    ReportIn,
    SearchOut,
    TextIn,
    TextOut,
    WorkIn,
    WorkOut,
    WorkPage,
    WorkPatch,
)
from cybercommons.exchange.services import TextInput

router = Router(tags=["exchange"])

UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
SLUG = r"^[-a-zA-Z0-9_]{1,80}$"
SLUG_OR_EMPTY = r"^[-a-zA-Z0-9_]{0,80}$"
LANGUAGE = r"^[a-zA-Z\-_]{2,10}$"
MAX_ID = 2**63 - 1


class SearchFilters(Schema):
    q: str = ""
    language: str = ""
    country: str = ""
    kind: str = ""
    licence: str = ""
    century: int | None = None


def _filters(params: SearchFilters) -> queries.Filters:
    return queries.Filters(q=params.q[:queries.MAX_QUERY_LENGTH], language=params.language[:10],
                           country=params.country[:2], kind=params.kind[:10],
                           licence=params.licence[:40], century=params.century)


def _work(request: HttpRequest, uuid: str) -> Work:
    found = queries.work(viewer(request), uuid)
    if found is None:
        raise Http404(_("No work has the identifier %(id)s.") % {"id": uuid})
    return found


def _organisation(slug: str) -> Organisation:
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise ServiceError(_("No organisation has the short name %(slug)s.") % {"slug": slug},
                           field="organisation")
    return found


@router.get("/works", response=WorkPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="exchange_works_list", summary="Works the caller may see, filtered")
def list_works(request: HttpRequest, response: HttpResponse, filters: Query[SearchFilters],
               page: Query[PageParams]) -> dict[str, Any]:
    results = queries.search(viewer(request), _filters(filters), with_facets=False)
    return paginate(request, response, results.works, page=page, key=results.order_key,
                    name="exchange-works")


@router.get("/search", response=SearchOut, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="exchange_search",
            summary="Search works in every language, with facets")
def search(request: HttpRequest, response: HttpResponse, filters: Query[SearchFilters],
           page: Query[PageParams]) -> dict[str, Any]:
    results = queries.search(viewer(request), _filters(filters))
    body = paginate(request, response, results.works, page=page, key=results.order_key,
                    name="exchange-search")
    body["total"] = results.total
    body["total_is_exact"] = results.total_is_exact
    body["total_is_estimate"] = results.total_is_estimate
    body["facets_sampled"] = results.facets_sampled
    body["terms"] = results.terms
    body["facets"] = {name: [vars(f) for f in items] for name, items in results.facets.items()}
    return body


@router.get("/works/{uuid}", response=WorkOut, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="exchange_works_get", summary="One work with all its texts")
def get_work(request: HttpRequest, uuid: str = Path(..., pattern=UUID)) -> Work:
    return _work(request, uuid)


@router.post("/works", response={201: WorkOut}, auth=SIGNED_IN,
             operation_id="exchange_works_create",
             summary="Contribute a work (editors of the organisation)")
def create_work(request: HttpRequest, payload: WorkIn) -> Status:
    user = signed_in(request)
    data = payload.model_dump()
    organisation = _organisation(data.pop("organisation"))
    texts = [TextInput(**t) for t in data.pop("texts")]
    work = services.create_work(user, organisation, texts=texts, **data)
    return Status(201, queries.work(user, work.uuid))


@router.patch("/works/{uuid}", response=WorkOut, auth=SIGNED_IN,
              operation_id="exchange_works_update", summary="Change a work; a version is kept")
def update_work(request: HttpRequest, payload: WorkPatch,
                uuid: str = Path(..., pattern=UUID)) -> Any:
    user = signed_in(request)
    work = _work(request, uuid)
    fields = payload.model_dump(exclude_unset=True)
    note = fields.pop("note", "")
    services.update_work(user, work, note=note, **fields)
    return queries.work(user, uuid)


@router.delete("/works/{uuid}", response={204: None}, auth=SIGNED_IN,
               operation_id="exchange_works_delete", summary="Delete a work")
def delete_work(request: HttpRequest, uuid: str = Path(..., pattern=UUID)) -> Status:
    services.delete_work(signed_in(request), _work(request, uuid))
    return Status(204, None)


@router.post("/works/{uuid}/publish", response=WorkOut, auth=SIGNED_IN,
             operation_id="exchange_works_publish",
             summary="Publish a draft (it may be held for review instead)")
def publish_work(request: HttpRequest, uuid: str = Path(..., pattern=UUID)) -> Any:
    user = signed_in(request)
    services.publish_work(user, _work(request, uuid))
    return queries.work(user, uuid)


@router.get("/works/{uuid}/texts", response=list[TextOut], auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="exchange_texts_list",
            summary="The work's texts: the original and its translations")
def list_texts(request: HttpRequest, uuid: str = Path(..., pattern=UUID)) -> list[Any]:
    return list(_work(request, uuid).texts.select_related("translated_from"))


@router.put("/works/{uuid}/texts/{language}", response=TextOut, auth=SIGNED_IN,
            operation_id="exchange_texts_put",
            summary="Add or replace the text in one language (members translate)")
def put_text(request: HttpRequest, payload: TextIn, uuid: str = Path(..., pattern=UUID),
             language: str = Path(..., pattern=LANGUAGE)) -> Any:
    if payload.language.lower() != language.lower():
        raise ServiceError(_("The language in the body differs from the one in the address."),
                           field="language")
    return services.save_text(signed_in(request), _work(request, uuid),
                              TextInput(**payload.model_dump()))


@router.post("/works/{uuid}/reports", response={202: ReceivedOut}, auth=SIGNED_IN,
             operation_id="exchange_works_report", summary="Report a work to moderators")
def report_work(request: HttpRequest, payload: ReportIn,
                uuid: str = Path(..., pattern=UUID)) -> Status:
    services.report_work(signed_in(request), _work(request, uuid), reason=payload.reason,
                         comment=payload.comment)
    return Status(202, {"status": "received"})


# --- Exhibitions ---------------------------------------------------------------------------


def _visible_exhibition(request: HttpRequest, slug: str) -> Exhibition:
    found = queries.exhibition(viewer(request), slug)
    if found is None:
        raise Http404(_("No such exhibition."))
    return found


def _exhibition_out(request: HttpRequest, found: Exhibition) -> Exhibition:
    found.visible_items = queries.exhibition_items(viewer(request), found)  # type: ignore[attr-defined]
    return found


@router.get("/exhibitions", response=ExhibitionPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="exchange_exhibitions_list",
            summary="Exhibitions the caller may see")
def list_exhibitions(request: HttpRequest, response: HttpResponse,
                     page: Query[PageParams]) -> dict[str, Any]:
    qs = policy.exhibitions(viewer(request)).select_related("organisation")
    return paginate(request, response, qs, page=page, key="slug", name="exchange-exhibitions")


@router.get("/exhibitions/{slug}", response=ExhibitionOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="exchange_exhibitions_get",
            summary="One exhibition with its ordered items")
def get_exhibition(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Exhibition:
    return _exhibition_out(request, _visible_exhibition(request, slug))


@router.put("/exhibitions", response=ExhibitionOut, auth=SIGNED_IN,
            operation_id="exchange_exhibitions_save",
            summary="Create or replace an exhibition (editors of the organisation); "
                    "translations of the narrative blocks that survive are kept")
def save_exhibition(request: HttpRequest, payload: ExhibitionIn) -> Exhibition:
    data = payload.model_dump()
    organisation = _organisation(data.pop("organisation"))
    found = services.save_exhibition(signed_in(request), organisation, **data)
    return _exhibition_out(request, found)


@router.get("/exhibitions/{slug}/translations", response=list[ExhibitionLanguageOut],
            auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="exchange_exhibition_translations_list",
            summary="Every language of an exhibition, original first, with translators, "
                    "machine-translation labels and outdated narratives")
def list_exhibition_translations(request: HttpRequest,
                                 slug: str = Path(..., pattern=SLUG)) -> list[Any]:
    return queries.exhibition_languages(_visible_exhibition(request, slug))


@router.put("/exhibitions/{slug}/translations/{language}", response=ExhibitionLanguageOut,
            auth=SIGNED_IN, operation_id="exchange_exhibition_translations_put",
            summary="Add or replace one language of an exhibition (members translate)")
def put_exhibition_translation(request: HttpRequest, payload: ExhibitionTranslationIn,
                               slug: str = Path(..., pattern=SLUG),
                               language: str = Path(..., pattern=LANGUAGE)) -> Any:
    language = services.language_code(language)
    found = services.save_exhibition_translation(
        signed_in(request), _visible_exhibition(request, slug), language=language,
        title=payload.title, introduction=payload.introduction,
        translator=payload.translator, is_machine_translation=payload.is_machine_translation,
        item_narratives={n.item: n.text for n in payload.narratives})
    return next(e for e in queries.exhibition_languages(found) if e.language == language)


@router.post("/exhibitions/{slug}/items/{item_id}/move", response=ExhibitionOut,
             auth=SIGNED_IN, operation_id="exchange_exhibition_items_move",
             summary="Move an item one step up or down (editors of the organisation)")
def move_exhibition_item(request: HttpRequest, payload: MoveIn,
                         slug: str = Path(..., pattern=SLUG),
                         item_id: int = Path(..., ge=1, le=MAX_ID)) -> Exhibition:
    found = _visible_exhibition(request, slug)
    services.move_exhibition_item(signed_in(request), found, item_id,
                                  direction=payload.direction)
    return _exhibition_out(request, found)


# --- Federation: follow requests -------------------------------------------------------------


@router.get("/follow-requests", response=FollowRequestPage, auth=SIGNED_IN,
            operation_id="exchange_follow_requests_list",
            summary="Follow requests waiting for a moderator, for all actors or one "
                    "organisation's or exhibition's actor, oldest first")
def list_follow_requests(request: HttpRequest, response: HttpResponse,
                         page: Query[PageParams],
                         organisation: str = Query("", pattern=SLUG_OR_EMPTY),
                         exhibition: str = Query("", pattern=SLUG_OR_EMPTY)) -> dict[str, Any]:
    # Oldest first, as on the moderators' page: the request that has waited longest is
    # answered first, and a request arriving while a moderator pages lands at the end.
    user = _moderator(request)
    return paginate(request, response,
                    queries.follow_requests(user, organisation=organisation,
                                            exhibition=exhibition),
                    page=page, key="created_at", name="exchange-follow-requests")


@router.post("/follow-requests/{follower_id}/decision", response=FollowRequestOut,
             auth=SIGNED_IN, operation_id="exchange_follow_requests_decide",
             summary="Accept or reject a follow request; the remote server is told")
def decide_follow_request(request: HttpRequest, payload: FollowDecisionIn,
                          follower_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    user = _moderator(request)
    follower = queries.follow_requests(user).filter(pk=follower_id).first()
    if follower is None:
        raise Http404(_("No follow request waits with that id."))
    return services.decide_follower(user, follower,
                                    approve=services.follow_decision(payload.decision))


# --- Moderation ------------------------------------------------------------------------------


def _moderator(request: HttpRequest) -> Any:
    user = signed_in(request)
    policy.require_moderator(user)
    return user


@router.get("/moderation/cases", response=CasePage, auth=SIGNED_IN,
            operation_id="exchange_cases_list", summary="The moderation queue (moderators)")
def list_cases(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
               status: str = "") -> dict[str, Any]:
    user = _moderator(request)
    return paginate(request, response, queries.moderation_queue(user, status), page=page,
                    key="created_at", name="exchange-cases")


@router.get("/moderation/cases/{case_id}", response=CaseOut, auth=SIGNED_IN,
            operation_id="exchange_cases_get", summary="One case (moderators; the view is logged)")
def get_case(request: HttpRequest, case_id: int = Path(..., ge=1, le=MAX_ID)) -> ModerationCase:
    user = _moderator(request)
    case = policy.cases(user).filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    services.record_case_view(user, case)
    return case


@router.post("/moderation/cases/{case_id}/decision", response={201: DecisionOut},
             auth=SIGNED_IN, operation_id="exchange_cases_decide",
             summary="Decide a case, with the reason given to the author")
def decide(request: HttpRequest, payload: DecisionIn,
           case_id: int = Path(..., ge=1, le=MAX_ID)) -> Status:
    user = _moderator(request)
    case = policy.cases(user).filter(pk=case_id).first()
    if case is None:
        raise Http404(_("No such case."))
    return Status(201, services.decide(user, case, outcome=payload.outcome,
                                       reason=payload.reason))


@router.get("/moderation/hash-lists", response=HashListPage, auth=SIGNED_IN,
            operation_id="exchange_hash_lists",
            summary="Hash lists by name (moderators; no hashes)")
def list_hash_lists(request: HttpRequest, response: HttpResponse,
                    page: Query[PageParams]) -> dict[str, Any]:
    user = _moderator(request)
    return paginate(request, response, policy.hash_lists(user).annotate(size=Count("entries")),
                    page=page, key="name", name="exchange-hash-lists")


@router.post("/moderation/hash-lists", response={201: HashListReportOut}, auth=SIGNED_IN,
             operation_id="exchange_hash_lists_import",
             summary="Import or refresh a hash list; bad lines are reported and skipped")
def import_hash_list(request: HttpRequest, payload: HashListIn) -> Status:
    user = _moderator(request)
    report = services.import_hash_list(user, name=payload.name, lines=payload.lines,
                                       source=payload.source)
    return Status(201, {"name": report.name, "created": report.created,
                        "updated": report.updated, "held": report.held,
                        "errors": report.skipped})


class FlagIn(Schema):
    comment: str


@router.post("/moderation/remote-works/{remote_id}/flag", response={202: ReceivedOut},
             auth=SIGNED_IN, operation_id="exchange_remote_flag",
             summary="Report a received work to its server's moderators and hide it here")
def flag_remote(request: HttpRequest, payload: FlagIn,
                remote_id: int = Path(..., ge=1, le=MAX_ID)) -> Status:
    user = _moderator(request)
    remote_work = policy.remote_works(user).filter(pk=remote_id).first()
    if remote_work is None:
        raise Http404(_("No such work."))
    services.flag_remote_work(user, remote_work, comment=payload.comment[:2000])
    return Status(202, {"status": "sent"})


@router.put("/moderation/instances/{domain}", response=InstanceOut, auth=SIGNED_IN,
            operation_id="exchange_instances_set",
            summary="Allow, limit or block another server")
def set_instance(request: HttpRequest, payload: InstanceIn,
                 domain: str = Path(..., pattern=r"^[A-Za-z0-9.\-:\[\]]{1,253}$")) -> Any:
    return services.set_instance_policy(_moderator(request), domain, payload.policy,
                                        payload.note)

