"""Core services: permission checks, audit entries and events for every change."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from cybercommons.core import events, services
from cybercommons.core.errors import Conflict, NotFound, ServiceError
from cybercommons.core.models import AuditEntry, Event, Membership, Role, StakeholderType
from tests.core.conftest import Cast
from tests.factories import UserFactory


@pytest.mark.django_db
def test_creating_an_organisation_makes_the_founder_admin_and_is_audited() -> None:
    founder = UserFactory()
    organisation = services.create_organisation(
        founder, name="Pacific CERT", stakeholder_type=StakeholderType.GOVERNMENT)
    assert organisation.slug == "pacific-cert"
    assert Membership.objects.get(organisation=organisation).role == Role.ADMIN
    entry = AuditEntry.objects.get(action="core.organisation.created")
    assert entry.actor == founder
    assert entry.object_id == str(organisation.pk)
    assert Event.objects.filter(name="core.organisation.created").exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_stakeholder_type() -> None:
    with pytest.raises(ServiceError, match="Unknown stakeholder type"):
        services.create_organisation(UserFactory(), name="X", stakeholder_type="pirates")


@pytest.mark.django_db
def test_slugs_stay_unique() -> None:
    user = UserFactory()
    a = services.create_organisation(user, name="Same", stakeholder_type="technical")
    b = services.create_organisation(user, name="Same", stakeholder_type="technical")
    assert (a.slug, b.slug) == ("same", "same-2")


@pytest.mark.django_db
def test_only_admins_may_update_an_organisation(cast: Cast) -> None:
    services.update_organisation(cast.owner, cast.organisation, description="New")
    for user in (cast.teammate, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.update_organisation(user, cast.organisation, description="Hacked")
    cast.organisation.refresh_from_db()
    assert cast.organisation.description == "New"


@pytest.mark.django_db(transaction=True)
def test_invitation_round_trip_sends_mail_and_adds_the_member(cast: Cast, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    newcomer = UserFactory(username="carol", email="carol@example.org")
    invitation, secret = services.invite_member(
        cast.owner, cast.organisation, email="Carol@Example.org", role=Role.EDITOR,
        accept_url="https://cc.example/accounts/invitations/")
    assert invitation.email == "carol@example.org"
    assert len(mail.outbox) == 1
    assert secret in mail.outbox[0].body
    assert secret not in invitation.token_hash
    membership = services.accept_invitation(newcomer, secret)
    assert membership.role == Role.EDITOR
    with pytest.raises(Conflict):
        services.accept_invitation(newcomer, secret)
    with pytest.raises(NotFound):
        services.accept_invitation(newcomer, "cc_not-a-real-token")


@pytest.mark.django_db
def test_teammates_and_outsiders_cannot_invite(cast: Cast) -> None:
    for user in (cast.teammate, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.invite_member(user, cast.organisation, email="x@example.org")


@pytest.mark.django_db
def test_an_organisation_keeps_its_last_admin(cast: Cast) -> None:
    own = Membership.objects.get(user=cast.owner)
    with pytest.raises(Conflict):
        services.change_role(cast.owner, own, Role.MEMBER)
    with pytest.raises(Conflict):
        services.remove_member(cast.owner, own)
    teammate = Membership.objects.get(user=cast.teammate)
    services.change_role(cast.owner, teammate, Role.ADMIN)
    services.change_role(cast.owner, own, Role.MEMBER)
    assert Membership.objects.get(user=cast.owner).role == Role.MEMBER


@pytest.mark.django_db
def test_a_member_may_leave_but_not_remove_others(cast: Cast) -> None:
    other = UserFactory()
    Membership.objects.create(user=other, organisation=cast.organisation)
    with pytest.raises(PermissionDenied):
        services.remove_member(cast.teammate, Membership.objects.get(user=other))
    services.remove_member(cast.teammate, Membership.objects.get(user=cast.teammate))
    assert not Membership.objects.filter(user=cast.teammate).exists()


@pytest.mark.django_db
def test_tokens_are_stored_hashed_and_authenticate_until_revoked() -> None:
    user = UserFactory()
    token, secret = services.create_token(user, name="ci", scopes=["read"])
    assert secret.startswith("cc_")
    assert secret not in token.key_hash
    assert services.authenticate_token(secret) == token
    assert token.allows("read")
    assert not token.allows("write")
    services.revoke_token(user, token)
    assert services.authenticate_token(secret) is None
    assert services.authenticate_token("cc_wrong") is None


@pytest.mark.django_db
def test_write_scope_implies_read_and_bad_scopes_are_refused() -> None:
    user = UserFactory()
    token, _ = services.create_token(user, name="w", scopes=["write"])
    assert token.allows("read")
    with pytest.raises(ServiceError, match="Scopes"):
        services.create_token(user, name="x", scopes=["admin"])


@pytest.mark.django_db
def test_another_user_cannot_revoke_my_token() -> None:
    mine, _ = services.create_token(UserFactory(), name="mine", scopes=["read"])
    with pytest.raises(NotFound):
        services.revoke_token(UserFactory(), mine)
    mine.refresh_from_db()
    assert mine.revoked_at is None


@pytest.mark.django_db
def test_registration_validates_the_password_and_unique_names() -> None:
    with pytest.raises(ServiceError) as weak:
        services.register_user(username="dana", email="d@example.org", password="123")
    assert weak.value.field == "password"
    services.register_user(username="dana", email="d@example.org",
                           password="a long enough passphrase")
    with pytest.raises(Conflict):
        services.register_user(username="DANA", email="other@example.org",
                               password="a long enough passphrase")


@pytest.mark.django_db(transaction=True)
def test_events_reach_subscribers_only_after_commit() -> None:
    received: list[tuple[str, dict]] = []

    def handler(name: str, payload: dict) -> None:
        received.append((name, payload))

    events.subscribe("core.organisation.created", handler)
    try:
        services.create_organisation(UserFactory(), name="Observed",
                                     stakeholder_type="technical")
    finally:
        events.unsubscribe("core.organisation.created", handler)
    assert [name for name, _ in received] == ["core.organisation.created"]
    assert received[0][1]["slug"] == "observed"


@pytest.mark.django_db(transaction=True)
def test_a_failing_subscriber_does_not_stop_the_others() -> None:
    received: list[str] = []

    def broken(name: str, payload: dict) -> None:
        raise RuntimeError("boom")

    def fine(name: str, payload: dict) -> None:
        received.append(name)

    events.subscribe("test.event", broken)
    events.subscribe("test.event", fine)
    try:
        from django.db import transaction

        with transaction.atomic():
            events.publish("test.event", {"x": 1})
    finally:
        events.unsubscribe("test.event", broken)
        events.unsubscribe("test.event", fine)
    assert received == ["test.event"]
