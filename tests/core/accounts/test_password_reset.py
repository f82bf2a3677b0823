"""Password reset by e-mail: the message holds a working link, and the new password works."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from cybercommons.core.models import User
from tests.core.accounts.conftest import Enrolled, is_logged_in, log_in
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "granite-heron-sunrise-77"


@pytest.fixture(autouse=True)
def memory_mailbox(settings: object) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]


def ask_for_reset(client: Client, email: str) -> str:
    """Request the e-mail and return the link in it."""
    response = client.post(reverse("accounts:password-reset"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^\s]+/password/reset/[^\s]+/", str(mail.outbox[0].body))
    assert match, mail.outbox[0].body
    return match.group(0)


def choose_new_password(client: Client, link: str, password: str = NEW_PASSWORD) -> None:
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    assert "Choose a new password" in response.content.decode()
    response = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-complete")


@pytest.mark.django_db
def test_the_e_mail_link_lets_the_owner_choose_a_new_password(client: Client) -> None:
    UserFactory(username="amina", email="amina@example.org")
    link = ask_for_reset(client, "Amina@Example.org")
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert "amina" in message.body
    assert "\n" not in message.subject
    assert message.subject
    choose_new_password(client, link)
    user = User.objects.get(username="amina")
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    assert log_in(Client(), "amina", NEW_PASSWORD).status_code == 302
    assert log_in(Client(), "amina", PASSWORD).status_code == 400


@pytest.mark.django_db
def test_the_link_works_only_once(client: Client) -> None:
    UserFactory(username="amina", email="amina@example.org")
    link = ask_for_reset(client, "amina@example.org")
    choose_new_password(client, link)
    response = Client().get(link, follow=True)
    assert "This link does not work any more" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client) -> None:
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_weak_new_password_is_refused(client: Client) -> None:
    UserFactory(username="amina", email="amina@example.org")
    link = ask_for_reset(client, "amina@example.org")
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "password1234",
                                       "new_password2": "password1234"})
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()
    assert User.objects.get(username="amina").check_password(PASSWORD)


@pytest.mark.django_db
def test_a_reset_lifts_the_lock_out_of_that_account(client: Client) -> None:
    UserFactory(username="amina", email="amina@example.org")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "amina", f"guess {attempt}")
    assert log_in(client, "amina", PASSWORD).status_code == 429
    choose_new_password(client, ask_for_reset(client, "amina@example.org"))
    assert log_in(client, "amina", NEW_PASSWORD).status_code == 302
    assert is_logged_in(client)


@pytest.mark.django_db
def test_changing_the_password_keeps_this_session_and_needs_the_old_one(client: Client) -> None:
    user = UserFactory(username="amina")
    client.force_login(user)
    url = reverse("accounts:password-change")
    response = client.post(url, {"old_password": "wrong", "new_password1": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})
    assert response.status_code == 400
    assert 'id="id_old_password_error"' in response.content.decode()
    response = client.post(url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                 "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:profile")
    assert is_logged_in(client)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_reset_does_not_skip_the_second_factor(client: Client, enrolled: Enrolled) -> None:
    choose_new_password(client, ask_for_reset(client, "zahra@example.org"))
    response = log_in(client, "zahra", NEW_PASSWORD)
    assert response["Location"] == reverse("accounts:verify")
    assert not is_logged_in(client)
