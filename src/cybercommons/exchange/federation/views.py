"""ActivityPub, WebFinger and NodeInfo endpoints (mounted at the site root)."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from cybercommons.core.lib.problems import problem_response
from cybercommons.exchange import policy
from cybercommons.exchange.federation import addresses, documents, inbound, outbound
from cybercommons.exchange.federation.contexts import CONTEXT
from cybercommons.exchange.models import (
    Delivery,
    Exhibition,
    ExhibitionStatus,
    Follower,
    FollowState,
    LocalActor,
    Work,
)

AP_TYPE = "application/activity+json"
PAGE_SIZE = 20


def _json(data: dict[str, Any], content_type: str = AP_TYPE, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status,
                        content_type=content_type)


def _actor(username: str) -> LocalActor | None:
    """Our actor by name, created on first use for organisations and published exhibitions."""
    actor = LocalActor.objects.select_related("organisation", "exhibition").filter(
        username=username).first()
    if actor is not None:
        if actor.exhibition is not None and \
                actor.exhibition.status != ExhibitionStatus.PUBLISHED:
            return None
        return actor
    if username.startswith("exhibition."):
        exhibition = Exhibition.objects.filter(slug=username.removeprefix("exhibition."),
                                               status=ExhibitionStatus.PUBLISHED).first()
        return outbound.exhibition_actor(exhibition) if exhibition else None
    from cybercommons.core.models import Organisation

    organisation = Organisation.objects.filter(slug=username).first()
    return outbound.organisation_actor(organisation) if organisation else None


@require_GET
def webfinger(request: HttpRequest) -> HttpResponse:
    resource = request.GET.get("resource", "")
    if not resource:
        return problem_response(400, "the resource parameter is required")
    username = ""
    if resource.startswith("acct:"):
        user, _, host = resource[5:].rpartition("@")
        if host.lower() == addresses.domain().lower():
            username = user
    elif resource.startswith(addresses.actor_url("X")[:-1]):
        username = resource[len(addresses.actor_url("X")) - 1:]
    actor = _actor(username) if username else None
    if actor is None:
        return problem_response(404, "no such account on this server")
    return _json({
        "subject": f"acct:{actor.username}@{addresses.domain()}",
        "aliases": [addresses.actor_url(actor.username)],
        "links": [{"rel": "self", "type": AP_TYPE,
                   "href": addresses.actor_url(actor.username)}],
    }, content_type="application/jrd+json")


@require_GET
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    from django.urls import reverse

    return JsonResponse({"links": [{
        "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
        "href": addresses.absolute(reverse("exchange-ap:nodeinfo")),
    }]})


@require_GET
def nodeinfo(request: HttpRequest) -> HttpResponse:
    from cybercommons import __version__ as version

    local_posts = policy.public_works().count()
    return JsonResponse({
        "version": "2.1",
        "software": {"name": "cybercommons", "version": str(version),
                     "repository": "https://example.invalid/cybercommons"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": True,
        "usage": {"users": {"total": LocalActor.objects.count()}, "localPosts": local_posts},
        "metadata": {"nodeName": "Cybercommons"},
    }, content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"')


@require_GET
def actor(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor(username)
    if found is None:
        return problem_response(404, "no such actor")
    return _json(documents.actor_document(found))


@csrf_exempt
@require_http_methods(["POST"])
def actor_inbox(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor(username)
    if found is None:
        return problem_response(404, "no such actor")
    return inbound.receive(request, found)


@csrf_exempt
@require_http_methods(["POST"])
def shared_inbox(request: HttpRequest) -> HttpResponse:
    return inbound.receive(request, None)


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page")
    if raw is None:
        return None
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100000 else 1


def _works_of(found: LocalActor) -> Any:
    public = policy.public_works()
    if found.organisation is not None:
        return public.filter(organisation=found.organisation)
    return public.filter(exhibition_items__exhibition=found.exhibition).distinct()


@require_GET
def outbox(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor(username)
    if found is None:
        return problem_response(404, "no such actor")
    works = _works_of(found).order_by("-published_at", "-pk")
    url = addresses.outbox_url(username)
    page = _page_number(request)
    total = works.count()
    if page is None:
        return _json({"@context": CONTEXT, "id": url, "type": "OrderedCollection",
                      "totalItems": total, "first": url + "?page=1"})
    rows = list(works.select_related("organisation")
                .prefetch_related("texts", "media")[(page - 1) * PAGE_SIZE: page * PAGE_SIZE + 1])
    items = []
    for work in rows[:PAGE_SIZE]:
        obj = documents.work_object(work)
        obj.pop("@context", None)
        kind = "Create" if found.organisation is not None else "Announce"
        activity = {"id": addresses.activity_url(kind.lower(), str(work.uuid)),
                    "type": kind, "actor": addresses.actor_url(username),
                    "published": obj["published"], "to": obj["to"],
                    "object": obj if kind == "Create" else obj["id"]}
        items.append(activity)
    document = {"@context": CONTEXT, "id": f"{url}?page={page}",
                "type": "OrderedCollectionPage", "partOf": url, "orderedItems": items}
    if len(rows) > PAGE_SIZE:
        document["next"] = f"{url}?page={page + 1}"
    return _json(document)


@require_GET
def followers(request: HttpRequest, username: str) -> HttpResponse:
    found = _actor(username)
    if found is None:
        return problem_response(404, "no such actor")
    # The count is public; who follows is not (as on Mastodon by default).
    total = Follower.objects.filter(actor=found, state=FollowState.ACCEPTED).count()
    return _json({"@context": CONTEXT, "id": addresses.followers_url(username),
                  "type": "OrderedCollection", "totalItems": total})


@require_GET
def work_object(request: HttpRequest, uuid: str) -> HttpResponse:
    work = policy.public_works().select_related("organisation").filter(uuid=uuid).first()
    if work is None:
        return problem_response(404, "no such object")
    return _json(documents.work_object(work))


@require_GET
def activity(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    url = addresses.activity_url(kind, key)
    delivery = Delivery.objects.filter(Q(activity__id=url)).first()
    if delivery is None or kind not in ("create", "update", "announce"):
        return problem_response(404, "no such activity")
    data = delivery.activity
    target = data.get("object")
    target_id = target.get("id") if isinstance(target, dict) else target
    uuid = str(target_id).rstrip("/").rsplit("/", 1)[-1]
    if not Work.objects.filter(uuid=uuid).exists() or \
            not policy.public_works().filter(uuid=uuid).exists():
        return problem_response(404, "no such activity")
    return _json(data)
