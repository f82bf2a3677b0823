"""Logging in and out, the session that goes with it, and the lock-out after failures."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.core.accounts.conftest import is_logged_in, log_in
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_the_right_password_logs_in_and_lands_on_the_home_page(client: Client) -> None:
    UserFactory(username="amina")
    response = log_in(client, "amina")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert is_logged_in(client)


@pytest.mark.django_db
def test_the_login_page_labels_its_fields(client: Client) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'for="id_username"' in html
    assert 'for="id_password"' in html
    assert 'autocomplete="current-password"' in html


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message(client: Client) -> None:
    UserFactory(username="amina")
    response = log_in(client, "amina", "not the password")
    assert response.status_code == 400
    assert "The user name or password is not right." in response.content.decode()
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_logging_in_gives_the_session_a_new_id(client: Client) -> None:
    UserFactory(username="amina")
    session = client.session
    session["visited"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = str(session.session_key)
    log_in(client, "amina")
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != session.session_key
    assert is_logged_in(client)


@pytest.mark.django_db
def test_it_returns_to_the_page_asked_for(client: Client) -> None:
    UserFactory(username="amina")
    profile = reverse("accounts:profile")
    response = client.get(profile)
    assert response["Location"] == reverse("accounts:login") + "?next=%2Faccounts%2Fprofile%2F"
    response = log_in(client, "amina", next_url=profile)
    assert response["Location"] == profile


@pytest.mark.django_db
def test_it_never_sends_the_person_to_another_site(client: Client) -> None:
    UserFactory(username="amina")
    response = log_in(client, "amina", next_url="https://evil.example/")
    assert response["Location"] == reverse("core:home")


@pytest.mark.django_db
def test_logging_out_takes_a_post_and_ends_the_session(client: Client) -> None:
    user = UserFactory(username="amina")
    client.force_login(user)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 200, "a GET only asks for confirmation"
    assert is_logged_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)
    assert client.get(reverse("accounts:profile")).status_code == 302


@pytest.mark.django_db
def test_a_wrong_method_gets_a_405_page(client: Client) -> None:
    response = client.put(reverse("accounts:logout"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert "Method not allowed" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_from_that_address(client: Client) -> None:
    UserFactory(username="amina")
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = log_in(client, "amina", f"guess {attempt}")
        assert response.status_code == 400
    response = log_in(client, "amina", "one guess too many")
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    # Now even the right password is refused from here.
    response = log_in(client, "amina", PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_lock_out_binds_user_name_and_address_together(client: Client) -> None:
    UserFactory(username="amina")
    UserFactory(username="bob")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "amina", f"guess {attempt}")
    assert log_in(client, "amina").status_code == 429
    # Another account from the same address still works...
    assert log_in(Client(), "bob").status_code == 302
    # ...and so does the same account from another address.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(elsewhere, "amina").status_code == 302


@pytest.mark.django_db
def test_a_success_forgives_earlier_failures(client: Client) -> None:
    UserFactory(username="amina")
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        log_in(client, "amina", f"guess {attempt}")
    assert log_in(client, "amina").status_code == 302
    client.post(reverse("accounts:logout"))
    for attempt in range(limit - 1):
        assert log_in(client, "amina", f"again {attempt}").status_code == 400
    assert log_in(client, "amina").status_code == 302


@pytest.mark.django_db
def test_the_pages_follow_the_preferred_language_after_log_in(client: Client) -> None:
    UserFactory(username="amina", language="fr")
    response = log_in(client, "amina")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="fr"' in html


@pytest.mark.django_db
def test_without_a_preference_the_browser_language_stays(client: Client) -> None:
    UserFactory(username="amina", language="")
    response = log_in(client, "amina")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_logging_out_needs_the_form_token_so_another_site_cannot_do_it() -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(username="amina"))
    assert browser.post(reverse("accounts:logout")).status_code == 403
    assert is_logged_in(browser)
