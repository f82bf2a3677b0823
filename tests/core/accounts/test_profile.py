"""The profile page: details, language preference, organisations, links onwards."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cybercommons.core.models import AuditEntry, User
from tests.core.conftest import Cast
from tests.factories import CountryFactory, UserFactory


def details(user: User, **changes: str) -> dict[str, str]:
    data = {"display_name": user.display_name, "email": user.email,
            "country": user.country_id or "", "language": user.language}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_it_needs_a_signed_in_person(client: Client) -> None:
    response = client.get(reverse("accounts:profile"))
    assert response["Location"] == reverse("accounts:login") + "?next=%2Faccounts%2Fprofile%2F"


@pytest.mark.django_db
def test_it_lists_my_organisations_with_my_role(client: Client, cast: Cast) -> None:
    client.force_login(cast.owner)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Example CERT" in html
    assert "Administrator" in html
    assert reverse("core:organisation-detail", args=[cast.organisation.slug]) in html
    assert reverse("accounts:tokens") in html


@pytest.mark.django_db
def test_an_outsider_sees_no_organisation(client: Client, cast: Cast) -> None:
    client.force_login(cast.outsider)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Example CERT" not in html
    assert "you belong to no organisation" in html


@pytest.mark.django_db
def test_it_saves_my_details_through_the_service(client: Client) -> None:
    user = UserFactory(username="amina")
    nepal = CountryFactory(code="NP")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"),
                           details(user, display_name="Amina K.", country="NP"))
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.display_name == "Amina K."
    assert user.country == nepal
    entry = AuditEntry.objects.get(action="core.user.updated")
    assert entry.data == {"fields": ["country", "display_name"]}


@pytest.mark.django_db
def test_choosing_a_language_switches_the_pages_at_once(client: Client) -> None:
    user = UserFactory(username="amina")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), details(user, language="ar"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    user.refresh_from_db()
    assert user.language == "ar"
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


@pytest.mark.django_db
def test_following_the_browser_again_forgets_the_language_cookie(client: Client) -> None:
    user = UserFactory(username="amina", language="ru")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), details(user, language=""))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    user.refresh_from_db()
    assert user.language == ""


@pytest.mark.django_db
def test_it_refuses_an_unknown_language_and_an_address_in_use(client: Client) -> None:
    user = UserFactory(username="amina")
    UserFactory(username="bob", email="bob@example.org")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), details(user, language="tlh"))
    assert response.status_code == 400
    assert 'id="id_language_error"' in response.content.decode()
    response = client.post(reverse("accounts:profile"),
                           details(user, email="BOB@example.org"))
    assert response.status_code == 400
    assert "Another account uses that e-mail address." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "amina@example.org"
