"""GET /me and the token endpoints: a person sees and revokes only their own tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cybercommons.core.lib.secrets import hash_secret
from cybercommons.core.models import ApiToken
from tests.core.api.client import ApiClient, assert_problem

pytestmark = pytest.mark.django_db


def test_it_tells_who_i_am_and_where_i_belong(cast: Any,
                                              as_token: Callable[..., ApiClient]) -> None:
    body = as_token(cast.teammate, "read").get("/me").json()
    assert body["username"] == "bob"
    assert body["memberships"] == [
        {"organisation": "example-cert", "name": "Example CERT", "role": "member"}]


def test_it_gives_the_secret_of_a_new_token_once(
    cast: Any, as_token: Callable[..., ApiClient], client: Any
) -> None:
    api = as_token(cast.owner, "write")
    expires = (timezone.now() + timedelta(days=30)).isoformat()
    response = api.send("POST", "/tokens", {"name": "ci", "scopes": ["read"],
                                            "expires_at": expires})
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("cc_")
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == hash_secret(secret)
    assert secret not in str(stored.__dict__)
    listed = api.get("/tokens").json()["items"]
    assert {row["name"] for row in listed} == {"test", "ci"}
    assert all("secret" not in row for row in listed)
    # The new token works, with the scope it was given.
    assert ApiClient(client, secret).get("/me").json()["scopes"] == ["read"]


@pytest.mark.parametrize("payload", [
    {"name": "x", "scopes": []},
    {"name": "x", "scopes": ["admin"]},
    {"name": "", "scopes": ["read"]},
    {"name": "x", "scopes": ["read"], "expires_at": "2030-01-01T00:00:00"},  # no time zone
    {"name": "x", "scopes": ["read"], "expires_at": "yesterday"},
    {"name": "x", "scopes": ["read"], "expires_at": "9999-12-31T23:59:59-14:00"},  # year 10000
])
def test_it_refuses_invalid_token_requests(cast: Any, as_token: Callable[..., ApiClient],
                                           payload: dict[str, Any]) -> None:
    assert_problem(as_token(cast.owner, "write").send("POST", "/tokens", payload), 422)


def test_it_refuses_an_expiry_in_the_past_with_a_400_problem(
    cast: Any, as_token: Callable[..., ApiClient]
) -> None:
    response = as_token(cast.owner, "write").send(
        "POST", "/tokens", {"name": "x", "scopes": ["read"],
                            "expires_at": "2001-01-01T00:00:00Z"})
    assert_problem(response, 400)


def test_it_hides_other_peoples_tokens(cast: Any, as_token: Callable[..., ApiClient],
                                       token_for: Callable[..., str]) -> None:
    token_for(cast.owner, "write")
    outsider = as_token(cast.outsider, "read")
    rows = outsider.get("/tokens").json()["items"]
    assert len(rows) == 1  # only the outsider's own
    assert ApiToken.objects.get(pk=rows[0]["id"]).user == cast.outsider


def test_it_revokes_my_token_and_the_token_stops_working(
    cast: Any, as_token: Callable[..., ApiClient], token_for: Callable[..., str],
    client: Any
) -> None:
    secret = token_for(cast.owner, "read")
    victim = ApiToken.objects.get(key_hash=hash_secret(secret))
    response = as_token(cast.owner, "write").send("DELETE", f"/tokens/{victim.pk}")
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert response.json()["revoked_at"]
    assert_problem(ApiClient(client, secret).get("/me"), 401)


def test_it_will_not_revoke_someone_elses_token(
    cast: Any, as_token: Callable[..., ApiClient], token_for: Callable[..., str]
) -> None:
    secret = token_for(cast.owner, "read")
    victim = ApiToken.objects.get(key_hash=hash_secret(secret))
    assert_problem(as_token(cast.outsider, "write").send("DELETE", f"/tokens/{victim.pk}"), 404)
    victim.refresh_from_db()
    assert victim.revoked_at is None


@pytest.mark.parametrize("token_id", ["0", "99999999999999999999999999", "abc"])
def test_it_refuses_impossible_token_ids(cast: Any, as_token: Callable[..., ApiClient],
                                         token_id: str) -> None:
    assert_problem(as_token(cast.owner, "write").send("DELETE", f"/tokens/{token_id}"), 422)
