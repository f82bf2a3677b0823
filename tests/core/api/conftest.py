"""Clients of the JSON API: anonymous, by token, by session; and a few countries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cybercommons.core import services
from cybercommons.core.models import Country, User
from tests.core.api.client import ApiClient


@pytest.fixture
def anon(client: Client) -> ApiClient:
    return ApiClient(client)


@pytest.fixture
def token_for() -> Callable[..., str]:
    """Make a token for a user with the given scopes and return its secret."""

    def make(user: User, *scopes: str, **kwargs: Any) -> str:
        _, secret = services.create_token(user, name="test", scopes=list(scopes or ["read"]),
                                          **kwargs)
        return secret

    return make


@pytest.fixture
def as_token(token_for: Callable[..., str]) -> Callable[..., ApiClient]:
    """An API client for ``user`` authenticated by a fresh token with ``scopes``."""

    def make(user: User, *scopes: str) -> ApiClient:
        return ApiClient(Client(), token_for(user, *scopes))

    return make


@pytest.fixture
def as_session() -> Callable[..., ApiClient]:
    """An API client signed in by session; CSRF is enforced as in a browser."""

    def make(user: User, *, csrf: bool = True) -> ApiClient:
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(user)
        return ApiClient(client)

    return make


@pytest.fixture
def countries(db: None) -> dict[str, Country]:
    """Three countries with hand-checkable facts."""
    rows = [
        Country(code="KE", alpha3="KEN", numeric="404", name="Kenya", region_code="002",
                region="Africa", subregion_code="014", subregion="Eastern Africa",
                un_member=True, un_regional_group="african", income_group="LM"),
        Country(code="NP", alpha3="NPL", numeric="524", name="Nepal", region_code="142",
                region="Asia", subregion_code="034", subregion="Southern Asia", un_member=True,
                un_regional_group="asia_pacific", is_ldc=True, is_lldc=True,
                income_group="LM"),
        Country(code="FJ", alpha3="FJI", numeric="242", name="Fiji", region_code="009",
                region="Oceania", subregion_code="054", subregion="Melanesia", un_member=True,
                un_regional_group="asia_pacific", is_sids=True, income_group="UM"),
    ]
    Country.objects.bulk_create(rows)
    return {c.code: c for c in rows}
