"""Ending the other sessions of a person: theirs go, this one stays, the password works."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.core.accounts.conftest import is_logged_in, log_in
from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_other_sessions_end_and_this_one_stays(client: Client) -> None:
    UserFactory(username="amina")
    laptop, phone = Client(), Client()
    log_in(laptop, "amina")
    log_in(phone, "amina")
    response = laptop.post(reverse("accounts:sessions-end-others"), {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:profile")
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert not is_logged_in(phone)
    # The password itself did not change.
    assert log_in(client, "amina").status_code == 302


@pytest.mark.django_db
def test_it_needs_the_current_password(client: Client) -> None:
    UserFactory(username="amina")
    phone = Client()
    log_in(client, "amina")
    log_in(phone, "amina")
    response = client.post(reverse("accounts:sessions-end-others"), {"password": "guess"})
    assert response.status_code == 400
    assert 'id="id_password_error"' in response.content.decode()
    assert phone.get(reverse("accounts:profile")).status_code == 200
