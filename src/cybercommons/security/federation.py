"""TAXII 2.1 client side: pull a remote collection into a local one, push a local one out.

Pull pages through the remote collection with ``match[version]=all`` and ``added_after``
set to the checkpoint, storing each page (objects kept as the exact text received) and
then moving the checkpoint to the page's ``X-TAXII-Date-Added-Last``. An interrupted pull
resumes from the last stored page; pages read twice are harmless because the store keeps
one row per object version. Push sends the local rows after the last ``seq`` sent, in
envelopes, and moves its checkpoint after each accepted envelope.

Only what the subscription's owner may see is pushed, and only up to TLP:GREEN: AMBER and
RED information names its recipients, and a remote server is not one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import requests
from django.db import transaction
from django.utils import timezone

from cybercommons.core import audit
from cybercommons.security import policy, services
from cybercommons.security.envelope_reader import EnvelopeError, read_objects
from cybercommons.security.kernel.taxii_media_types import TAXII_21
from cybercommons.security.kernel.tlp import TLP_RANK, Tlp
from cybercommons.security.models import Subscription

PAGE_LIMIT = 1000
PUSH_ENVELOPE = 500
PUSH_MAX_RANK = TLP_RANK[Tlp.GREEN]
TIMEOUT = 60

Progress = Callable[[int, str], None]


class FederationError(RuntimeError):
    """The remote server refused or answered something that is not TAXII 2.1."""


@dataclass
class RunResult:
    moved: int = 0
    duplicates: int = 0
    refused: int = 0
    pages: int = 0


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = "Bearer " + self.token
        return request


def _session(subscription: Subscription) -> requests.Session:
    session = requests.Session()
    if subscription.remote_username:
        session.auth = (subscription.remote_username, subscription.remote_secret)
    elif subscription.remote_secret:
        session.auth = _Bearer(subscription.remote_secret)
    session.headers["Accept"] = TAXII_21
    return session


def _check(response: requests.Response, what: str) -> None:
    if response.status_code >= 400:
        raise FederationError(f"{what}: the remote server answered {response.status_code} "
                              f"{response.text[:300]}")


def pull(subscription: Subscription, *, page_limit: int = PAGE_LIMIT,
         max_pages: int | None = None, progress: Progress | None = None) -> RunResult:
    """Copy every remote version added after the checkpoint into the local collection."""
    result = RunResult()
    session = _session(subscription)
    url = subscription.remote_collection_url + "objects/"
    base = {"match[version]": "all", "limit": str(page_limit)}
    if subscription.checkpoint:
        base["added_after"] = subscription.checkpoint
    params = dict(base)
    while max_pages is None or result.pages < max_pages:
        response = session.get(url, params=params, timeout=TIMEOUT)
        _check(response, "get objects")
        try:
            members, items = read_objects(response.content)
        except EnvelopeError as exc:
            raise FederationError(f"the remote page is not a TAXII envelope: {exc}") from None
        if items:
            outcome = services.add_objects(subscription.owner, subscription.local_collection,
                                           items, organisation=subscription.organisation,
                                           record_status=False)
            result.moved += outcome.stored
            result.duplicates += outcome.duplicates
            result.refused += len(outcome.failures)
        result.pages += 1
        last = response.headers.get("X-TAXII-Date-Added-Last")
        if last:
            subscription.checkpoint = last
            subscription.save(update_fields=["checkpoint"])
        if progress is not None:
            progress(len(items), subscription.checkpoint)
        if not members.get("more") or not members.get("next"):
            break
        params = {**base, "next": str(members["next"])}
    return result


def push(subscription: Subscription, *, envelope_size: int = PUSH_ENVELOPE,
         progress: Progress | None = None) -> RunResult:
    """Send the local versions added since the checkpoint to the remote collection."""
    result = RunResult()
    session = _session(subscription)
    url = subscription.remote_collection_url + "objects/"
    after = int(subscription.checkpoint or 0)
    rows = (policy.objects_in(subscription.owner, subscription.local_collection)
            .filter(tlp_rank__lte=PUSH_MAX_RANK))
    while True:
        page = list(rows.filter(seq__gt=after).order_by("seq")
                    .values_list("seq", "raw")[:envelope_size])
        if not page:
            break
        body = '{"objects": [' + ", ".join(raw for _seq, raw in page) + "]}"
        response = session.post(url, data=body.encode("utf-8"),
                                headers={"Content-Type": TAXII_21}, timeout=TIMEOUT)
        _check(response, "add objects")
        status = response.json()
        result.moved += int(status.get("success_count", 0))
        result.refused += int(status.get("failure_count", 0))
        result.pages += 1
        after = page[-1][0]
        subscription.checkpoint = str(after)
        subscription.save(update_fields=["checkpoint"])
        if progress is not None:
            progress(len(page), subscription.checkpoint)
    return result


def run(subscription: Subscription, progress: Progress | None = None) -> RunResult:
    """Run one subscription now, recording its state for the page that lists them."""
    Subscription.objects.filter(pk=subscription.pk).update(state=Subscription.State.RUNNING,
                                                           last_error="")
    try:
        if subscription.direction == Subscription.Direction.PULL:
            result = pull(subscription, progress=progress)
        else:
            result = push(subscription, progress=progress)
    except (FederationError, requests.RequestException) as exc:
        Subscription.objects.filter(pk=subscription.pk).update(
            state=Subscription.State.FAILED, last_error=str(exc)[:2000],
            last_run_at=timezone.now())
        raise
    with transaction.atomic():
        subscription.state = Subscription.State.IDLE
        subscription.last_run_at = timezone.now()
        subscription.objects_moved += result.moved
        subscription.last_error = (f"{result.refused} object(s) refused" if result.refused
                                   else "")
        subscription.save(update_fields=["state", "last_run_at", "objects_moved",
                                         "last_error"])
        audit.record(services.SecurityAction.SUBSCRIPTION_RUN, actor=subscription.owner,
                     obj=subscription, data={"moved": result.moved, "pages": result.pages,
                                             "refused": result.refused,
                                             "checkpoint": subscription.checkpoint})
    return result
