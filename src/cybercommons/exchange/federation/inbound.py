"""What this server receives: the inbox answers at once (verify, store, enqueue, 202) and a
background task hands each activity to its handler, which calls ordinary services.

Refusals, each with an RFC 9457 problem: 413 for a body over the limit, 400 for a body
that is not an activity, 401 for a missing or bad signature or a signer who is not the
activity's actor, 403 for a blocked server.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from cybercommons.core.lib.problems import problem_response
from cybercommons.exchange import policy
from cybercommons.exchange.federation import addresses, fetch, outbound
from cybercommons.exchange.kernel import httpsig
from cybercommons.exchange.models import (
    Follower,
    Following,
    FollowState,
    InboxItem,
    Instance,
    InstancePolicy,
    LocalActor,
    RemoteActor,
    RemoteWork,
    Work,
)

logger = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 256 * 1024
WORK_TYPES = {"Note", "Article", "Page", "Image", "Video", "Audio", "Document"}


def max_body_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_INBOX_MAX_BYTES", DEFAULT_MAX_BYTES))


def _instance_policy(domain: str) -> str:
    instance = Instance.objects.filter(domain=domain.lower()).first()
    return instance.policy if instance else InstancePolicy.ALLOW


def _domain(url: str) -> str:
    return (urlsplit(url).netloc or "").lower()


def _id_of(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def receive(request: HttpRequest, recipient: LocalActor | None) -> HttpResponse:
    """Handle a POST to an inbox."""
    limit = max_body_bytes()
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return problem_response(413, f"activities are limited to {limit} bytes")
    body = request.body
    if len(body) > limit:
        return problem_response(413, f"activities are limited to {limit} bytes")
    headers = list(request.headers.items())
    try:
        key_id = httpsig.signature_key_id(headers)
    except httpsig.SignatureError as error:
        return problem_response(401, str(error))
    if _instance_policy(_domain(key_id)) == InstancePolicy.BLOCK:
        return problem_response(403, "this server does not accept activities from yours")
    try:
        activity = json.loads(body)
    except ValueError:
        return problem_response(400, "the body is not JSON")
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str) or \
            not _id_of(activity.get("actor")):
        return problem_response(400, "the body is not an activity with a type and an actor")
    actor_id = _id_of(activity["actor"])
    if _instance_policy(_domain(actor_id)) == InstancePolicy.BLOCK:
        return problem_response(403, "this server does not accept activities from yours")
    url = addresses.base_url() + request.get_full_path()
    try:
        remote = fetch.actor_for_key(key_id)
    except fetch.FetchError as error:
        return problem_response(401, f"the signing key could not be obtained: {error}")
    try:
        verified = httpsig.verify_request("POST", url, headers, body,
                                          public_key=remote.public_key_pem)
    except httpsig.SignatureError:
        # The actor may have rotated its key: fetch it again once.
        try:
            remote = fetch.actor_for_key(key_id, refresh=True)
            verified = httpsig.verify_request("POST", url, headers, body,
                                              public_key=remote.public_key_pem)
        except (fetch.FetchError, httpsig.SignatureError) as error:
            return problem_response(401, f"the signature does not verify: {error}")
    if remote.ap_id != actor_id:
        return problem_response(401, "the request is signed by another actor than the "
                                     "activity's")
    with transaction.atomic():
        item = InboxItem.objects.create(
            ap_id=_id_of(activity)[:500], activity_type=activity["type"][:40],
            actor_id=actor_id[:500], recipient=recipient, body=activity,
            signature_scheme=verified.scheme)
        if _queue_shares_database():
            # The task row joins the activity's transaction: one commit per activity, and
            # never an activity without its task (nor the reverse).
            _enqueue(item.pk)
        else:
            transaction.on_commit(lambda: _enqueue(item.pk))
    return HttpResponse(status=202)


def _queue_shares_database() -> bool:
    """True when the task queue is a table of this database (the default backend)."""
    backend = str(getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_db.")


def _enqueue(item_id: int) -> None:
    from cybercommons.exchange.tasks import process_inbox_item

    try:
        process_inbox_item.enqueue(item_id=item_id)
    except Exception:
        logger.exception("could not enqueue inbox item %s", item_id)


# ---- processing ---------------------------------------------------------------------------


def process(item: InboxItem) -> None:
    """Run the handler of one stored activity; errors are kept on the item."""
    if item.processed_at is not None:
        return
    handler = HANDLERS.get(item.activity_type)
    try:
        remote = RemoteActor.objects.get(ap_id=item.actor_id)
        if handler is not None:
            with transaction.atomic():
                handler(remote, item.body)
    except Exception as error:
        logger.exception("processing inbox item %s failed", item.pk)
        item.error = str(error)[:2000]
    item.processed_at = timezone.now()
    item.save(update_fields=["processed_at", "error"])


def process_pending() -> int:
    count = 0
    for item in InboxItem.objects.filter(processed_at__isnull=True):
        process(item)
        count += 1
    return count


def _local_actor(url: str) -> LocalActor | None:
    prefix = addresses.actor_url("X")[:-1]
    if not url.startswith(prefix):
        return None
    return LocalActor.objects.filter(username=url[len(prefix):].strip("/")).first()


def on_follow(remote: RemoteActor, activity: dict[str, Any]) -> None:
    actor = _local_actor(_id_of(activity.get("object")))
    if actor is None:
        return
    limited = _instance_policy(remote.domain) == InstancePolicy.LIMIT
    state = FollowState.PENDING if limited else FollowState.ACCEPTED
    Follower.objects.update_or_create(actor=actor, remote=remote,
                                      defaults={"follow_id": _id_of(activity)[:500],
                                                "state": state})
    if not limited:
        outbound.answer_follow(actor, remote, activity, accept=True)


def _following(remote: RemoteActor, activity: dict[str, Any]) -> Following | None:
    follow = activity.get("object")
    follow_id = _id_of(follow)
    qs = Following.objects.filter(remote=remote)
    found = qs.filter(follow_id=follow_id).first() if follow_id else None
    if found is None and isinstance(follow, dict):
        actor = _local_actor(_id_of(follow.get("actor")))
        found = qs.filter(actor=actor).first() if actor else None
    return found


def on_accept(remote: RemoteActor, activity: dict[str, Any]) -> None:
    following = _following(remote, activity)
    if following is not None:
        following.state = FollowState.ACCEPTED
        following.save(update_fields=["state"])


def on_reject(remote: RemoteActor, activity: dict[str, Any]) -> None:
    following = _following(remote, activity)
    if following is not None:
        following.state = FollowState.REJECTED
        following.save(update_fields=["state"])


def on_undo(remote: RemoteActor, activity: dict[str, Any]) -> None:
    inner = activity.get("object")
    if isinstance(inner, dict) and inner.get("type") == "Follow":
        actor = _local_actor(_id_of(inner.get("object")))
        if actor is not None:
            Follower.objects.filter(actor=actor, remote=remote).delete()
    elif isinstance(inner, str):
        Follower.objects.filter(remote=remote, follow_id=inner).delete()


def _map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k)[:10]: str(v) for k, v in value.items() if isinstance(v, str)}


def _store_work(remote: RemoteActor, obj: dict[str, Any], *, updating: bool) -> None:
    if obj.get("type") not in WORK_TYPES:
        return
    ap_id = _id_of(obj)
    if not ap_id or _domain(ap_id) != remote.domain:
        return  # objects are accepted only from their own server
    if _id_of(obj.get("attributedTo")) not in ("", remote.ap_id):
        return
    existing = RemoteWork.objects.filter(ap_id=ap_id).first()
    if existing is not None and existing.actor_id != remote.pk:
        return
    if updating and existing is None:
        return
    from cybercommons.exchange.services import sanitise

    name_map, content_map = _map(obj.get("nameMap")), _map(obj.get("contentMap"))
    language = next(iter(content_map), "") if content_map else ""
    licence = obj.get("license") or obj.get("licence") or ""
    if isinstance(licence, dict):
        licence = licence.get("url") or licence.get("id") or ""
    url = obj.get("url")
    if isinstance(url, list):
        url = url[0] if url else ""
    url = _id_of(url) if isinstance(url, dict) else url
    fields = {
        "actor": remote, "name": str(obj.get("name") or "")[:500],
        "content": sanitise(str(obj.get("content") or "")),
        "language": language, "name_map": name_map,
        "content_map": {k: sanitise(v) for k, v in content_map.items()},
        "summary": str(obj.get("summary") or "")[:500],
        "sensitive": bool(obj.get("sensitive")),
        "licence_url": licence if isinstance(licence, str) and licence.startswith("http") else "",
        "attribution": str(obj.get("attributionText") or "")[:2000],
        "url": url if isinstance(url, str) and url.startswith("http") else "",
        "limited": _instance_policy(remote.domain) == InstancePolicy.LIMIT,
        "data": obj, "updated_at": timezone.now(), "deleted_at": None,
    }
    stored, _created = RemoteWork.objects.update_or_create(ap_id=ap_id, defaults=fields)
    check_images(stored, obj)


def _image_urls(obj: dict[str, Any]) -> list[str]:
    attachments = obj.get("attachment")
    items = attachments if isinstance(attachments, list) else [attachments]
    if obj.get("type") == "Image":
        items.append({"mediaType": "image/", "url": obj.get("url")})
    urls = []
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("mediaType") or item.get("type") or "")
        url = item.get("url")
        url = _id_of(url[0] if isinstance(url, list) and url else url) if not \
            isinstance(url, str) else url
        if ("image" in kind.lower()) and url.startswith(("http://", "https://")):
            urls.append(url)
    return list(dict.fromkeys(urls))[:8]


def check_images(stored: RemoteWork, obj: dict[str, Any]) -> None:
    """Hash every received image with PDQ and hold the work if one matches a list.

    A received image that cannot be fetched or decoded is noted and skipped: holding works
    on fetch errors would let any server hide its own posts from our moderators' view.
    """
    from cybercommons.exchange import media, safety
    from cybercommons.exchange.kernel import pdq

    hashes = []
    held = False
    for url in _image_urls(obj):
        try:
            data = fetch.fetch_bytes(url, media.size_limit("image"))
            check = safety.check_image(pdq.open_image(data))
        except (fetch.FetchError, pdq.PdqError) as error:
            logger.info("received image %s not hashed: %s", url, error)
            continue
        hashes.append({"url": url, "hash": check.hash_hex, "quality": check.quality})
        held = held or bool(check.matches)
    if hashes or held != stored.held:
        stored.image_hashes = hashes
        stored.held = held
        stored.save(update_fields=["image_hashes", "held"])
    if held:
        from cybercommons.core import audit
        from cybercommons.exchange.services import ExchangeAction

        audit.record(ExchangeAction.REMOTE_WORK_HELD, obj=stored,
                     data={"ap_id": stored.ap_id, "server": stored.actor.domain})


def on_create(remote: RemoteActor, activity: dict[str, Any]) -> None:
    obj = activity.get("object")
    if isinstance(obj, dict):
        _store_work(remote, obj, updating=False)


def on_update(remote: RemoteActor, activity: dict[str, Any]) -> None:
    obj = activity.get("object")
    if isinstance(obj, dict):
        _store_work(remote, obj, updating=True)


def on_delete(remote: RemoteActor, activity: dict[str, Any]) -> None:
    target = _id_of(activity.get("object"))
    if target == remote.ap_id:
        RemoteWork.objects.filter(actor=remote).update(deleted_at=timezone.now())
        Follower.objects.filter(remote=remote).delete()
        return
    RemoteWork.objects.filter(ap_id=target, actor=remote).update(deleted_at=timezone.now(),
                                                                 content="", content_map={})


def on_announce(remote: RemoteActor, activity: dict[str, Any]) -> None:
    obj = activity.get("object")
    if isinstance(obj, dict) and _domain(_id_of(obj)) == remote.domain:
        _store_work(remote, obj, updating=False)


def _local_work(url: str) -> Work | None:
    zero = "00000000-0000-0000-0000-000000000000"
    for template in (addresses.work_object_url(zero), addresses.work_page_url(zero)):
        base = template[: template.index(zero)]
        if url.startswith(base):
            key = url[len(base):].strip("/")
            from cybercommons.exchange.services import _is_uuid

            if _is_uuid(key):
                return policy.public_works().filter(uuid=key).first()
    return None


def on_flag(remote: RemoteActor, activity: dict[str, Any]) -> None:
    from cybercommons.exchange import services

    objects = activity.get("object")
    targets = objects if isinstance(objects, list) else [objects]
    comment = str(activity.get("content") or "")
    for target in targets:
        work = _local_work(_id_of(target))
        if work is not None:
            services.report_work(None, work, reason="other", comment=comment,
                                 remote_actor=remote.ap_id)


HANDLERS = {
    "Follow": on_follow, "Accept": on_accept, "Reject": on_reject, "Undo": on_undo,
    "Create": on_create, "Update": on_update, "Delete": on_delete, "Announce": on_announce,
    "Flag": on_flag,
}
