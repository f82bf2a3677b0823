"""Fixtures of the security tests (the cast itself is in ``cast.py``).

Imports of Django code happen inside the fixtures, so the kernel tests below this folder
still run without Django (``-p no:django``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.security.cast import World


@pytest.fixture
def world(db: None) -> World:
    """A CERT, its community partner, a sharing-group friend and an outsider."""
    from tests.security.cast import make_world

    return make_world()


@pytest.fixture
def served(settings: Any, live_server: Any) -> str:
    """A real HTTP server on loopback serving ``fetch_urls`` (documents to import by URL),
    which the fetcher may reach."""
    settings.ROOT_URLCONF = "tests.security.fetch_urls"
    settings.CYBERCOMMONS_ALLOW_PRIVATE_FETCH = True
    return str(live_server.url)


@pytest.fixture(autouse=True)
def security_urls(request: pytest.FixtureRequest) -> None:
    """Serve the project's URLs with /taxii2/ (see ``urls.py``) in the Django tests."""
    if "settings" not in request.fixturenames and not _uses_django(request):
        return
    settings: Any = request.getfixturevalue("settings")
    settings.ROOT_URLCONF = "tests.security.urls"


def _uses_django(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("django_db") is not None
