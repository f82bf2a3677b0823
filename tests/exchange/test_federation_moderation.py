"""Moderator pages for federation: approving or rejecting follow requests from limited
servers, and making an organisation follow a remote actor; outsiders are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from cybercommons.core.errors import Conflict
from cybercommons.core.models import AuditEntry, Membership, Role
from cybercommons.exchange import services
from cybercommons.exchange.federation import inbound, outbound
from cybercommons.exchange.models import Follower, Following, FollowState
from cybercommons.exchange.services import ExchangeAction
from cybercommons.exchange.views import PAGE_SIZE
from tests.exchange.conftest import waiting_follow_requests

pytestmark = pytest.mark.django_db
INBOX = "http://testserver/ap/actors/museum-of-sound/inbox"


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def pending_follower(cast, peer) -> Follower:  # type: ignore[no-untyped-def]
    """The peer, on a limited server, asks to follow the museum."""
    services.set_instance_policy(cast.moderator, f"127.0.0.1:{peer.port}", "limit")
    follow = peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")
    body, headers = peer.signed(INBOX, follow)
    answer = Client().post("/ap/actors/museum-of-sound/inbox", body,
                           content_type="application/activity+json", **headers)
    assert answer.status_code == 202
    inbound.process_pending()
    return Follower.objects.get(state=FollowState.PENDING)


def test_a_moderator_approves_a_pending_follow_and_the_server_is_told(cast, peer):
    follower = pending_follower(cast, peer)
    client = login(cast.moderator)
    page = client.get("/exchange/moderation/follows/").content.decode()
    assert peer.actor in page
    answer = client.post(f"/exchange/moderation/follows/{follower.pk}/",
                         {"decision": "approve"})
    assert answer.status_code == 302
    follower.refresh_from_db()
    assert follower.state == FollowState.ACCEPTED
    outbound.deliver_due()
    accept = peer.received[-1].activity
    assert accept["type"] == "Accept"
    assert accept["object"]["id"] == follower.follow_id
    entry = AuditEntry.objects.get(action=ExchangeAction.FOLLOWER_APPROVED)
    assert entry.data["remote"] == peer.actor
    client.get("/exchange/moderation/follows/")  # shows, and so clears, the confirmation
    after = client.get("/exchange/moderation/follows/").content.decode()
    assert "No follow request is waiting." in after


def test_a_moderator_rejects_a_pending_follow(cast, peer):
    follower = pending_follower(cast, peer)
    answer = login(cast.moderator).post(f"/exchange/moderation/follows/{follower.pk}/",
                                        {"decision": "reject"})
    assert answer.status_code == 302
    follower.refresh_from_db()
    assert follower.state == FollowState.REJECTED
    outbound.deliver_due()
    assert peer.received[-1].activity["type"] == "Reject"
    assert AuditEntry.objects.filter(action=ExchangeAction.FOLLOWER_REJECTED).count() == 1


def test_a_follow_request_is_answered_once_and_a_vague_decision_changes_nothing(cast, peer):
    follower = pending_follower(cast, peer)
    client = login(cast.moderator)
    client.post(f"/exchange/moderation/follows/{follower.pk}/", {"decision": "maybe"})
    follower.refresh_from_db()
    assert follower.state == FollowState.PENDING
    services.decide_follower(cast.moderator, follower, approve=True)
    with pytest.raises(Conflict):
        services.decide_follower(cast.moderator, follower, approve=False)
    # Once answered it leaves the queue: the page answers 404 rather than deciding again.
    again = client.post(f"/exchange/moderation/follows/{follower.pk}/", {"decision": "reject"})
    assert again.status_code == 404


def test_an_outsider_can_neither_see_nor_answer_follow_requests(cast, peer):
    follower = pending_follower(cast, peer)
    with pytest.raises(PermissionDenied):
        services.decide_follower(cast.outsider, follower, approve=True)
    for user in (cast.outsider, cast.owner):  # an editor is no moderator either
        client = login(user)
        assert client.get("/exchange/moderation/follows/").status_code == 403
        answer = client.post(f"/exchange/moderation/follows/{follower.pk}/",
                             {"decision": "approve"})
        assert answer.status_code == 403
        assert client.post("/exchange/moderation/follows/", {
            "organisation": cast.organisation.pk, "actor": peer.actor}).status_code == 403
    follower.refresh_from_db()
    assert follower.state == FollowState.PENDING
    assert Following.objects.count() == 0
    assert Client().get("/exchange/moderation/follows/").status_code == 302  # to sign in


def test_a_moderator_administering_the_organisation_follows_a_remote_actor(cast, peer):
    Membership.objects.create(user=cast.moderator, organisation=cast.organisation,
                              role=Role.ADMIN)
    client = login(cast.moderator)
    answer = client.post("/exchange/moderation/follows/", {
        "organisation": cast.organisation.pk, "actor": peer.actor})
    assert answer.status_code == 302
    following = Following.objects.get()
    assert following.state == FollowState.PENDING
    assert following.remote.ap_id == peer.actor
    outbound.deliver_due()
    assert peer.received[-1].activity["type"] == "Follow"
    assert AuditEntry.objects.filter(action=ExchangeAction.REMOTE_FOLLOWED).count() == 1
    assert peer.actor in client.get("/exchange/moderation/follows/").content.decode()


def test_following_a_blocked_server_or_without_administering_is_refused(cast, peer):
    client = login(cast.moderator)
    # Not an administrator of any organisation: no form, and a forged post is refused.
    assert "you administer none" in client.get("/exchange/moderation/follows/").content.decode()
    forged = client.post("/exchange/moderation/follows/", {
        "organisation": cast.organisation.pk, "actor": peer.actor})
    assert forged.status_code == 400
    Membership.objects.create(user=cast.moderator, organisation=cast.organisation,
                              role=Role.ADMIN)
    services.set_instance_policy(cast.moderator, f"127.0.0.1:{peer.port}", "block")
    blocked = client.post("/exchange/moderation/follows/", {
        "organisation": cast.organisation.pk, "actor": peer.actor})
    assert blocked.status_code == 400
    assert "blocked" in blocked.content.decode()
    assert Following.objects.count() == 0


def test_the_follows_page_lists_waiting_requests_in_pages_each_once(cast):
    museum = outbound.organisation_actor(cast.organisation)
    now = timezone.now()
    waiting = (waiting_follow_requests(museum, PAGE_SIZE - 2, at=now - timedelta(days=1),
                                       prefix="early")
               + waiting_follow_requests(museum, 5, at=now, prefix="late"))
    waiting_follow_requests(museum, 2, at=now, prefix="done", state=FollowState.ACCEPTED)
    client = login(cast.moderator)
    first = client.get("/exchange/moderation/follows/").content.decode()
    second = client.get("/exchange/moderation/follows/", {"page": 2}).content.decode()
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second
    assert '?page=2"' in first
    assert '?page=1"' in second
    for follower in waiting:
        decide = f"/exchange/moderation/follows/{follower.pk}/"
        assert (first.count(decide), second.count(decide)) in ((1, 0), (0, 1))
    # Oldest first: the earlier requests fill the first page.
    assert all(f"/exchange/moderation/follows/{f.pk}/" in first for f in waiting[:PAGE_SIZE - 2])
    assert "far.example/users/done" not in first + second
    # A page number past the end shows the last page rather than an error.
    past = client.get("/exchange/moderation/follows/", {"page": 99}).content.decode()
    assert "Page 2 of 2" in past
    assert all(f"/exchange/moderation/follows/{f.pk}/" in past for f in waiting[PAGE_SIZE:])


def test_a_short_queue_has_no_page_navigation(cast):
    waiting_follow_requests(outbound.organisation_actor(cast.organisation), 2,
                            at=timezone.now(), prefix="few")
    page = login(cast.moderator).get("/exchange/moderation/follows/").content.decode()
    assert "far.example/users/few1" in page
    assert 'class="pager"' not in page


def followed_actors(actor, count: int, *, at,  # type: ignore[no-untyped-def]
                    prefix: str = "followed") -> list[Following]:
    """`count` remote actors our `actor` follows, all from the moment `at`. Written directly:
    the follow path itself is tested with the live peer above."""
    from cybercommons.exchange.models import RemoteActor

    made = []
    for n in range(count):
        ap_id = f"https://far.example/users/{prefix}{n}"
        remote = RemoteActor.objects.create(
            ap_id=ap_id, domain="far.example", inbox=ap_id + "/inbox",
            key_id=ap_id + "#main-key", public_key_pem="-")
        made.append(Following.objects.create(actor=actor, remote=remote, follow_id=ap_id + "/f",
                                              state=FollowState.ACCEPTED, created_at=at))
    return made


def test_the_actors_we_follow_come_in_pages_each_once_beside_the_requests(cast):
    museum = outbound.organisation_actor(cast.organisation)
    now = timezone.now()
    followed = (followed_actors(museum, 3, at=now, prefix="today")
                + followed_actors(museum, PAGE_SIZE - 3 + 5, at=now - timedelta(days=1)))
    waiting_follow_requests(museum, PAGE_SIZE + 1, at=now, prefix="asks")
    client = login(cast.moderator)
    pages = [client.get("/exchange/moderation/follows/",
                        {"page": 2, "following": n}).content.decode() for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    for page in pages:
        # The requests stay on their own page 2 while the followed actors turn.
        assert "far.example/users/asks" + str(PAGE_SIZE) in page
        assert "far.example/users/asks0<" not in page
    assert '?page=2&amp;following=2"' in pages[0]
    assert '?page=2&amp;following=1"' in pages[1]
    assert '?page=1&amp;following=1"' in pages[0]  # the requests' own pager
    for following in followed:
        shown = [page.count(f"<bdi dir=\"ltr\">{following.remote.ap_id}</bdi>") for page in pages]
        assert sorted(shown) == [0, 1], following.remote.ap_id
    # Newest first: the three followed today open the first page.
    assert all(f.remote.ap_id + "<" in pages[0] for f in followed[:3])
    assert 'aria-label="Pages of actors we follow"' in pages[0]
    assert 'aria-label="Pages of follow requests"' in pages[0]


def test_outsiders_see_no_page_of_the_actors_we_follow(cast):
    followed_actors(outbound.organisation_actor(cast.organisation), PAGE_SIZE + 1,
                    at=timezone.now())
    for user in (cast.outsider, cast.owner, cast.teammate):
        answer = login(user).get("/exchange/moderation/follows/", {"following": 2})
        assert answer.status_code == 403
        assert "far.example/users/followed" not in answer.content.decode()


@pytest.mark.parametrize("number", ["0", "-1", "many", "99"])
def test_a_bad_page_number_of_the_actors_we_follow_shows_a_real_page(cast, number):
    followed = followed_actors(outbound.organisation_actor(cast.organisation), PAGE_SIZE + 1,
                               at=timezone.now())
    page = login(cast.moderator).get("/exchange/moderation/follows/",
                                     {"following": number}).content.decode()
    last = number != "many"  # as Django's get_page: out of range → last page; junk → first
    assert ("Page 2 of 2" if last else "Page 1 of 2") in page
    shown = sum(f.remote.ap_id + "<" in page for f in followed)
    assert shown == (1 if last else PAGE_SIZE)
