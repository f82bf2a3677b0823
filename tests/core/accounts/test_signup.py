"""Opening an account: the happy path and every kind of bad input, each tied to its field."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cybercommons.core.models import AuditEntry, User
from tests.core.accounts.conftest import is_logged_in
from tests.factories import CountryFactory, UserFactory

GOOD = {
    "username": "amina",
    "email": "amina@example.org",
    "password1": "tidal-orchid-lantern-42",
    "password2": "tidal-orchid-lantern-42",
    "display_name": "Amina K.",
    "country": "",
}


@pytest.mark.django_db
def test_the_signup_page_labels_every_field(client: Client) -> None:
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("username", "email", "password1", "password2", "display_name", "country"):
        assert f'for="id_{field}"' in html
        assert f'id="id_{field}"' in html


@pytest.mark.django_db
def test_it_creates_the_account_logs_in_and_audits(client: Client) -> None:
    kenya = CountryFactory(code="KE")
    response = client.post(reverse("accounts:signup"), {**GOOD, "country": "KE"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get(username="amina")
    assert user.email == "amina@example.org"
    assert user.display_name == "Amina K."
    assert user.country == kenya
    assert user.check_password(GOOD["password1"])
    assert is_logged_in(client)
    assert AuditEntry.objects.filter(action="core.user.registered", actor=user).exists()


@pytest.mark.django_db
def test_it_returns_to_the_page_that_sent_the_visitor(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "next": "/organisations/"})
    assert response["Location"] == "/organisations/"


@pytest.mark.django_db
def test_it_ignores_a_next_address_on_another_site(client: Client) -> None:
    response = client.post(reverse("accounts:signup"),
                           {**GOOD, "next": "https://evil.example/steal"})
    assert response["Location"] == reverse("accounts:profile")


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "message"), [
    ("password1234", "This password is too common."),
    ("8316429057318", "This password is entirely numeric."),
    ("k3#Lm", "This password is too short."),
])
def test_it_refuses_a_weak_password_next_to_the_password_field(
    client: Client, password: str, message: str
) -> None:
    response = client.post(reverse("accounts:signup"),
                           {**GOOD, "password1": password, "password2": password})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    # The message is linked to the field, so a screen reader announces it there.
    assert 'id="id_password1_error"' in html
    assert 'aria-invalid="true"' in html
    assert not User.objects.filter(username="amina").exists()
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_it_refuses_two_different_passwords(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "password2": "something-else-9"})
    assert response.status_code == 400
    assert "The two passwords differ." in response.content.decode()
    assert 'id="id_password2_error"' in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_taken_user_name_whatever_its_case(client: Client) -> None:
    UserFactory(username="Amina")
    response = client.post(reverse("accounts:signup"), GOOD)
    assert response.status_code == 400
    html = response.content.decode()
    assert "That user name is taken." in html
    assert 'id="id_username_error"' in html
    assert User.objects.filter(username__iexact="amina").count() == 1


@pytest.mark.django_db
def test_it_refuses_an_e_mail_address_already_in_use(client: Client) -> None:
    UserFactory(username="other", email="AMINA@example.org")
    response = client.post(reverse("accounts:signup"), GOOD)
    assert response.status_code == 400
    assert "An account with that e-mail address exists." in response.content.decode()


@pytest.mark.django_db
def test_it_requires_an_e_mail_address(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "email": ""})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()


@pytest.mark.django_db
def test_a_signed_in_person_is_sent_to_their_profile(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


@pytest.mark.django_db
def test_it_refuses_a_user_name_with_spaces_or_markup(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "username": "<b>amina</b> k"})
    assert response.status_code == 400
    assert 'id="id_username_error"' in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_errors_are_summed_up_at_the_top_with_links_to_their_fields(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "email": "not-an-address"})
    html = response.content.decode()
    summary = html[html.index('role="alert"'):html.index("<form", html.index('role="alert"'))]
    assert 'href="#id_email"' in summary
