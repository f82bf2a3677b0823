"""Accepting an invitation from the e-mailed link, signed in or not yet."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cybercommons.core import services
from cybercommons.core.models import Invitation, Membership, Role
from tests.core.accounts.conftest import log_in
from tests.core.conftest import Cast


@pytest.fixture(autouse=True)
def memory_mailbox(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


def invite(cast: Cast, email: str, role: str = Role.EDITOR) -> str:
    """The owner invites someone as the organisation page does; returns the page's path."""
    accept_url = "http://testserver" + reverse("accounts:invitation-accept",
                                               args=["TOKEN"]).replace("TOKEN/", "")
    _invitation, secret = services.invite_member(cast.owner, cast.organisation, email=email,
                                                 role=role, accept_url=accept_url)
    return reverse("accounts:invitation-accept", args=[secret])


@pytest.mark.django_db
def test_the_link_in_the_e_mail_opens_the_invitation(
    client: Client, cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(cast, "mallory@example.org")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert link
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Example CERT" in html
    assert "Editor" in html


@pytest.mark.django_db
def test_a_visitor_is_asked_to_log_in_or_sign_up_and_comes_back(
    client: Client, cast: Cast
) -> None:
    page = invite(cast, "mallory@example.org")
    html = client.get(page).content.decode()
    assert "Join Example CERT" in html
    back = "?next=" + page.replace("/", "%2F")
    assert reverse("accounts:login") + back in html
    assert reverse("accounts:signup") + back in html
    assert "Accept the invitation" not in html
    response = log_in(client, "mallory", next_url=page)
    assert response["Location"] == page


@pytest.mark.django_db
def test_a_newcomer_signs_up_and_comes_back_to_the_invitation(
    client: Client, cast: Cast
) -> None:
    page = invite(cast, "newcomer@example.org")
    response = client.post(reverse("accounts:signup"), {
        "username": "newcomer", "email": "newcomer@example.org",
        "password1": "tidal-orchid-lantern-42", "password2": "tidal-orchid-lantern-42",
        "next": page,
    })
    assert response["Location"] == page
    response = client.post(page)
    assert Membership.objects.filter(user__username="newcomer",
                                     organisation=cast.organisation).exists()


@pytest.mark.django_db
def test_accepting_makes_the_person_a_member_with_the_offered_role(
    client: Client, cast: Cast
) -> None:
    page = invite(cast, "mallory@example.org", role=Role.EDITOR)
    client.force_login(cast.outsider)
    html = client.get(page).content.decode()
    assert "Accept the invitation" in html
    response = client.post(page)
    assert response["Location"] == reverse("core:organisation-detail",
                                           args=[cast.organisation.slug])
    membership = Membership.objects.get(user=cast.outsider, organisation=cast.organisation)
    assert membership.role == Role.EDITOR
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == cast.outsider
    assert invitation.accepted_at is not None


@pytest.mark.django_db
def test_an_invitation_works_only_once(client: Client, cast: Cast) -> None:
    page = invite(cast, "mallory@example.org")
    client.force_login(cast.outsider)
    client.post(page)
    other = Client()
    other.force_login(cast.teammate)
    response = other.post(page)
    assert response.status_code == 409
    assert "already used" in response.content.decode()
    assert Membership.objects.get(user=cast.teammate).role == Role.MEMBER


@pytest.mark.django_db
def test_a_member_is_told_they_already_belong(client: Client, cast: Cast) -> None:
    page = invite(cast, "bob-at-home@example.org")
    client.force_login(cast.teammate)
    html = client.get(page).content.decode()
    assert "You are already a member of this organisation." in html
    response = client.post(page)
    assert response.status_code == 409


@pytest.mark.django_db
def test_an_expired_invitation_cannot_be_accepted(client: Client, cast: Cast) -> None:
    page = invite(cast, "mallory@example.org")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(cast.outsider)
    assert "has expired" in client.get(page).content.decode()
    response = client.post(page)
    assert response.status_code == 409
    assert not Membership.objects.filter(user=cast.outsider).exists()


@pytest.mark.django_db
def test_an_unknown_link_is_not_found(client: Client, cast: Cast) -> None:
    client.force_login(cast.outsider)
    url = reverse("accounts:invitation-accept", args=["cc_made-up"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Membership.objects.filter(user=cast.outsider).exists()


@pytest.mark.django_db
def test_accepting_needs_a_signed_in_person(client: Client, cast: Cast) -> None:
    page = invite(cast, "mallory@example.org")
    response = client.post(page)
    assert response["Location"] == reverse("accounts:login") + "?next=" + page.replace("/", "%2F")
    assert Invitation.objects.get().accepted_at is None
