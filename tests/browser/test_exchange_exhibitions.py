"""Exhibitions in a real browser: a curator reorders items from the keyboard (htmx swaps the
list, focus stays on the pressed button, the move is announced) and adds a French
translation that French readers then see."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from cybercommons.core.models import Role
from cybercommons.exchange import services
from cybercommons.exchange.models import Exhibition
from cybercommons.exchange.services import TextInput
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

# Playwright's synchronous API keeps an event loop running in the test's thread, which
# Django takes for an async context; the database calls here are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def exchange_settings(settings: Any, tmp_path: Path, live_server: Any) -> Any:
    settings.EXCHANGE_SITE_URL = live_server.url
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return settings


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.set_default_timeout(10_000)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_load_state()


def test_a_curator_reorders_from_the_keyboard_and_translates_the_exhibition(
        live_server: Any, browser: Any, page: Any, output_dir: Path) -> None:
    organisation = OrganisationFactory(name="Nairobi Museum of Music", slug="nairobi-music")
    editor = UserFactory(username="wanjiru")
    MembershipFactory(user=editor, organisation=organisation, role=Role.EDITOR)
    works = [services.create_work(editor, organisation, kind="article", licence="cc0-1.0",
                                  texts=[TextInput("en", title)], publish=True)
             for title in ("Lyre", "Horn")]
    exhibition = services.save_exhibition(
        editor, organisation, slug="sounds", title={"en": "Sounds of Kenya"},
        items=[{"work": str(works[0].uuid), "narrative": {"en": "<p>At dusk.</p>"}},
               {"work": str(works[1].uuid)}], publish=True)
    lyre = exhibition.items.get(position=1)
    base = live_server.url
    log_in(page, base, "wanjiru")

    page.goto(base + "/exchange/exhibitions/sounds/arrange/")
    button = page.locator(f"#move-down-{lyre.pk}")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.getElementById('order-status').textContent.includes('position 2')")
    # The list was swapped in place: same page, focus still on the button of the moved item.
    assert page.url.endswith("/exchange/exhibitions/sounds/arrange/")
    assert page.evaluate("document.activeElement.id") == f"move-down-{lyre.pk}"
    items = page.locator("#exhibition-order li").all_inner_texts()
    assert items[0].startswith("Horn")
    assert items[1].startswith("Lyre")
    page.screenshot(path=str(output_dir / "exhibition-arrange.png"), full_page=True)

    page.goto(base + "/exchange/exhibitions/sounds/translate/")
    page.locator("#id_language").select_option("fr")
    page.locator("#id_title").fill("Sons du Kenya")
    page.locator("#id_translator").fill("Claire")
    moved_to = exhibition.items.get(pk=lyre.pk).position  # narrative fields go by position
    assert moved_to == 2
    page.locator(f"#id_narrative_{moved_to}").fill("<p>Au crépuscule.</p>")
    page.get_by_role("button", name="Save the translation").click()
    page.wait_for_url(re.compile(r"/exchange/exhibitions/sounds/\?lang=fr$"))
    assert Exhibition.objects.get(slug="sounds").translators == {"fr": "Claire"}

    visitor = browser.new_context()
    visitor.add_cookies([{"name": "cybercommons_language", "value": "fr", "url": base}])
    reader = visitor.new_page()
    reader.goto(base + "/exchange/exhibitions/sounds/")
    assert reader.locator("h1").inner_text() == "Sons du Kenya"
    assert "Au crépuscule." in reader.locator("ol.exhibition-items").inner_text()
    assert reader.locator("a[hreflang=en]").count() == 1  # the way back to the original
    visitor.close()
