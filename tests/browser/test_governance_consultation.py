"""A consultation from draft to decision in a real browser.

The convenor (an organisation admin) opens the consultation through its form and moves it
through the phases in order; delegates of five stakeholder organisations from the five UN
regional groups comment, amend, map their opinions and vote, each in their own logged-in
browser. The result, tallied by the background worker while the page follows it, shows
the process rule's tally beside every other rule, and the downloaded ballot file hashes to
the SHA-256 on the page.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from cybercommons.core.models import Country, Organisation, Role, StakeholderType
from cybercommons.governance.kernel.ballot_file import recount
from cybercommons.governance.models import Process
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

# Playwright's synchronous API keeps an event loop running in the test's thread, which
# Django takes for an async context; the database calls here are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "cable-repair-norm"
DRAFT = """## Purpose
Submarine cables carry most traffic between continents.

## Repair
States should grant repair permits within 7 days."""

# (username, stakeholder type, ISO code, UN regional group, small island State, ballot)
DELEGATES = [
    ("minister-ke", StakeholderType.GOVERNMENT, "KE", "african", False, "Yes, adopt it"),
    ("operator-fj", StakeholderType.COMPANY, "FJ", "asia_pacific", True, "No"),
    ("operator-pl", StakeholderType.COMPANY, "PL", "eastern_european", False, "No"),
    ("operator-fr", StakeholderType.COMPANY, "FR", "weog", False, "No"),
    ("advocate-br", StakeholderType.CIVIL_SOCIETY, "BR", "grulac", False, "Yes, adopt it"),
]
COMPANIES = {"operator-fj", "operator-pl", "operator-fr"}
STATEMENTS = [
    ("minister-ke", "Repair permits should be granted within 48 hours."),
    ("advocate-br", "Civil society should sit on the incident review board."),
    ("operator-fj", "Operators should not pay for protection zones."),
    ("operator-pl", "Cable routes should stay confidential."),
]
# A few passes so that people of one camp do not all sit on the same point of the map.
PASSES = {("operator-fr", 3), ("advocate-br", 0), ("operator-pl", 1)}
ALPHA3 = {"KE": ("KEN", "404"), "FJ": ("FJI", "242"), "PL": ("POL", "616"),
          "FR": ("FRA", "250"), "BR": ("BRA", "076"), "CH": ("CHE", "756")}


def _country(code: str, group: str, sids: bool = False) -> Country:
    alpha3, numeric = ALPHA3[code]
    country, _created = Country.objects.update_or_create(
        code=code, defaults={"alpha3": alpha3, "numeric": numeric, "name": f"Country {code}",
                             "un_regional_group": group, "un_member": True, "is_sids": sids})
    return country


@pytest.fixture
def people() -> dict[str, Any]:
    """The convenor (admin of an international secretariat) and one delegate per
    organisation; organisations and accounts are set up, every action is the browser's."""
    secretariat = OrganisationFactory(slug="cable-dialogue", name="Cable Dialogue Secretariat",
                                      stakeholder_type=StakeholderType.INTERNATIONAL,
                                      country=_country("CH", "weog"))
    cast: dict[str, Any] = {"convenor": UserFactory(username="convenor",
                                                    display_name="convenor")}
    MembershipFactory(user=cast["convenor"], organisation=secretariat, role=Role.ADMIN)
    for username, kind, code, group, sids, _ballot in DELEGATES:
        organisation = OrganisationFactory(
            slug=f"org-{username}", name=f"Organisation of {username}", stakeholder_type=kind,
            country=_country(code, group, sids))
        cast[username] = UserFactory(username=username, display_name=username)
        MembershipFactory(user=cast[username], organisation=organisation)
    # A citizen with no organisation: individuals are not invited to this consultation.
    cast["citizen"] = UserFactory(username="citizen", display_name="citizen")
    return cast


@pytest.fixture
def sessions(browser: Any, live_server: Any, people: dict[str, Any]) -> Iterator[Any]:
    """One logged-in browser context per person, opened on first use."""
    contexts: list[Any] = []
    pages: dict[str, Any] = {}

    def as_user(username: str) -> Any:
        if username not in pages:
            context = browser.new_context(locale="en-GB", viewport={"width": 1280,
                                                                    "height": 900})
            context.set_default_timeout(10_000)
            contexts.append(context)
            page = context.new_page()
            page.goto(live_server.url + "/accounts/login/")
            page.get_by_label(re.compile(r"^User ?name", re.IGNORECASE)).fill(username)
            page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
            page.get_by_role("button", name="Log in").last.click()
            # Logged in: the header links to the person's own page.
            expect(page.get_by_role("link", name=username, exact=True)).to_have_count(1)
            pages[username] = page
        return pages[username]

    yield as_user
    for context in contexts:
        context.close()


def _go(page: Any, live_server: Any, path: str) -> None:
    page.goto(f"{live_server.url}/governance/{SLUG}/{path}")


def _change_phase(page: Any, live_server: Any, label: str) -> None:
    _go(page, live_server, "")
    page.get_by_label("Move to phase").select_option(label=label)
    page.get_by_role("button", name="Change phase").click()
    _expect_message(page, "The phase was changed.")
    assert page.locator('[aria-current="step"] strong').inner_text() == label


def _expect_message(page: Any, text: str) -> None:
    """Wait for the message the page shows after a form's redirect."""
    expect(page.locator(".message", has_text=text)).to_be_visible()


def test_a_consultation_runs_from_draft_to_decision_in_the_browser(
        live_server: Any, sessions: Any, output_dir: Path) -> None:
    convenor = sessions("convenor")

    # The convenor opens the consultation through the form.
    convenor.goto(live_server.url + "/governance/")
    convenor.get_by_role("link", name="Open a consultation").click()
    convenor.get_by_label("Convening organisation").select_option(
        label="Cable Dialogue Secretariat")
    convenor.get_by_label("Title").fill("Norm on repairing submarine cables")
    convenor.get_by_label("Short name (in the address)").fill(SLUG)
    convenor.get_by_label("Summary").fill("Faster repairs, shared incident reports.")
    for group in ("Government", "Internet company", "Technical community",
                  "Social organisation"):
        convenor.get_by_label(group, exact=True).check()
    for region in ("African Group", "Asia-Pacific Group", "Eastern European Group",
                   "Latin American and Caribbean Group",
                   "Western European and Others Group"):
        convenor.get_by_label(region, exact=True).check()
    convenor.get_by_label("Decision rule").select_option(
        label="Equal weight per stakeholder group")
    convenor.locator("textarea[name=draft]").fill(DRAFT)
    convenor.get_by_role("button", name="Open", exact=True).click()
    convenor.wait_for_url(f"**/governance/{SLUG}/")
    process = Process.objects.get(slug=SLUG)
    assert process.invited_groups == ["civil_society", "company", "government", "technical"]
    assert len(process.invited_regions) == 5
    assert convenor.locator('[aria-current="step"] strong').inner_text() == "Information"

    # Comments: two delegates from different groups and regions comment on "Repair".
    _change_phase(convenor, live_server, "Comments")
    for username, text in [("minister-ke", "Seven days is too long for a single cable."),
                           ("operator-fj", "Permits need a clear contact point.")]:
        page = sessions(username)
        _go(page, live_server, "draft/")
        page.locator("#quote-repair").fill("within 7 days")
        page.locator("#body-repair").fill(text)
        page.locator("#section-repair").get_by_role("button", name="Comment").click()
        _expect_message(page, "Your comment was added.")
    comments = sessions("operator-fj").locator("#section-repair .comments li")
    assert comments.count() == 2
    assert "within 7 days" in comments.first.inner_text()

    # The uninvited citizen is told why they cannot take part.
    citizen = sessions("citizen")
    _go(citizen, live_server, "draft/")
    assert "Your stakeholder group (individual) is not invited" in citizen.content()
    assert citizen.locator("#body-repair").count() == 0

    # Amendments: the Kenyan delegate proposes one, the convenor merges it into version 2.
    _change_phase(convenor, live_server, "Amendments")
    minister = sessions("minister-ke")
    _go(minister, live_server, "draft/")
    minister.get_by_role("link", name="Propose an amendment to this section").nth(1).click()
    minister.get_by_label("Proposed text (Markdown)").fill(
        "States should grant repair permits within 48 hours.")
    minister.get_by_label("Why this change").fill("A week offline is an emergency.")
    minister.get_by_role("button", name="Submit the amendment").click()
    _expect_message(minister, "Your amendment was submitted.")
    diff = minister.locator(".diff").inner_html()
    assert "<del>7</del>" in diff
    assert "<ins>48</ins>" in diff

    _go(convenor, live_server, "amendments/")
    convenor.locator("input[name=amendment]").check()
    convenor.get_by_label("What changed (shown with the new version)").fill(
        "Repair permits within 48 hours.")
    convenor.get_by_role("button", name="Merge into a new version").click()
    _expect_message(convenor, "merged into a new version")
    assert convenor.get_by_role("heading", name="Version 2").count() == 1
    assert "within 48 hours" in convenor.locator("#section-repair").inner_text()

    # Opinion map: statements first, then everyone votes; companies and the others
    # disagree, so the map should show two groups.
    _change_phase(convenor, live_server, "Opinion map")
    for username, text in STATEMENTS:
        page = sessions(username)
        _go(page, live_server, "map/")
        page.get_by_label("Your statement").fill(text)
        page.get_by_role("button", name="Add", exact=True).click()
        _expect_message(page, "Your statement was added.")
    for username, *_rest in DELEGATES:
        page = sessions(username)
        _go(page, live_server, "map/")
        company = username in COMPANIES
        for index, (_author, text) in enumerate(STATEMENTS):
            # Companies agree with the companies' statements, the others with theirs.
            agrees = (index >= 2) == company
            item = page.locator("ul.statements > li").filter(has_text=text)
            button = "Pass / unsure" if (username, index) in PASSES else \
                "Agree" if agrees else "Disagree"
            item.get_by_role("button", name=button, exact=True).click()
            # htmx swaps the statement's item in place with the answer.
            page.locator("ul.statements > li").filter(has_text=text).get_by_role(
                "status").wait_for()
            assert "Your vote was recorded." in item.inner_text()
        _go(page, live_server, "map/")
        assert "You have voted on every statement." in page.content()

    _go(convenor, live_server, "map/")
    figure = convenor.locator("figure.chart")
    assert figure.locator("svg").count() == 1
    assert "(20 votes)" in figure.inner_text()
    assert "2 groups" in figure.inner_text()
    groups = convenor.locator("section.card h3").all_inner_texts()
    sizes = sorted(int(re.findall(r"\((\d+) participants\)", g)[0]) for g in groups)
    assert sizes == [2, 3]
    companies_group = convenor.locator("section.card").filter(has_text="3 participants")
    assert "Internet company 3" in companies_group.inner_text()
    assert "Asia-Pacific Group 1" in companies_group.inner_text()
    assert "Government" not in companies_group.inner_text()
    convenor.screenshot(path=str(output_dir / "opinion-map.png"), full_page=True)

    # Decision: every delegate casts a ballot; three company votes against two.
    _change_phase(convenor, live_server, "Decision")
    for username, *_rest, choice in DELEGATES:
        page = sessions(username)
        _go(page, live_server, "vote/")
        assert "Do you adopt version 2 of the text?" in page.content()
        page.get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="Cast my ballot").click()
        _expect_message(page, "Your ballot was cast.")
    again = sessions("operator-fj")
    _go(again, live_server, "vote/")
    assert "You have cast your ballot." in again.content()

    _go(convenor, live_server, "")
    convenor.get_by_role("button", name="Tally and publish the result").click()
    convenor.wait_for_url(f"**/governance/{SLUG}/result/")
    # The tally runs as a background task: the page follows it and shows nothing of the
    # result until the worker has stored all of it, then reloads itself with the result.
    expect(convenor.locator("#publication")).to_contain_text("The ballots are being tallied.")
    assert convenor.locator("#official").count() == 0
    convenor.screenshot(path=str(output_dir / "result-tallying.png"), full_page=True)
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)
    expect(convenor.locator("#official")).to_be_visible()
    official = convenor.locator("#official").locator("..")
    assert "Equal weight per stakeholder group" in official.inner_text()
    # Two of three stakeholder groups in favour: adopted, though most people voted no.
    assert official.locator(".lead strong").inner_text() == "adopted"
    others = convenor.locator("section[aria-labelledby=others]")
    rows = {row.locator("th").inner_text(): row.locator("td").first.inner_text()
            for row in others.locator("tbody tr").all()}
    assert rows["★ Equal weight per stakeholder group"] == "adopted"
    assert rows["Simple majority"] == "rejected"
    assert rows["One organisation, one vote"] == "rejected"
    assert rows["Equal weight per UN regional group"] == "rejected"
    # The chart's legend names only the outcomes that occur, as people read them.
    legend = others.locator("figure.chart svg").text_content() or ""
    assert "rejected" in legend
    assert "no_eligible_voters" not in legend
    convenor.screenshot(path=str(output_dir / "result.png"), full_page=True)

    shown = convenor.locator("code.secret").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", shown)
    with convenor.expect_download() as download_info:
        convenor.get_by_role("link", name="Download the anonymised ballot file").click()
    download = download_info.value
    saved = output_dir / download.suggested_filename
    download.save_as(str(saved))
    data = saved.read_bytes()
    assert hashlib.sha256(data).hexdigest() == shown
    ballots = [json.loads(line) for line in data.decode("utf-8").splitlines()[1:]]
    assert "minister-ke" not in data.decode("utf-8")
    assert len(ballots) == 5
    # The published file alone gives the published result.
    recounted = recount(data, expected_sha256=shown)
    assert recounted.outcome.value == "adopted"

    # The decision is closed: the consultation moves on to its outcome, ballots are refused.
    _change_phase(convenor, live_server, "Outcome")
    # The convenor, who may vote but has not, finds voting closed.
    _go(convenor, live_server, "vote/")
    assert "Voting is not open to you now." in convenor.content()
    assert convenor.get_by_role("button", name="Cast my ballot").count() == 0


def test_the_process_page_reads_right_to_left_in_arabic(
        live_server: Any, sessions: Any, people: dict[str, Any], output_dir: Path) -> None:
    from cybercommons.governance import services

    services.create_process(people["convenor"],
                            convenor=Organisation.objects.get(slug="cable-dialogue"),
                            title="Norm on repairing submarine cables", slug=SLUG,
                            sections=[("repair", "Repair", "Within 7 days.")])
    page = sessions("minister-ke")
    _go(page, live_server, "")
    page.select_option("#language-select", "ar")
    page.wait_for_function("document.documentElement.lang === 'ar'")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.url.endswith(f"/governance/{SLUG}/")
    main = page.locator("main").inner_text()
    # The page's own headings and phases are in Arabic, the title stays as written.
    assert "Norm on repairing submarine cables" in main
    for english in ("Phases", "Participation", "Overview", "Information"):
        assert english not in main, english
    timeline = page.locator("ol.timeline")
    assert timeline.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.screenshot(path=str(output_dir / "process-ar.png"), full_page=True)
