"""The TAXII 2.1 server (OASIS TAXII 2.1, 10 June 2021), mounted at ``/taxii2/``.

Each view: authenticate, negotiate the media type, find the resource through policy,
run the kernel's filter parsing, read or write through queries/services, answer in the
TAXII media type. A collection the caller may neither read nor write does not exist for
them (404), so its existence is not revealed; objects they may not see are never counted,
listed, paged over or named in headers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from cybercommons.core.errors import ServiceError
from cybercommons.core.models import User
from cybercommons.security import policy, queries, services
from cybercommons.security.envelope_reader import EnvelopeError, read_objects
from cybercommons.security.kernel import taxii_resources
from cybercommons.security.kernel.stix_timestamps import (
    format_stix_timestamp,
    format_taxii_timestamp,
    parse_timestamp,
)
from cybercommons.security.kernel.taxii_errors import TaxiiError
from cybercommons.security.kernel.taxii_filters import Endpoint, FilterSpec, parse_filters
from cybercommons.security.kernel.taxii_media_types import (
    STIX_21,
    TAXII_21,
    check_content_type,
    negotiate_taxii,
)
from cybercommons.security.kernel.taxii_paging import date_added_headers
from cybercommons.security.models import ApiRoot, Collection
from cybercommons.security.taxii_auth import taxii_user

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000

View = Callable[..., HttpResponse]


def taxii_response(body: dict[str, Any] | str, status: int = 200,
                   headers: dict[str, str] | None = None) -> HttpResponse:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    response = HttpResponse(text, status=status, content_type=TAXII_21)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: TaxiiError) -> HttpResponse:
    response = taxii_response(error.to_error_resource(), status=error.http_status)
    if error.http_status == 401:
        response["WWW-Authenticate"] = 'Basic realm="TAXII", Bearer realm="TAXII"'
    return response


def not_found(what: str) -> TaxiiError:
    return TaxiiError(404, "Not Found", what)


def taxii_view(methods: tuple[str, ...], *, stix_accept: bool = False) -> Callable[[View], View]:
    """Wrap a TAXII view: method check, authentication, Accept negotiation, error format."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    error = TaxiiError(405, "Method Not Allowed",
                                       f"{request.method} is not allowed here; use "
                                       f"{', '.join(methods)}")
                    response = error_response(error)
                    response["Allow"] = ", ".join(methods)
                    return response
                user = taxii_user(request)
                negotiate_taxii(request.headers.get("Accept"), stix_accept_defined=stix_accept)
                return view(request, user, *args, **kwargs)
            except TaxiiError as error:
                return error_response(error)
            except PermissionDenied as error:
                return error_response(TaxiiError(403, "Forbidden",
                                                 str(error) or "permission denied"))
            except ServiceError as error:
                return error_response(TaxiiError(error.status, "Bad Request", error.message))

        return wrapper

    return decorate


def _filters(request: HttpRequest, endpoint: Endpoint) -> FilterSpec:
    params = {name: request.GET.getlist(name) for name in request.GET}
    return parse_filters(params, endpoint, default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT)


def _api_root(root: str) -> ApiRoot:
    api_root = ApiRoot.objects.filter(slug=root).first()
    if api_root is None:
        raise not_found(f"no API root {root!r}")
    return api_root


def _collection(user: User | AnonymousUser, root: str, collection_id: str) -> Collection:
    collection = queries.collection_for(user, root, collection_id)
    if collection is None:
        _api_root(root)  # an unknown API root is named as such
        raise not_found(f"no collection {collection_id!r} in API root {root!r}")
    return collection


def _readable(user: User | AnonymousUser, collection: Collection) -> QuerySet[Any]:
    if not policy.can_read(user, collection):
        raise TaxiiError(403, "Forbidden", "you may not read this collection")
    return policy.objects_in(user, collection)


# --- Discovery and API roots -------------------------------------------------------------


@taxii_view(("GET",))
def discovery(request: HttpRequest, user: User | AnonymousUser) -> HttpResponse:
    """Server discovery (section 4.1): the API roots of this server."""
    roots = [request.build_absolute_uri(reverse("taxii:api-root", args=[r.slug]))
             for r in policy.api_roots(user).order_by("slug")]
    body: dict[str, Any] = {
        "title": "Cybercommons TAXII server",
        "description": "Threat intelligence shared under TLP 2.0 and sharing groups.",
    }
    if roots:
        body["default"] = roots[0]
        body["api_roots"] = roots
    return taxii_response(body)


@taxii_view(("GET",))
def api_root(request: HttpRequest, user: User | AnonymousUser, root: str) -> HttpResponse:
    """API root information (section 4.2)."""
    item = _api_root(root)
    body: dict[str, Any] = {"title": item.title, "versions": [TAXII_21],
                            "max_content_length": item.max_content_length}
    if item.description:
        body["description"] = item.description
    return taxii_response(body)


@taxii_view(("GET",))
def status(request: HttpRequest, user: User | AnonymousUser, root: str,
           status_id: str) -> HttpResponse:
    """Status of an add request (section 4.3); only its requester sees it."""
    item = policy.statuses(user).filter(pk=status_id, api_root__slug=root).first()
    if item is None:
        raise not_found(f"no status {status_id!r}")
    body: dict[str, Any] = {
        "id": str(item.id), "status": item.status,
        "request_timestamp": format_taxii_timestamp(item.request_timestamp),
        "total_count": item.total_count, "success_count": item.success_count,
        "failure_count": item.failure_count, "pending_count": item.pending_count,
    }
    for name in ("successes", "failures", "pendings"):
        if getattr(item, name):
            body[name] = getattr(item, name)
    return taxii_response(body)


# --- Collections ----------------------------------------------------------------------------


def _collection_resource(collection: Collection, readable: bool, writable: bool
                         ) -> dict[str, Any]:
    body: dict[str, Any] = {"id": str(collection.id), "title": collection.title}
    if collection.description:
        body["description"] = collection.description
    if collection.alias:
        body["alias"] = collection.alias
    body.update({"can_read": readable, "can_write": writable, "media_types": [STIX_21]})
    return body


@taxii_view(("GET",))
def collections(request: HttpRequest, user: User | AnonymousUser, root: str) -> HttpResponse:
    """The collections of an API root the caller may read or write (section 5.1)."""
    item = _api_root(root)
    visible = list(policy.visible_collections(user).filter(api_root=item).order_by("title", "id"))
    readable = set(policy.readable_collections(user).filter(api_root=item)
                   .values_list("pk", flat=True))
    writable = set(policy.writable_collections(user).filter(api_root=item)
                   .values_list("pk", flat=True))
    body: dict[str, Any] = {}
    if visible:
        body["collections"] = [_collection_resource(c, c.pk in readable, c.pk in writable)
                               for c in visible]
    return taxii_response(body)


@taxii_view(("GET",))
def collection(request: HttpRequest, user: User | AnonymousUser, root: str,
               collection_id: str) -> HttpResponse:
    """One collection (section 5.2)."""
    item = _collection(user, root, collection_id)
    return taxii_response(_collection_resource(item, policy.can_read(user, item),
                                               policy.can_write(user, item)))


@taxii_view(("GET",), stix_accept=True)
def manifest(request: HttpRequest, user: User | AnonymousUser, root: str,
             collection_id: str) -> HttpResponse:
    """The manifest of a collection (section 5.3): one record per selected version."""
    item = _collection(user, root, collection_id)
    spec = _filters(request, Endpoint.MANIFEST)
    page = queries.taxii_page(_readable(user, item), spec, f"{root}/{item.pk}/manifest",
                              ("stix_id", "version_key"), item, viewer=user)
    records = [taxii_resources.manifest_record(row["stix_id"], row["date_added"],
                                               _version_text(row)) for row in page.rows]
    return taxii_response(taxii_resources.manifest(records, page.more, page.next_token),
                          headers=date_added_headers(page.first_added, page.last_added))


def _version_text(row: dict[str, Any]) -> str:
    """An object's version as producers write it: milliseconds unless finer precision."""
    if not row["version_key"]:
        return format_taxii_timestamp(row["date_added"])
    moment = parse_timestamp(row["version_key"])
    if moment.microsecond % 1000:
        return row["version_key"]
    return format_stix_timestamp(moment)


def _envelope_text(page: queries.TaxiiPage) -> str:
    # The objects are written as their stored raw text, byte for byte as received.
    head: dict[str, Any] = {}
    if page.more:
        head["more"] = True
        if page.next_token:
            head["next"] = page.next_token
    if not page.rows:
        return json.dumps(head)
    prefix = json.dumps(head)[:-1]
    separator = ", " if head else ""
    return prefix + separator + '"objects": [' + ", ".join(r["raw"] for r in page.rows) + "]}"


@taxii_view(("GET", "POST"))
def objects(request: HttpRequest, user: User | AnonymousUser, root: str,
            collection_id: str) -> HttpResponse:
    """Get objects (section 5.4) or add objects (section 5.5)."""
    item = _collection(user, root, collection_id)
    if request.method == "POST":
        return _add_objects(request, user, item)
    spec = _filters(request, Endpoint.OBJECTS)
    page = queries.taxii_page(_readable(user, item), spec, f"{root}/{item.pk}/objects",
                              ("raw",), item, viewer=user)
    return taxii_response(_envelope_text(page),
                          headers=date_added_headers(page.first_added, page.last_added))


def _add_objects(request: HttpRequest, user: User | AnonymousUser,
                 item: Collection) -> HttpResponse:
    if not isinstance(user, User):
        raise TaxiiError(401, "Unauthorized", "adding objects needs Basic or Bearer credentials")
    if not policy.can_write(user, item):
        raise TaxiiError(403, "Forbidden", "you may not add objects to this collection")
    check_content_type(request.headers.get("Content-Type"), (TAXII_21,))
    limit = item.api_root.max_content_length
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TaxiiError(413, "Payload Too Large",
                         f"the request body is {declared} bytes; this API root takes at most "
                         f"{limit} bytes")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise TaxiiError(413, "Payload Too Large",
                         f"the request body exceeds {limit} bytes")
    try:
        _members, items = read_objects(body, require_objects=True)
    except EnvelopeError as exc:
        raise TaxiiError(400, "Bad Request", f"the body is not a TAXII envelope: {exc}") from None
    outcome = services.add_objects(user, item, items)
    assert outcome.status is not None
    item_status = outcome.status
    body_out: dict[str, Any] = {
        "id": str(item_status.id), "status": item_status.status,
        "request_timestamp": format_taxii_timestamp(item_status.request_timestamp),
        "total_count": item_status.total_count, "success_count": item_status.success_count,
        "failure_count": item_status.failure_count, "pending_count": 0,
    }
    if outcome.successes:
        body_out["successes"] = outcome.successes
    if outcome.failures:
        body_out["failures"] = outcome.failures
    return taxii_response(body_out, status=202)


@taxii_view(("GET", "DELETE"))
def object_by_id(request: HttpRequest, user: User | AnonymousUser, root: str,
                 collection_id: str, object_id: str) -> HttpResponse:
    """Get an object's versions (section 5.6) or delete them (section 5.7)."""
    item = _collection(user, root, collection_id)
    if request.method == "DELETE":
        if not isinstance(user, User):
            raise TaxiiError(401, "Unauthorized", "deleting needs Basic or Bearer credentials")
        spec = _filters(request, Endpoint.DELETE_OBJECT)
        rows = queries.apply_filters(_readable(user, item).filter(stix_id=object_id), spec,
                                     user)
        chosen = list(rows)
        if not chosen:
            raise not_found(f"no object {object_id!r} in this collection")
        services.delete_versions(user, item, chosen)
        return taxii_response({})
    spec = _filters(request, Endpoint.OBJECT)
    visible = _readable(user, item).filter(stix_id=object_id)
    if not visible.exists():
        raise not_found(f"no object {object_id!r} in this collection")
    page = queries.taxii_page(visible, spec, f"{item.pk}/objects/{object_id}", ("raw",),
                                viewer=user)
    return taxii_response(_envelope_text(page),
                          headers=date_added_headers(page.first_added, page.last_added))


@taxii_view(("GET",))
def versions(request: HttpRequest, user: User | AnonymousUser, root: str,
             collection_id: str, object_id: str) -> HttpResponse:
    """The versions of an object (section 5.8)."""
    item = _collection(user, root, collection_id)
    spec = _filters(request, Endpoint.VERSIONS)
    visible = _readable(user, item).filter(stix_id=object_id)
    if not visible.exists():
        raise not_found(f"no object {object_id!r} in this collection")
    page = queries.taxii_page(visible, spec, f"{item.pk}/versions/{object_id}",
                              ("version_key",), viewer=user)
    strings = [_version_text(row) for row in page.rows]
    return taxii_response(taxii_resources.versions(strings, page.more, page.next_token),
                          headers=date_added_headers(page.first_added, page.last_added))


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /taxii2/ is a TAXII 404, never an HTML page."""
    return error_response(not_found(f"no TAXII resource at {request.path}"))
