"""Log in, switch to Arabic, and see a right-to-left, translated page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_logs_in_and_switches_to_arabic(live_server, page, output_dir: Path) -> None:
    UserFactory(username="layla", display_name="Layla")
    page.goto(live_server.url + "/accounts/login/")
    page.locator("input[name=username]").fill("layla")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in").last.click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Layla").count() == 1

    page.select_option("#language-select", "ar")
    page.wait_for_function("document.documentElement.lang === 'ar'")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    # The shell is translated: the log-out button and the country link are in Arabic.
    assert page.get_by_role("button", name="تسجيل الخروج").count() == 1
    assert "Countries" not in page.locator("nav").inner_text()
    page.screenshot(path=str(output_dir / "home-ar.png"), full_page=True)
    assert (output_dir / "home-ar.png").stat().st_size > 10_000

    # The choice sticks across pages.
    page.goto(live_server.url + "/countries/")
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_keyboard_users_can_skip_to_the_content(live_server, page) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
