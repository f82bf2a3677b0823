"""Federation between this server and a second one on loopback: follows both ways, a work
created, updated and deleted, a Flag, signatures in both forms, refusals, and retries."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from cybercommons.exchange import services
from cybercommons.exchange.federation import inbound, outbound
from cybercommons.exchange.kernel import httpsig
from cybercommons.exchange.models import (
    CaseSource,
    Delivery,
    DeliveryStatus,
    Follower,
    Following,
    FollowState,
    Instance,
    RemoteActor,
    RemoteWork,
)
from cybercommons.exchange.services import TextInput
from tests.exchange.peer import Peer

pytestmark = pytest.mark.django_db
INBOX = "http://testserver/ap/actors/museum-of-sound/inbox"
SHARED = "http://testserver/ap/inbox"


def post(client: Client, peer: Peer, url: str, activity: dict, **kwargs) -> int:  # type: ignore[type-arg]
    body, headers = peer.signed(url, activity, **kwargs)
    path = url.removeprefix("http://testserver")
    return client.post(path, body, content_type="application/activity+json", **headers).status_code


def verify_received(peer: Peer, sender_key: str) -> list[dict]:  # type: ignore[type-arg]
    """What the peer received, each request's signature checked with the sender's key."""
    activities = []
    for item in peer.received:
        url = peer.base + item.path
        httpsig.verify_request("POST", url, item.headers, item.body, public_key=sender_key)
        activities.append(item.activity)
    return activities


def published_work(cast):  # type: ignore[no-untyped-def]
    return services.create_work(
        cast.owner, cast.organisation, kind="article", licence="cc-by-sa-4.0",
        creator="Wanjiru", content_warning="Funeral rites",
        texts=[TextInput("en", "Songs of the coast", "<p>Taarab</p>"),
               TextInput("fr", "Chants de la côte", "<p>Le taarab</p>", "Claire")],
        publish=True)


def test_webfinger_actor_and_nodeinfo_describe_the_organisation(cast, client):
    answer = client.get("/.well-known/webfinger",
                        {"resource": "acct:museum-of-sound@testserver"})
    assert answer.status_code == 200
    link = answer.json()["links"][0]
    assert link["href"] == "http://testserver/ap/actors/museum-of-sound"
    actor = json.loads(client.get("/ap/actors/museum-of-sound").content)
    assert actor["type"] == "Organization"
    assert "BEGIN PUBLIC KEY" in actor["publicKey"]["publicKeyPem"]
    assert actor["endpoints"]["sharedInbox"] == SHARED
    assert client.get("/.well-known/webfinger", {"resource": "acct:nobody@testserver"}) \
        .status_code == 404
    links = client.get("/.well-known/nodeinfo").json()["links"]
    info = client.get(links[0]["href"].removeprefix("http://testserver")).json()
    assert info["version"] == "2.1"
    assert info["protocols"] == ["activitypub"]


def test_two_servers_follow_each_other_and_exchange_works_updates_deletions_and_flags(
        cast, client, peer):
    # The other server follows our organisation (RFC 9421 signature) and is accepted.
    follow = peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")
    assert post(client, peer, INBOX, follow) == 202
    assert inbound.process_pending() == 1
    assert Follower.objects.get().state == FollowState.ACCEPTED
    outbound.deliver_due()
    ours = outbound.organisation_actor(cast.organisation)
    received = verify_received(peer, ours.public_key_pem)
    assert received[0]["type"] == "Accept"
    assert received[0]["object"]["id"] == follow["id"]

    # We follow them back; they accept with a draft-cavage signature.
    remote = RemoteActor.objects.get(ap_id=peer.actor)
    following = outbound.follow(ours, remote)
    outbound.deliver_due()
    assert verify_received(peer, ours.public_key_pem)[-1]["type"] == "Follow"
    accept = peer.activity("Accept", {"id": following.follow_id, "type": "Follow",
                                      "actor": "http://testserver/ap/actors/museum-of-sound",
                                      "object": peer.actor})
    assert post(client, peer, SHARED, accept, scheme="cavage") == 202
    inbound.process_pending()
    assert Following.objects.get().state == FollowState.ACCEPTED

    # Our work goes out as Create, then Update, then Delete.
    work = published_work(cast)
    services.update_work(cast.owner, work, period="1920s")
    services.delete_work(cast.owner, work)
    outbound.deliver_due()
    activities = verify_received(peer, ours.public_key_pem)
    create, update, delete = activities[-3:]
    assert [create["type"], update["type"], delete["type"]] == ["Create", "Update", "Delete"]
    note = create["object"]
    assert note["name"] == "Songs of the coast"
    assert note["content"].startswith("<p>Taarab</p>")
    assert note["contentMap"]["fr"].startswith("<p>Le taarab</p>")
    assert note["nameMap"] == {"en": "Songs of the coast", "fr": "Chants de la côte"}
    assert note["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert "Wanjiru" in note["attributionText"]
    assert note["sensitive"] is True
    assert note["summary"] == "Funeral rites"
    assert update["object"]["temporalCoverage"] == "1920s"
    assert delete["object"]["type"] == "Tombstone"
    assert delete["object"]["id"] == note["id"]
    assert peer.received[-1].path == "/inbox"  # delivered to the shared inbox

    # Their work arrives, is updated, then deleted.
    theirs = {"id": peer.base + "/notes/1", "type": "Note", "attributedTo": peer.actor,
              "content": "<p>Hola<script>x</script></p>", "contentMap": {"es": "<p>Hola</p>"},
              "name": "Canción", "license": "https://creativecommons.org/licenses/by/4.0/"}
    assert post(client, peer, SHARED, peer.activity("Create", theirs)) == 202
    inbound.process_pending()
    stored = RemoteWork.objects.get()
    assert stored.name == "Canción"
    assert "script" not in stored.content
    assert stored.language == "es"
    assert post(client, peer, SHARED, peer.activity("Update", {**theirs, "name": "Copla"}),
                scheme="cavage") == 202
    inbound.process_pending()
    stored.refresh_from_db()
    assert stored.name == "Copla"
    assert post(client, peer, SHARED, peer.activity("Delete", theirs["id"])) == 202
    inbound.process_pending()
    stored.refresh_from_db()
    assert stored.deleted_at is not None
    assert client.get("/exchange/federated/").content.count(b"Copla") == 0

    # They report one of our works: a case opens from a federated Flag.
    reported = published_work(cast)
    flag = peer.activity("Flag", [f"http://testserver/ap/works/{reported.uuid}"],
                         content="Not suitable for children")
    assert post(client, peer, SHARED, flag) == 202
    inbound.process_pending()
    case = reported.cases.get()
    assert case.source == CaseSource.FEDERATED_FLAG
    assert case.reports.get().remote_actor == peer.actor


def test_a_bad_signature_is_refused_with_401(cast, client, peer):
    other_key, _ = outbound.new_key_pair()
    follow = peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")
    assert post(client, peer, INBOX, follow, key=other_key) == 401
    assert post(client, peer, INBOX, follow, scheme="cavage", key=other_key) == 401
    unsigned = client.post("/ap/inbox", json.dumps(follow), content_type="application/json")
    assert unsigned.status_code == 401
    assert unsigned["Content-Type"] == "application/problem+json"


def test_an_activity_signed_by_someone_else_than_its_actor_is_refused(cast, client, peer):
    forged = peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound",
                           actor=peer.base + "/users/bob")
    assert post(client, peer, INBOX, forged) == 401


def test_a_blocked_server_is_refused_with_403_and_receives_nothing(cast, client, peer):
    services.set_instance_policy(cast.moderator, f"127.0.0.1:{peer.port}", "block")
    follow = peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")
    assert post(client, peer, INBOX, follow) == 403


def test_an_oversized_body_is_refused_with_413(cast, client, peer, settings):
    settings.EXCHANGE_INBOX_MAX_BYTES = 500
    big = peer.activity("Create", {"id": peer.base + "/n", "type": "Note",
                                   "content": "x" * 1000})
    assert post(client, peer, SHARED, big) == 413


def test_a_body_that_is_not_an_activity_is_refused_with_400(cast, client, peer):
    body, headers = peer.signed(SHARED, {"hello": "world"})
    answer = client.post("/ap/inbox", body, content_type="application/activity+json", **headers)
    assert answer.status_code == 400


def test_a_limited_server_must_wait_for_approval_to_follow(cast, client, peer):
    services.set_instance_policy(cast.moderator, f"127.0.0.1:{peer.port}", "limit")
    follow = peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")
    assert post(client, peer, INBOX, follow) == 202
    inbound.process_pending()
    assert Follower.objects.get().state == FollowState.PENDING
    assert Delivery.objects.count() == 0


def test_delivery_falls_back_to_draft_cavage_when_rfc9421_is_refused(cast, client, peer):
    peer.refuse_rfc9421 = True
    assert post(client, peer, INBOX,
                peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")) == 202
    inbound.process_pending()
    outbound.deliver_due()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert "Signature-Input" not in peer.received[0].headers
    assert Instance.objects.get(domain=f"127.0.0.1:{peer.port}").signature_scheme == "cavage"


def test_a_failed_delivery_is_retried_later_with_growing_delays(cast, client, peer):
    peer.status = 503
    assert post(client, peer, INBOX,
                peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")) == 202
    inbound.process_pending()
    outbound.deliver_due()
    delivery = Delivery.objects.get()
    first_delay = delivery.next_attempt_at - timezone.now()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    outbound.deliver_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at - timezone.now() > first_delay
    peer.status = None
    outbound.deliver_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_drafts_and_held_works_never_leave_the_server(cast, client, peer):
    assert post(client, peer, INBOX,
                peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")) == 202
    inbound.process_pending()
    Delivery.objects.all().delete()
    draft = services.create_work(cast.owner, cast.organisation, kind="article",
                                 licence="cc0-1.0", texts=[TextInput("en", "Secret draft")])
    assert Delivery.objects.count() == 0
    assert client.get(f"/ap/works/{draft.uuid}").status_code == 404
    outbox = json.loads(client.get("/ap/actors/museum-of-sound/outbox?page=1").content)
    assert outbox["orderedItems"] == []


def test_the_outbox_lists_public_works_as_create_activities(cast, client):
    work = published_work(cast)
    outbox = json.loads(client.get("/ap/actors/museum-of-sound/outbox").content)
    assert outbox["totalItems"] == 1
    page = json.loads(client.get("/ap/actors/museum-of-sound/outbox?page=1").content)
    assert page["orderedItems"][0]["object"]["id"].endswith(str(work.uuid))


def test_a_received_image_matching_a_list_holds_the_remote_work(cast, client, peer):
    from cybercommons.exchange.kernel import pdq
    from tests.exchange.conftest import drawn_image

    listed, other = drawn_image(31), drawn_image(32)
    services.import_hash_list(cast.moderator, name="l", lines=[pdq.hash_image(listed).hex])
    peer.files = {"/media/a.png": listed, "/media/b.png": other}
    for number, name in ((1, "a"), (2, "b")):
        note = {"id": f"{peer.base}/notes/{number}", "type": "Note", "attributedTo": peer.actor,
                "name": f"Picture {name}", "content": "<p>x</p>",
                "attachment": [{"type": "Document", "mediaType": "image/png",
                                "url": f"{peer.base}/media/{name}.png"}]}
        assert post(client, peer, SHARED, peer.activity("Create", note)) == 202
    inbound.process_pending()
    held = RemoteWork.objects.get(name="Picture a")
    shown = RemoteWork.objects.get(name="Picture b")
    assert held.held
    assert not shown.held
    assert shown.image_hashes[0]["hash"] == pdq.hash_image(other).hex
    page = client.get("/exchange/federated/").content.decode()
    assert "Picture b" in page
    assert "Picture a" not in page


def test_an_administrator_follows_a_remote_actor_from_the_cli(cast, peer):
    import io

    from django.core.management import CommandError, call_command

    from cybercommons.core.models import Membership, Role

    Membership.objects.filter(user=cast.owner).update(role=Role.ADMIN)
    out = io.StringIO()
    call_command("exchange", "follow", "museum-of-sound", peer.actor, "--as", "amina",
                 stdout=out)
    assert "follow request sent" in out.getvalue()
    assert Following.objects.get().state == FollowState.PENDING
    outbound.deliver_due()
    assert peer.received[-1].activity["type"] == "Follow"
    with pytest.raises(CommandError):
        call_command("exchange", "follow", "museum-of-sound", peer.actor, "--as", "bo")


def test_a_moderator_flags_a_remote_work_to_its_server(cast, client, peer):
    from cybercommons.core.models import Membership, Role

    Membership.objects.create(user=cast.moderator, organisation=cast.organisation,
                              role=Role.MEMBER)
    note = {"id": peer.base + "/notes/9", "type": "Note", "attributedTo": peer.actor,
            "name": "Bad", "content": "<p>x</p>"}
    assert post(client, peer, SHARED, peer.activity("Create", note)) == 202
    inbound.process_pending()
    remote_work = RemoteWork.objects.get()
    with pytest.raises(services.PermissionDenied):
        services.flag_remote_work(cast.owner, remote_work, comment="spam")
    services.flag_remote_work(cast.moderator, remote_work, comment="Spam advert")
    outbound.deliver_due()
    flag = peer.received[-1].activity
    assert flag["type"] == "Flag"
    assert note["id"] in flag["object"]
    assert flag["content"] == "Spam advert"
    remote_work.refresh_from_db()
    assert remote_work.held


def test_with_the_database_queue_the_task_is_stored_with_the_activity(cast, client, peer,
                                                                      settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    follow = peer.activity("Follow", "http://testserver/ap/actors/museum-of-sound")
    assert post(client, peer, INBOX, follow) == 202
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("process_inbox_item")
    assert task.args_kwargs["kwargs"]["item_id"] == inbound.InboxItem.objects.get().pk
