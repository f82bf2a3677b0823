"""API tokens from the account pages: listed to their owner only, secret shown once,
revocable by their owner only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cybercommons.core import services
from cybercommons.core.models import ApiToken, AuditEntry
from tests.core.conftest import Cast

SECRET = re.compile(r'value="(cc_[A-Za-z0-9_-]+)"')


def create(client: Client, name: str = "sync script", scopes: tuple[str, ...] = ("read",),
           **extra: str) -> Any:
    return client.post(reverse("accounts:token-create"),
                       {"name": name, "scopes": list(scopes), **extra})


@pytest.mark.django_db
def test_the_secret_is_shown_once_and_authenticates(client: Client, cast: Cast) -> None:
    client.force_login(cast.owner)
    response = create(client, scopes=("read", "write"))
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "It is shown only once" in html
    match = SECRET.search(html)
    assert match
    secret = match.group(1)
    token = services.authenticate_token(secret)
    assert token is not None
    assert token.user == cast.owner
    assert token.name == "sync script"
    assert token.scopes == ["read", "write"]
    # The list shows the token by its prefix, never the secret again.
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "sync script" in listing
    assert token.prefix in listing
    assert secret not in listing
    assert AuditEntry.objects.filter(action="core.token.created", actor=cast.owner).exists()


@pytest.mark.django_db
def test_the_list_shows_status_scopes_and_last_use(client: Client, cast: Cast) -> None:
    used, used_secret = services.create_token(cast.owner, name="used one", scopes=["read"])
    services.authenticate_token(used_secret)
    revoked, _ = services.create_token(cast.owner, name="old one", scopes=["write"])
    services.revoke_token(cast.owner, revoked)
    client.force_login(cast.owner)
    html = client.get(reverse("accounts:tokens")).content.decode()
    rows = {name: row for row in re.findall(r"<tr>.*?</tr>", html, re.S)
            for name in ("used one", "old one") if name in row}
    assert ">active<" in rows["used one"]
    assert "never" not in rows["used one"]
    assert ">revoked<" in rows["old one"]
    assert "never" in rows["old one"]
    assert ">write<" not in rows["used one"]
    assert reverse("accounts:token-revoke", args=[revoked.pk]) not in html
    assert reverse("accounts:token-revoke", args=[used.pk]) in html


@pytest.mark.django_db
def test_a_token_needs_a_scope_and_a_name(client: Client, cast: Cast) -> None:
    client.force_login(cast.owner)
    response = create(client, name="", scopes=())
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one scope." in html
    assert 'id="id_name_error"' in html
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_an_expiry_in_the_past_is_refused_on_its_field(client: Client, cast: Cast) -> None:
    client.force_login(cast.owner)
    response = create(client, expires_on="2001-01-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The expiry date must be in the future." in html
    assert 'id="id_expires_on_error"' in html


@pytest.mark.django_db
def test_revoking_my_token_stops_it_working(client: Client, cast: Cast) -> None:
    token, secret = services.create_token(cast.owner, name="ci", scopes=["read"])
    client.force_login(cast.owner)
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.authenticate_token(secret) is None
    assert AuditEntry.objects.filter(action="core.token.revoked", actor=cast.owner).exists()


@pytest.mark.django_db
def test_revoking_takes_a_post(client: Client, cast: Cast) -> None:
    token, secret = services.create_token(cast.owner, name="ci", scopes=["read"])
    client.force_login(cast.owner)
    assert client.get(reverse("accounts:token-revoke", args=[token.pk])).status_code == 405
    assert services.authenticate_token(secret) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_nobody_else_can_revoke_my_token(client: Client, cast: Cast, who: str) -> None:
    token, secret = services.create_token(cast.owner, name="ci", scopes=["read"])
    client.force_login(getattr(cast, who))
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert services.authenticate_token(secret) is not None


@pytest.mark.django_db
def test_nobody_sees_anyone_elses_tokens(client: Client, cast: Cast) -> None:
    services.create_token(cast.owner, name="owner's deploy key", scopes=["write"])
    services.create_token(cast.outsider, name="outsider's key", scopes=["read"])
    client.force_login(cast.teammate)
    html = client.get(reverse("accounts:tokens")).content.decode()
    assert "You have no API tokens." in html
    assert "deploy key" not in html
    assert "outsider" not in html


@pytest.mark.django_db
def test_the_token_pages_need_a_signed_in_person(client: Client) -> None:
    response = client.get(reverse("accounts:tokens"))
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    response = create(client)
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_one_token_or_many(
    client: Client, cast: Cast, django_assert_num_queries: Any
) -> None:
    client.force_login(cast.owner)
    services.create_token(cast.owner, name="first", scopes=["read"])
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:tokens"))
    for n in range(20):
        services.create_token(cast.owner, name=f"token {n}", scopes=["read"])
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("accounts:tokens"))
