"""Tokens and sessions: who may call what, and with which scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cybercommons.core import services
from cybercommons.core.models import ApiToken
from tests.core.api.client import ApiClient, assert_problem

pytestmark = pytest.mark.django_db

NEW_ORG = {"name": "Open Source Lab", "stakeholder_type": "technical"}


def test_it_lets_anyone_read_public_lists(anon: ApiClient, countries: Any, cast: Any) -> None:
    assert anon.get("/countries").status_code == 200
    assert anon.get("/organisations").status_code == 200
    assert anon.get(f"/organisations/{cast.organisation.slug}").status_code == 200


def test_it_refuses_anonymous_writes_with_401(anon: ApiClient) -> None:
    assert_problem(anon.send("POST", "/organisations", NEW_ORG), 401)
    assert_problem(anon.send("POST", "/tokens", {"name": "x", "scopes": ["read"]}), 401)


def test_it_lets_a_read_token_read(cast: Any, as_token: Callable[..., ApiClient]) -> None:
    response = as_token(cast.owner, "read").get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == cast.owner.username
    assert response.json()["authenticated_by"] == "token"
    assert response.json()["scopes"] == ["read"]


def test_it_refuses_a_write_with_a_read_token_with_403(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    body = assert_problem(as_token(cast.owner, "read").send("POST", "/organisations", NEW_ORG),
                          403)
    assert "write" in body["detail"]


def test_it_lets_a_write_token_write_and_read(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    client = as_token(cast.owner, "write")
    created = client.send("POST", "/organisations", NEW_ORG)
    assert created.status_code == 201
    assert created.json()["slug"] == "open-source-lab"
    assert client.get("/me").json()["scopes"] == ["read", "write"]


def test_it_refuses_a_revoked_token_with_401(cast: Any, client: Client) -> None:
    token, secret = services.create_token(cast.owner, name="old", scopes=["read"])
    api = ApiClient(client, secret)
    assert api.get("/me").status_code == 200
    services.revoke_token(cast.owner, token)
    assert_problem(api.get("/me"), 401)
    # A bad token is refused even on public data: the client must learn it is wrong.
    assert_problem(api.get("/organisations"), 401)


def test_it_refuses_an_expired_token_with_401(cast: Any, client: Client) -> None:
    token, secret = services.create_token(cast.owner, name="soon", scopes=["read"],
                                          expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
    response = ApiClient(client, secret).get("/me")
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_it_refuses_the_token_of_a_deactivated_person(cast: Any,
                                                      token_for: Callable[..., str],
                                                      client: Client) -> None:
    secret = token_for(cast.owner, "read")
    cast.owner.is_active = False
    cast.owner.save(update_fields=["is_active"])
    assert_problem(ApiClient(client, secret).get("/me"), 401)


def test_it_refuses_an_empty_bearer_token(client: Client) -> None:
    assert_problem(ApiClient(client, "").get("/me"), 401)


def test_it_lets_a_session_read(cast: Any, as_session: Callable[..., ApiClient]) -> None:
    response = as_session(cast.teammate).get("/me")
    assert response.status_code == 200
    assert response.json()["authenticated_by"] == "session"


def test_it_refuses_a_session_write_without_the_csrf_token(
    cast: Any, as_session: Callable[..., ApiClient]
) -> None:
    body = assert_problem(as_session(cast.owner).send("POST", "/organisations", NEW_ORG), 403)
    assert "CSRF" in body["detail"]


def test_it_accepts_a_session_write_with_the_csrf_token(
    cast: Any, as_session: Callable[..., ApiClient]
) -> None:
    api = as_session(cast.owner)
    api.client.get("/api/v1/docs")  # a page that hands out the CSRF cookie
    csrf = api.client.cookies["csrftoken"].value
    response = api.send("POST", "/organisations", NEW_ORG, headers={"x-csrftoken": csrf})
    assert response.status_code == 201, response.content


def test_it_prefers_the_token_when_both_are_sent(
    cast: Any, as_session: Callable[..., ApiClient], token_for: Callable[..., str]
) -> None:
    api = as_session(cast.owner)
    api.token = token_for(cast.teammate, "read")
    assert api.get("/me").json()["username"] == cast.teammate.username
