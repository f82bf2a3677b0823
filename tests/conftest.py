"""Fixtures shared by every test package.

The real public datasets live outside the project (``../shared/data`` by default). Tests
that read them carry the ``realdata`` marker and ask for the ``shared_data`` fixture; when
the folder is missing they are skipped, unless ``CYBERCOMMONS_REQUIRE_REALDATA=1`` (set by
CI) turns the absence into a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """Where the shared public datasets are, from the environment or the default."""
    configured = os.environ.get("CYBERCOMMONS_SHARED_DATA")
    if configured:
        return Path(configured).resolve()
    return (PROJECT_ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real public datasets; skips (or fails in CI) when it is absent."""
    folder = shared_data_dir()
    if not folder.is_dir():
        message = f"shared data folder not found: {folder}"
        if os.environ.get("CYBERCOMMONS_REQUIRE_REALDATA") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> None:
    """Tests hash many passwords; the production hasher is deliberately slow."""
    from django.conf import settings

    if not settings.configured:  # kernel tests may run without Django (-p no:django)
        return
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_by_default() -> None:
    """Each test starts in English.

    A page request in another language leaves that language active in the thread after the
    response; without this, a later test in the same worker would see French messages.
    """
    from django.conf import settings

    if not settings.configured:
        return
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
