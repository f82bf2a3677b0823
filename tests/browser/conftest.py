"""A real browser: Debian's chromium driven by Playwright against a live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CYBERCOMMONS_CHROMIUM", "/usr/bin/chromium")
# Without these, chromium tries to reach Google's services at start on a closed network.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
OUTPUT_ROOT = Path(__file__).resolve().parents[2] / "test-results"

# Playwright's synchronous API runs an event loop in this thread; Django would then refuse
# its (synchronous) database calls from the test body. The test server is synchronous too,
# so nothing here runs concurrently with the ORM in the same thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                              headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """The test's output folder, kept after the run for people to look at."""
    folder = OUTPUT_ROOT / request.node.name.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
