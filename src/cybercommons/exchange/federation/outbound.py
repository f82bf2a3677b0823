"""What this server sends: activities for our changes, queued as deliveries to followers'
inboxes and posted by a background task, signed RFC 9421 first and draft-cavage when a
server refuses that, retried with exponential backoff."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.utils import timezone

from cybercommons.core.models import Organisation
from cybercommons.exchange.federation import addresses, documents
from cybercommons.exchange.kernel import httpsig
from cybercommons.exchange.models import (
    Delivery,
    DeliveryStatus,
    Exhibition,
    Follower,
    FollowState,
    Instance,
    InstancePolicy,
    LocalActor,
    RemoteActor,
    Visibility,
    Work,
    WorkKind,
    WorkStatus,
)

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
TIMEOUT = 15
ACTIVITY_TYPE = "application/activity+json"


def new_key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode("ascii")
    return private, httpsig.public_key_pem(private)


def organisation_actor(organisation: Organisation) -> LocalActor:
    actor = LocalActor.objects.filter(organisation=organisation).first()
    if actor is None:
        private, public = new_key_pair()
        actor = LocalActor.objects.create(username=organisation.slug, organisation=organisation,
                                          private_key_pem=private, public_key_pem=public)
    return actor


def exhibition_actor(exhibition: Exhibition) -> LocalActor:
    actor = LocalActor.objects.filter(exhibition=exhibition).first()
    if actor is None:
        private, public = new_key_pair()
        actor = LocalActor.objects.create(username=documents.exhibition_username(exhibition),
                                          exhibition=exhibition, private_key_pem=private,
                                          public_key_pem=public)
    return actor


def _is_public(work: Work) -> bool:
    return work.status == WorkStatus.PUBLISHED and work.visibility == Visibility.PUBLIC


def _follower_inboxes(actor: LocalActor) -> list[str]:
    inboxes = []
    blocked = set(Instance.objects.filter(policy=InstancePolicy.BLOCK)
                  .values_list("domain", flat=True))
    for follower in Follower.objects.filter(actor=actor, state=FollowState.ACCEPTED) \
            .select_related("remote"):
        if follower.remote.domain in blocked:
            continue
        inboxes.append(follower.remote.shared_inbox or follower.remote.inbox)
    return list(dict.fromkeys(inboxes))


def send(actor: LocalActor, activity: dict[str, Any], inboxes: list[str]) -> list[Delivery]:
    """Queue an activity to each inbox; posted after the transaction commits."""
    rows = [Delivery.objects.create(sender=actor, inbox=inbox, activity=activity)
            for inbox in dict.fromkeys(inboxes)]
    for row in rows:
        transaction.on_commit(_enqueuer(row.pk))
    return rows


def _enqueuer(delivery_id: int) -> Any:
    def enqueue() -> None:
        _enqueue(delivery_id)

    return enqueue


def _enqueue(delivery_id: int, run_after: Any = None) -> None:
    from cybercommons.exchange.tasks import deliver_activity

    try:
        task = deliver_activity.using(run_after=run_after) if run_after else deliver_activity
        task.enqueue(delivery_id=delivery_id)
    except Exception:  # the queue being down must not fail the change; the sweeper retries
        logger.exception("could not enqueue delivery %s", delivery_id)


def _key() -> str:
    return uuid.uuid4().hex


def work_published(work: Work) -> None:
    if not _is_public(work):
        return
    actor = organisation_actor(work.organisation)
    obj = documents.work_object(work)
    activity = documents.activity("Create", addresses.actor_url(actor.username), obj, _key(),
                                  to=obj["to"], cc=obj["cc"])
    send(actor, activity, _follower_inboxes(actor))
    for item in work.exhibition_items.select_related("exhibition"):
        if item.exhibition.status == "published":
            announce(item.exhibition, work)


def work_changed(work: Work) -> None:
    if not _is_public(work):
        return
    actor = organisation_actor(work.organisation)
    obj = documents.work_object(work)
    activity = documents.activity("Update", addresses.actor_url(actor.username), obj, _key(),
                                  to=obj["to"], cc=obj["cc"])
    send(actor, activity, _follower_inboxes(actor))


def work_deleted(work: Work) -> None:
    actor = organisation_actor(work.organisation)
    activity = documents.activity(
        "Delete", addresses.actor_url(actor.username),
        documents.tombstone(work.uuid, documents.OBJECT_TYPES.get(WorkKind(work.kind), "Article")),
        _key(), to=[addresses.AS_PUBLIC])
    send(actor, activity, _follower_inboxes(actor))


def announce(exhibition: Exhibition, work: Work) -> None:
    if not _is_public(work):
        return
    actor = exhibition_actor(exhibition)
    activity = documents.activity("Announce", addresses.actor_url(actor.username),
                                  addresses.work_object_url(work.uuid), _key(),
                                  to=[addresses.AS_PUBLIC],
                                  cc=[addresses.followers_url(actor.username)])
    send(actor, activity, _follower_inboxes(actor))


def exhibition_published(exhibition: Exhibition) -> None:
    exhibition_actor(exhibition)
    for item in exhibition.items.select_related("work"):
        if item.work is not None:
            announce(exhibition, item.work)


def follow(actor: LocalActor, remote: RemoteActor) -> Any:
    """Ask to follow a remote actor (answered by Accept or Reject)."""
    from cybercommons.exchange.models import Following

    key = _key()
    activity = documents.activity("Follow", addresses.actor_url(actor.username), remote.ap_id,
                                  key)
    following, _created = Following.objects.update_or_create(
        actor=actor, remote=remote,
        defaults={"follow_id": activity["id"], "state": FollowState.PENDING})
    send(actor, activity, [remote.inbox])
    return following


def flag(actor: LocalActor, remote: RemoteActor, object_ids: list[str], comment: str) -> None:
    """Report remote objects to their server's moderators."""
    activity = documents.activity("Flag", addresses.actor_url(actor.username),
                                  [remote.ap_id, *object_ids], _key())
    activity["content"] = comment
    send(actor, activity, [remote.shared_inbox or remote.inbox])


def answer_follow(actor: LocalActor, remote: RemoteActor, follow_activity: dict[str, Any],
                  accept: bool) -> None:
    kind = "Accept" if accept else "Reject"
    activity = documents.activity(kind, addresses.actor_url(actor.username), follow_activity,
                                  _key())
    send(actor, activity, [remote.inbox])


# ---- posting ----------------------------------------------------------------------------


def signed_headers(actor: LocalActor, url: str, body: bytes, scheme: str) -> dict[str, str]:
    """Headers of a signed POST of ``body`` to ``url`` by ``actor``."""
    key_id = addresses.actor_url(actor.username) + "#main-key"
    headers = {"Host": urlsplit(url).netloc, "Date": httpsig.http_date(timezone.now().timestamp()),
               "Content-Type": ACTIVITY_TYPE}
    if scheme == "cavage":
        headers["Digest"] = httpsig.digest_header(body)
        headers.update(httpsig.sign_cavage("POST", url, headers, body, key_id=key_id,
                                           private_key=actor.private_key_pem))
    else:
        headers.update(httpsig.sign_rfc9421("POST", url, headers, body, key_id=key_id,
                                            private_key=actor.private_key_pem))
    return headers


def post(url: str, headers: dict[str, str], body: bytes) -> int:
    """POST and return the status (0 when the server could not be reached)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return 0
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError, ValueError):
        return 0


def deliver(delivery: Delivery) -> Delivery:
    """Try one delivery now; on failure schedule the next attempt (30 s doubling)."""
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    domain = urlsplit(delivery.inbox).netloc.lower()
    instance = Instance.objects.filter(domain=domain).first()
    if instance is not None and instance.policy == InstancePolicy.BLOCK:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = "server blocked"
        delivery.save(update_fields=["status", "last_error"])
        return delivery
    body = json.dumps(delivery.activity, ensure_ascii=False).encode("utf-8")
    scheme = instance.signature_scheme if instance else "rfc9421"
    status = post(delivery.inbox, signed_headers(delivery.sender, delivery.inbox, body, scheme),
                  body)
    if status in (400, 401, 403) and scheme == "rfc9421":
        # The server may not read RFC 9421 yet: try the draft-cavage form and remember it.
        status = post(delivery.inbox,
                      signed_headers(delivery.sender, delivery.inbox, body, "cavage"), body)
        if 200 <= status < 300:
            Instance.objects.update_or_create(domain=domain,
                                              defaults={"signature_scheme": "cavage"})
    delivery.attempts += 1
    if 200 <= status < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
    else:
        delivery.last_error = f"HTTP {status}" if status else "unreachable"
        if delivery.attempts >= MAX_ATTEMPTS or status in (400, 404, 410):
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = timezone.now() + BASE_DELAY * (2 ** (delivery.attempts - 1))
    delivery.save()
    if delivery.status == DeliveryStatus.PENDING:
        _enqueue(delivery.pk, run_after=delivery.next_attempt_at)
    return delivery


def deliver_due(now: Any = None) -> int:
    """Deliver every pending delivery whose time has come (the sweeper; also for tests)."""
    now = now or timezone.now()
    count = 0
    for delivery in Delivery.objects.filter(status=DeliveryStatus.PENDING,
                                            next_attempt_at__lte=now).select_related("sender"):
        deliver(delivery)
        count += 1
    return count
