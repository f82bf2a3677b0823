"""JSON API of the security module at /api/v1/security/: objects, collections, groups,
exports, imports. Every list, detail and export reads through ``policy``."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticError

from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.api_auth import PUBLIC, PUBLIC_OPENAPI, SIGNED_IN, signed_in, viewer
from cybercommons.core.lib.pagination import PageParams, paginate
from cybercommons.core.models import Organisation
from cybercommons.security import exports, policy, queries, services
from cybercommons.security.importers.jobs import (
    max_document_bytes,
    start_file_import,
    start_url_import,
    too_large,
)
from cybercommons.security.models import Collection, SharingGroup
from cybercommons.security.schemas import (
    AddObjectsIn,
    AddObjectsOut,
    CollectionPage,
    ImportJobOut,
    ImportJobPage,
    ObjectDetailOut,
    ObjectFilters,
    ObjectPage,
    SharingGroupPage,
    UploadImportIn,
    UrlImportIn,
    import_openapi,
)

router = Router(tags=["security"])

STIX_ID = r"^[a-z0-9][a-z0-9-]{1,249}--[0-9a-fA-F-]{36}$"


def _search(request: HttpRequest, filters: ObjectFilters) -> Any:
    return queries.search_objects(
        viewer(request), q=filters.q, type=filters.type, label=filters.label,
        tlp=filters.tlp, collection=filters.collection, added_after=filters.added_after,
        added_before=filters.added_before)


@router.get("/objects", response=ObjectPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="security_objects_list",
            summary="Search the STIX objects you may see (newest version of each)")
def list_objects(request: HttpRequest, response: HttpResponse, filters: Query[ObjectFilters],
                 page: Query[PageParams]) -> dict[str, Any]:
    return paginate(request, response, _search(request, filters), page=page,
                    key="-date_added", name="security-objects")


@router.get("/objects/{stix_id}", response=ObjectDetailOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="security_objects_get",
            summary="One STIX object with every version you may see")
def get_object(request: HttpRequest, stix_id: str = Path(..., pattern=STIX_ID)
               ) -> dict[str, Any]:
    versions = list(queries.object_versions(viewer(request), stix_id))
    if not versions:
        raise Http404(_("No object %(id)s.") % {"id": stix_id})
    return {"stix_id": stix_id, "type": versions[0].type, "versions": versions}


@router.get("/export", auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="security_objects_export",
            summary="Export a search or a collection as a STIX 2.1 bundle or CSV")
def export_objects(request: HttpRequest, filters: Query[ObjectFilters],
                   format: str = "stix") -> HttpResponse | StreamingHttpResponse:
    rows = _search(request, filters).order_by("date_added", "pk")[:exports.EXPORT_LIMIT]
    if format == "csv":
        text, _skipped = exports.csv_export(rows)
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="indicators.csv"'
        return response
    if format != "stix":
        raise ServiceError(_("format must be stix or csv"), field="format")
    streamed = StreamingHttpResponse(exports.bundle_chunks(rows),
                                     content_type="application/stix+json;version=2.1")
    streamed["Content-Disposition"] = 'attachment; filename="bundle.json"'
    return streamed


@router.get("/collections", response=CollectionPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="security_collections_list",
            summary="Collections you may read or write")
def list_collections(request: HttpRequest, response: HttpResponse,
                     page: Query[PageParams]) -> dict[str, Any]:
    who = viewer(request)
    result = paginate(request, response,
                      policy.visible_collections(who).select_related("owner"),
                      page=page, key="title", name="security-collections")
    readable = set(policy.readable_collections(who).values_list("pk", flat=True))
    writable = set(policy.writable_collections(who).values_list("pk", flat=True))
    for item in result["items"]:
        item.can_read = item.pk in readable
        item.can_write = item.pk in writable
    return result


def _collection(request: HttpRequest, collection_id: str) -> Collection:
    try:
        key = uuid.UUID(collection_id)
    except ValueError:
        raise Http404(_("No such collection.")) from None
    item = policy.visible_collections(viewer(request)).filter(pk=key).first()
    if item is None:
        raise Http404(_("No such collection."))
    return item


@router.post("/collections/{collection_id}/objects", response={201: AddObjectsOut},
             auth=SIGNED_IN, operation_id="security_objects_add",
             summary="Add STIX objects to a collection (each validated on its own)")
def add_objects(request: HttpRequest, collection_id: str, payload: AddObjectsIn) -> Status:
    user = signed_in(request)
    item = _collection(request, collection_id)
    organisation = None
    if payload.organisation:
        organisation = Organisation.objects.filter(slug=payload.organisation).first()
        if organisation is None:
            raise ServiceError(_("Unknown organisation."), field="organisation")
    orgs = groups = None
    if payload.recipient_orgs is not None or payload.recipient_groups is not None:
        wanted = payload.recipient_orgs or []
        orgs = list(Organisation.objects.filter(slug__in=wanted).values_list("pk", flat=True))
        if len(orgs) != len(set(wanted)):
            raise ServiceError(_("Unknown recipient organisation."), field="recipient_orgs")
        wanted_groups = payload.recipient_groups or []
        groups = list(SharingGroup.objects.filter(slug__in=wanted_groups)
                      .values_list("pk", flat=True))
        if len(groups) != len(set(wanted_groups)):
            raise ServiceError(_("Unknown sharing group."), field="recipient_groups")
    outcome = services.add_python_objects(user, item, payload.objects, organisation=organisation,
                                          recipient_orgs=orgs, recipient_groups=groups,
                                          record_status=False)
    return Status(201, {"stored": outcome.stored, "duplicates": outcome.duplicates,
                        "successes": outcome.successes, "failures": outcome.failures})


_IMPORT_DESCRIPTION = """\
Answers 202 at once with the import's status; its `Location` header is where to follow it
until `status` is `done` or `failed`. The document is read and stored in the background.

Two ways to give the document:

* `application/json` with `kind` and `url`: the server fetches the document from the URL
  (http or https, public addresses only);
* `multipart/form-data` with `kind` and either `file` (the document itself) or `url`,
  never both: `curl -F kind=stix -F file=@bundle.json …`.

A document over the size limit (20 MB unless the site sets another) is refused with 413;
an unknown `kind`, both or neither of `file` and `url`, or an empty file with 400. The
write right on the collection is checked at once and again when the import runs.
"""


# Room for the text fields and part headers of a multipart import around the file.
_FORM_OVERHEAD = 64 * 1024
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def _invalid(exc: PydanticError, where: str) -> ValidationError:
    return ValidationError([{"loc": (where, *error["loc"]), "msg": error["msg"],
                             "type": error["type"]} for error in exc.errors()])


def _json_payload(request: HttpRequest) -> UrlImportIn:
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ServiceError(_("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ServiceError(_("The request body must be a JSON object."))
    try:
        return UrlImportIn.model_validate(data)
    except PydanticError as exc:
        raise _invalid(exc, "body") from None


def _upload_form(request: HttpRequest) -> tuple[UploadImportIn, UploadedFile | None]:
    """The fields and the file of a form import request.

    The declared length is checked before Django reads the body, so a body far over the
    limit is refused without being written to a temporary file; the service checks the
    file's own size.
    """
    limit = max_document_bytes()
    # RequestLimitsMiddleware has refused a Content-Length that is not a number.
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + _FORM_OVERHEAD:
        raise too_large(limit)
    try:
        fields = {key: request.POST[key] for key in request.POST}
        files = request.FILES.getlist("file")
        others = set(request.FILES) - {"file"}
    except MultiPartParserError as exc:
        raise ServiceError(_("The form could not be read: %(error)s") % {"error": exc}
                           ) from None
    if len(files) > 1 or others:
        raise ServiceError(_("Send one file, as the form field file."), field="file")
    try:
        form = UploadImportIn.model_validate(fields)
    except PydanticError as exc:
        raise _invalid(exc, "form") from None
    return form, files[0] if files else None


@router.post("/collections/{collection_id}/imports", response={202: ImportJobOut},
             auth=SIGNED_IN, operation_id="security_imports_start",
             summary="Import a STIX bundle, MISP event or CSV (a URL or a file), in the "
             "background", description=_IMPORT_DESCRIPTION,
             openapi_extra=import_openapi())
def start_import(request: HttpRequest, response: HttpResponse, collection_id: str) -> Status:
    user = signed_in(request)
    collection = _collection(request, collection_id)
    if request.content_type in _FORM_TYPES:
        form, upload = _upload_form(request)
        url = (form.url or "").strip()  # an HTML form sends its empty URL field too
        if (upload is None) == (not url):
            raise ServiceError(_("Give either a file or a URL."), field="file")
        job = (start_file_import(user, collection, form.kind, upload) if upload is not None
               else start_url_import(user, collection, form.kind, url))
    else:
        payload = _json_payload(request)
        job = start_url_import(user, collection, payload.kind, payload.url)
    response["Location"] = reverse("api-1.0.0:security_imports_get", args=[str(job.pk)])
    return Status(202, job)


@router.get("/imports", response=ImportJobPage, auth=SIGNED_IN,
            operation_id="security_imports_list",
            summary="Imports you started, or into collections you administer")
def list_imports(request: HttpRequest, response: HttpResponse,
                 page: Query[PageParams]) -> dict[str, Any]:
    return paginate(request, response, queries.import_jobs(viewer(request)), page=page,
                    key="-created_at", name="security-imports")


@router.get("/imports/{import_id}", response=ImportJobOut, auth=SIGNED_IN,
            url_name="security_imports_get", operation_id="security_imports_get",
            summary="Progress and per-record report of one import")
def get_import(request: HttpRequest, import_id: str) -> Any:
    job = queries.import_job(viewer(request), import_id)
    if job is None:
        raise Http404(_("No such import."))
    return job


@router.get("/sharing-groups", response=SharingGroupPage, auth=SIGNED_IN,
            operation_id="security_groups_list",
            summary="Sharing groups your organisations belong to or own")
def list_groups(request: HttpRequest, response: HttpResponse,
                page: Query[PageParams]) -> dict[str, Any]:
    qs = policy.sharing_groups(viewer(request)).select_related("owner").prefetch_related(
        "members")
    return paginate(request, response, qs, page=page, key="name", name="security-groups")
