"""Projects meet funders in a real browser, on the demo sample.

The development bank's officer sees the projects ranked for its facility and the ministry's
project officer sees the funders ranked for the Kenyan project, each with the reasons. The
ministry then tells a foundation it is interested; the foundation's officer sees the
message and accepts, while a person of neither organisation sees nothing of it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's synchronous API keeps an event loop running in the test's thread, which
# Django takes for an async context; the database calls here are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KENYA_PROJECT = "Community networks for rural Kenya"
FIJI_PROJECT = "Outer-island connectivity for Fiji"
BANK_FACILITY = "Digital infrastructure facility"
FOUNDATION = "Digital inclusion small grants"
MESSAGE = "Could the small grants cover twenty community sites in Kakamega?"
WIDTH = 1280


@pytest.fixture
def people() -> dict[str, Any]:
    """The demo sample, and one editor for each of three demo organisations plus an
    outsider; every action after this is the browser's."""
    from cybercommons.core.countries import sync_countries
    from cybercommons.core.models import Organisation, Role
    from cybercommons.economy import demo
    from tests.factories import MembershipFactory, UserFactory

    sync_countries()
    demo.load()
    cast = {}
    for username, slug in (("wanjiru", "ministry-digital-ke"), ("kwame", "regional-dev-bank"),
                           ("priya", "digital-rights-forum")):
        cast[username] = UserFactory(username=username, display_name=username.title())
        MembershipFactory(user=cast[username], role=Role.EDITOR,
                          organisation=Organisation.objects.get(slug=slug))
    cast["mallory"] = UserFactory(username="mallory", display_name="Mallory")
    return cast


@pytest.fixture
def log_in(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """A fresh browser window logged in as the given person, through the login form."""
    contexts = []

    def open_as(username: str) -> Any:
        context = browser.new_context(locale="en-GB", viewport={"width": WIDTH, "height": 900})
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(_password())
        page.get_by_role("button", name="Log in").last.click()
        page.wait_for_load_state()
        assert page.get_by_role("link", name=username.title()).count() == 1
        return page

    yield open_as
    for context in contexts:
        context.close()


def _password() -> str:
    from tests.factories import PASSWORD

    return PASSWORD


def _ranked(page: Any) -> list[str]:
    """The names of the ranked matches, best first."""
    return [name.strip() for name in page.locator("main ol > li > h2 a").all_inner_texts()]


def _no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide in a {WIDTH} px window"


def test_a_funder_and_a_project_see_their_matches_with_the_reasons(
        people, log_in, live_server, output_dir: Path) -> None:
    from cybercommons.economy.models import Funder, Project

    banker = log_in("kwame")
    bank = Funder.objects.get(name=BANK_FACILITY)
    banker.goto(f"{live_server.url}/economy/funders/{bank.pk}/")
    banker.get_by_role("link", name="Projects ranked for this funder").click()
    banker.wait_for_load_state()
    # The Kenyan project is public and fits; Fiji's is private to its company.
    assert _ranked(banker) == [KENYA_PROJECT]
    match = banker.locator("main ol > li").first
    reasons = match.locator("ul li").all_inner_texts()
    assert len(reasons) == 5
    assert any("connectivity" in reason for reason in reasons)
    score = int(match.locator("h2").inner_text().rsplit("—", 1)[1])
    assert 50 <= score <= 100
    # The facility already wrote to this project (in the sample): no second form.
    assert match.get_by_role("button", name="Express interest").count() == 0
    assert match.get_by_role("link", name="already exists").count() == 1
    banker.screenshot(path=str(output_dir / "funder-matches.png"), full_page=True)
    _no_horizontal_overflow(banker)

    officer = log_in("wanjiru")
    project = Project.objects.get(name=KENYA_PROJECT)
    officer.goto(f"{live_server.url}/economy/projects/{project.pk}/")
    officer.get_by_role("link", name="Funders ranked for this project").click()
    officer.wait_for_load_state()
    ranked = _ranked(officer)
    assert sorted(ranked) == sorted([BANK_FACILITY, FOUNDATION])
    # Every funder comes with its reasons; the officer, an editor, may write to the
    # foundation, while the facility's interest in the project is already on record.
    for item in officer.locator("main ol > li").all():
        assert item.locator("ul li").count() == 5
    foundation = officer.locator("main ol > li").filter(has_text=FOUNDATION)
    assert foundation.get_by_role("button", name="Express interest").count() == 1
    bank_item = officer.locator("main ol > li").filter(has_text=BANK_FACILITY)
    assert bank_item.get_by_role("button", name="Express interest").count() == 0
    officer.screenshot(path=str(output_dir / "project-matches.png"), full_page=True)
    _no_horizontal_overflow(officer)
    assert FIJI_PROJECT not in officer.content()


def test_an_expression_of_interest_reaches_the_other_side_and_no_one_else(
        people, log_in, live_server, output_dir: Path) -> None:
    from cybercommons.economy.models import Project

    officer = log_in("wanjiru")
    project = Project.objects.get(name=KENYA_PROJECT)
    officer.goto(f"{live_server.url}/economy/projects/{project.pk}/matches/")
    foundation = officer.locator("main ol > li").filter(has_text=FOUNDATION)
    foundation.get_by_label("Message").fill(MESSAGE)
    foundation.get_by_role("button", name="Express interest").click()
    officer.wait_for_load_state()
    assert officer.url.endswith("/economy/interests/")
    assert "Your interest was sent." in officer.locator("body").inner_text()
    sent = officer.locator("main tbody tr").filter(has_text=MESSAGE)
    assert sent.count() == 1
    assert "Open" in sent.inner_text()
    # The sender may only withdraw; accepting is the other side's answer.
    assert sent.locator("select option").all_inner_texts() == ["Withdraw"]
    officer.screenshot(path=str(output_dir / "interests-sent.png"), full_page=True)

    # The foundation's officer receives it and accepts.
    receiver = log_in("priya")
    receiver.goto(f"{live_server.url}/economy/interests/")
    received = receiver.locator("main tbody tr").filter(has_text=MESSAGE)
    assert received.count() == 1
    assert KENYA_PROJECT in received.inner_text()
    assert received.locator("select option").all_inner_texts() == ["Accept", "Decline"]
    received.get_by_label("Answer").select_option("accepted")
    received.get_by_role("button", name="Send").click()
    receiver.wait_for_load_state()
    assert "Your answer was recorded." in receiver.locator("body").inner_text()
    assert "Accepted" in receiver.locator("main tbody tr").filter(has_text=MESSAGE).inner_text()
    receiver.screenshot(path=str(output_dir / "interests-received.png"), full_page=True)
    _no_horizontal_overflow(receiver)

    # The sender sees the answer.
    officer.reload()
    assert "Accepted" in officer.locator("main tbody tr").filter(has_text=MESSAGE).inner_text()

    # An outsider sees neither the message on the list nor on the project's page.
    outsider = log_in("mallory")
    outsider.goto(f"{live_server.url}/economy/interests/")
    assert MESSAGE not in outsider.content()
    assert outsider.locator("main tbody tr").all_inner_texts() == ["None."]
    outsider.goto(f"{live_server.url}/economy/projects/{project.pk}/")
    assert outsider.get_by_role("heading", name=KENYA_PROJECT).count() == 1
    assert MESSAGE not in outsider.content()
    outsider.screenshot(path=str(output_dir / "project-outsider.png"), full_page=True)
