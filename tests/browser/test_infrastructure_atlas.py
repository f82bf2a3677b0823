"""The connectivity atlas in a real browser, on the infrastructure demo sample.

A visitor reads the world map with its cables and landing points and downloads its data,
opens a country's weak points and a cable; a signed-in analyst cuts a cable, replays a real
event, saves and shares scenarios, compares two of them and runs the investment planner.
The atlas reads right to left in Arabic.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD, UserFactory

# Playwright's synchronous API keeps an event loop running in the test's thread, which
# Django takes for an async context; the database calls here are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("shapes", "sample")]

WIDTH = 1280
CABLE_STROKE = "#1f4e79"
CUT_STROKE = "#c00000"


@pytest.fixture(scope="session")
def shapes() -> None:
    """Simplify the world's country shapes once: the first map render otherwise does it."""
    from cybercommons.core import geo

    assert len(geo.world_countries()["features"]) > 200


@pytest.fixture
def sample() -> Iterator[None]:
    """Every ISO country and the demo's Pacific network (ten cables, twenty landings)."""
    from cybercommons.core.countries import sync_countries
    from cybercommons.infrastructure import demo, network

    sync_countries()
    demo.load()
    yield
    network.forget()  # built networks are cached by dataset id, which the next test reuses


@pytest.fixture
def signed_in(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """A logged-in browser page per person, opened on first use."""
    contexts: list[Any] = []

    def as_user(username: str) -> Any:
        UserFactory(username=username)
        context = browser.new_context(locale="en-GB", viewport={"width": WIDTH, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label(re.compile(r"^User ?name", re.IGNORECASE)).fill(username)
        page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
        page.get_by_role("button", name="Log in").last.click()
        page.wait_for_load_state()
        assert page.get_by_role("link", name=username.title()).count() == 1
        return page

    yield as_user
    for context in contexts:
        context.close()


def _no_horizontal_overflow(page: Any) -> None:
    """Nothing on the page is wider than the 1280 px window (tables and maps included)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide in a {WIDTH} px window"


def _stroked(page: Any, colour: str, figure: str = "figure.chart svg") -> int:
    """How many drawn lines of this colour the first map holds (cables, or cut cables)."""
    return int(page.locator(figure).first.evaluate(
        "(svg, colour) => [...svg.querySelectorAll('path')].filter("
        "p => (p.getAttribute('stroke') || '').toLowerCase() === colour).length", colour))


def _csv_rows(page: Any, live_server: Any, link_name: str) -> list[dict[str, str]]:
    href = page.get_by_role("link", name=link_name).get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text())))


def _visible_box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not drawn"
    return box


def _texts_outside(page: Any, selector: str) -> list[str]:
    """The texts of a drawing that stick out of it by more than a pixel or two."""
    return list(page.locator(selector).first.evaluate(
        """svg => { const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('text')].filter(t => {
                const r = t.getBoundingClientRect();
                return r.width > 0 && (r.left < box.left - 2 || r.right > box.right + 2);
            }).map(t => t.textContent); }"""))


def test_the_atlas_maps_countries_cables_and_landing_points(
        live_server: Any, page: Any, output_dir: Path) -> None:
    page.goto(live_server.url + "/infrastructure/")
    assert page.locator("h1").inner_text() == "Connectivity atlas"
    assert "10 cables, 20 landing points" in page.locator("p.lead").inner_text()
    svg = page.locator("figure.chart svg")
    assert svg.count() == 1
    # Countries (grey and shaded shapes), ten cables drawn as lines and the landing dots.
    shapes = svg.evaluate("s => s.querySelectorAll('path').length")
    assert shapes > 30
    assert _stroked(page, CABLE_STROKE) >= 1
    assert svg.evaluate("s => [...s.querySelectorAll('path')].some("
                        "p => p.getAttribute('fill') === '#222222')")
    # The colour scale has its legend under the map.
    assert "Resilience score (0–100)" in svg.evaluate(
        "s => [...s.querySelectorAll('text')].map(t => t.textContent).join('|')")
    # The sample is zoomed on the Pacific: the map fills the figure's width, not a sliver.
    box = _visible_box(page, "figure.chart svg")
    assert 600 <= box["width"] <= WIDTH
    assert box["height"] > 250
    page.screenshot(path=str(output_dir / "atlas.png"), full_page=True)
    _no_horizontal_overflow(page)

    # The most exposed countries come first: Niue and Tonga hang on one cable each.
    first_rows = page.locator("table tbody tr").all_inner_texts()[:6]
    assert any(row.startswith("Tonga") for row in first_rows)
    assert any(row.startswith("Niue") for row in first_rows)

    # The map's data downloads as CSV: scores, cables and landing points.
    scores = {row["country"]: row for row in _csv_rows(page, live_server, "Scores (CSV)")}
    assert scores["TO"]["min_cable_cut"] == "1"
    assert scores["TO"]["single_points_of_failure"] == "sample-tonga-cable"
    assert scores["AU"]["is_hub"] == "True"
    cables = _csv_rows(page, live_server, "Cables (CSV)")
    assert len(cables) == 10
    assert {c["is_planned"] for c in cables} == {"False"}
    points = _csv_rows(page, live_server, "Landing points (CSV)")
    assert len(points) == 20
    assert {p["country"] for p in points} >= {"FJ", "TO", "NU", "US"}


def test_a_country_page_shows_its_cables_and_weak_points_and_leads_to_a_cable(
        live_server: Any, page: Any, output_dir: Path) -> None:
    page.goto(live_server.url + "/infrastructure/")
    page.get_by_role("link", name="Tonga", exact=True).click()
    page.wait_for_url("**/infrastructure/countries/TO/")
    assert page.title().startswith("Tonga")
    assert "<" not in page.title()  # the title holds text only
    main = page.locator("main")
    assert main.locator("h1").inner_text() == "Tonga: international connectivity"
    facts = main.locator("dl.facts").inner_text()
    assert re.search(r"Minimum cable cut\s+1", facts)
    weak = main.locator("h3:has-text('Weak points') + p + ul").inner_text()
    assert "Tonga Sample Cable" in weak
    cables = main.locator("h2:has-text('Cables') + ul li").all_inner_texts()
    assert sorted(c.split(" ·")[0] for c in cables) == [
        "Tonga Sample Cable", "Tonga Sample Domestic Extension"]
    # The score's inputs and weights are shown beside its method.
    assert main.get_by_role("table", name="Inputs and weights").locator("tbody tr").count() >= 3
    page.screenshot(path=str(output_dir / "country-tonga.png"), full_page=True)
    _no_horizontal_overflow(page)

    main.get_by_role("link", name="Tonga Sample Cable", exact=True).click()
    page.wait_for_url(re.compile(r".*/infrastructure/cables/\d+/$"))
    assert page.locator("h1").inner_text() == "Tonga Sample Cable"
    assert "Single point of failure for: Tonga" in page.locator("main").inner_text()
    # Its route is drawn in red on a map zoomed on it.
    assert _stroked(page, CUT_STROKE) == 1
    landings = page.locator("h2:has-text('Landing points') + ul li").all_inner_texts()
    assert len(landings) == 2
    assert any("Fiji" in row for row in landings)
    assert page.get_by_role("table", name="Segments").locator("tbody tr").count() >= 1
    page.screenshot(path=str(output_dir / "cable-tonga.png"), full_page=True)
    _no_horizontal_overflow(page)


def test_an_analyst_cuts_a_cable_replays_an_event_saves_shares_and_compares(
        live_server: Any, browser: Any, signed_in: Any, output_dir: Path) -> None:
    from cybercommons.infrastructure.models import Scenario

    page = signed_in("amina")
    page.goto(live_server.url + "/infrastructure/scenarios/new/")
    page.get_by_label("What fails").select_option("cut")
    page.get_by_label("Cables (names or ids, comma-separated)").fill("Tonga Sample Cable")
    page.get_by_role("button", name="Run").click()
    # htmx swaps the results in without leaving the page.
    results = page.locator("#results-heading")
    results.wait_for()
    assert page.url.endswith("/infrastructure/scenarios/new/")
    work = page.locator("#scenario-work")
    assert "Cut off: TO." in work.inner_text()
    assert _stroked(page, CUT_STROKE) == 1  # the cut cable in red on the map
    table = work.get_by_role("table", name="Before and after, per country")
    tonga = table.locator("tr", has_text="Tonga")
    assert "yes" in tonga.inner_text()
    page.screenshot(path=str(output_dir / "scenario-cut.png"), full_page=True)
    _no_horizontal_overflow(page)

    # Save the same cut, privately.
    page.get_by_label("Title (to save the scenario)").fill("Tonga cable cut, private")
    page.get_by_label("Save this scenario").check()
    page.get_by_role("button", name="Run").click()
    page.wait_for_url(re.compile(r".*/infrastructure/scenarios/[0-9a-f-]{36}/$"))
    private_url = page.url
    assert "Private." in page.locator("main").inner_text()

    # A ready real event, replayed at cable level and saved for anyone to see.
    page.goto(live_server.url + "/infrastructure/scenarios/new/")
    page.locator("li", has_text="Hunga Tonga-Hunga Ha'apai eruption").get_by_role(
        "link", name="cable level").click()
    page.wait_for_url("**/infrastructure/scenarios/ready/tonga-2022/")
    main = page.locator("main").inner_text()
    assert "2022-01-15" in main
    assert "offline for five weeks" in main
    # The sample's cables carry other names than the record's, and the page says so.
    assert "absent from the data" in main
    page.get_by_label("Anyone may see it").check()
    page.get_by_role("button", name="Save this scenario").click()
    page.wait_for_url(re.compile(r".*/infrastructure/scenarios/[0-9a-f-]{36}/$"))
    public_url = page.url
    assert "Public: anyone with the address may see it." in page.locator("main").inner_text()
    assert Scenario.objects.filter(created_by__username="amina").count() == 2

    # Anyone opens the public page without an account; an outsider cannot see the other.
    stranger = browser.new_context(locale="en-GB", viewport={"width": WIDTH, "height": 900})
    try:
        anonymous = stranger.new_page()
        response = anonymous.goto(public_url)
        assert response.status == 200
        assert "Hunga Tonga-Hunga Ha'apai eruption" in anonymous.locator("h1").inner_text()
        assert anonymous.get_by_role("button", name="Delete").count() == 0
        assert anonymous.goto(private_url).status == 404
    finally:
        stranger.close()
    outsider = signed_in("mallory")
    assert outsider.goto(private_url).status == 404
    assert outsider.goto(public_url).status == 200

    # Compare the private cut with the public event.
    page.goto(private_url)
    page.get_by_label("Compare with").select_option(label="Hunga Tonga-Hunga Ha'apai "
                                                          "eruption (cable)")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/infrastructure/scenarios/compare/**")
    assert page.locator("h1").inner_text() == "Compare scenarios"
    table = page.get_by_role("table", name="Countries affected in either scenario")
    tonga = table.locator("tbody tr", has_text="Tonga").inner_text()
    assert "yes" in tonga
    page.screenshot(path=str(output_dir / "scenario-compare.png"), full_page=True)
    _no_horizontal_overflow(page)


def test_a_storm_runs_as_monte_carlo_and_bad_input_is_explained_in_the_form(
        live_server: Any, signed_in: Any, output_dir: Path) -> None:
    page = signed_in("amina")
    page.goto(live_server.url + "/infrastructure/scenarios/new/")
    # A cable that does not exist is named in the error, and the form keeps what was typed.
    page.get_by_label("Cables (names or ids, comma-separated)").fill("Atlantis Express")
    page.get_by_role("button", name="Run").click()
    error = page.locator("#scenario-work .errorlist")
    error.wait_for()
    assert "no cable has the name or id: Atlantis Express" in error.inner_text()
    assert page.get_by_label("Cables (names or ids, comma-separated)").input_value() == \
        "Atlantis Express"
    assert page.locator("#results-heading").count() == 0

    # Absurd storm parameters are refused with the allowed range.
    page.get_by_label("What fails").select_option("storm")
    page.get_by_label("Repeater spacing (km)").fill("0.001")
    page.get_by_role("button", name="Run").click()
    page.wait_for_function("document.querySelector('#scenario-work .errorlist')"
                           " && document.querySelector('#scenario-work .errorlist')"
                           ".innerText.includes('storm parameters refused')")

    # A storm whose bands reach the tropics: every cable is exposed, results per country.
    page.get_by_label("Repeater spacing (km)").fill("70")
    page.get_by_label("Storm bands: min |lat|, max |lat|, repeater failure probability; "
                      "one per line").fill("0, 90, 0.02")
    page.get_by_label("Trials").fill("2000")
    page.get_by_role("button", name="Run").click()
    page.locator("#results-heading").wait_for()
    work = page.locator("#scenario-work")
    assert "2000 trials at cable level" in work.inner_text()
    rows = work.get_by_role("table", name="Countries at risk").locator("tbody tr")
    assert rows.count() >= 10
    probabilities = [float(r.split("\t")[1]) for r in rows.all_inner_texts()]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0 < probabilities[0] <= 1
    chart = work.locator("figure.chart svg")
    assert chart.count() == 1
    assert chart.evaluate("s => s.querySelectorAll('path').length") >= 10
    page.screenshot(path=str(output_dir / "storm.png"), full_page=True)
    _no_horizontal_overflow(page)


def test_the_planner_chooses_projects_within_the_budget_with_their_marginal_values(
        live_server: Any, signed_in: Any, output_dir: Path) -> None:
    from cybercommons.infrastructure.models import CandidateProject

    page = signed_in("amina")
    page.goto(live_server.url + "/infrastructure/planner/")
    assert page.locator("input[name=candidate]:checked").count() == 6
    page.screenshot(path=str(output_dir / "planner.png"), full_page=True)
    _no_horizontal_overflow(page)
    candidates = page.get_by_role("table", name="Candidates")
    assert "KI – US" in candidates.locator("tr", has_text="Kiribati").inner_text()
    page.get_by_label("Budget (million USD)").fill("50")
    page.get_by_role("button", name="Plan").click()
    page.wait_for_url(re.compile(r".*/infrastructure/planner/[0-9a-f-]{36}/$"))
    facts = page.locator("dl.facts").inner_text()
    assert re.search(r"Budget \(million USD\)\s+50", facts)
    rows = page.get_by_role("table", name="Chosen projects").locator("tbody tr")
    assert rows.count() >= 1
    costs = {c.name: c.cost for c in CandidateProject.objects.all()}
    spent = 0.0
    for text in rows.all_inner_texts():
        name, _kind, cost, value = text.split("\t")
        assert float(cost) == costs[name]
        assert float(value) > 0  # each chosen project earns its place
        spent += float(cost)
    assert spent <= 50
    chosen = page.get_by_role("table", name="Chosen projects").inner_text()
    assert "Satellite ground station" in chosen  # kinds read as words, not as keys
    chart = page.locator("figure.chart svg")
    assert chart.count() == 1
    assert chart.evaluate("s => s.querySelectorAll('path').length") >= rows.count()
    page.screenshot(path=str(output_dir / "plan.png"), full_page=True)
    _no_horizontal_overflow(page)


def test_the_atlas_and_a_scenario_read_right_to_left_in_arabic(
        live_server: Any, signed_in: Any, output_dir: Path) -> None:
    page = signed_in("layla")
    page.goto(live_server.url + "/infrastructure/")
    page.select_option("#language-select", "ar")
    page.wait_for_function("document.documentElement.lang === 'ar'")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("figure.chart svg").count() == 1
    # The map stays inside the window and the figure's text runs right to left.
    box = _visible_box(page, "figure.chart svg")
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= WIDTH
    assert page.locator("figure.chart").evaluate(
        "e => getComputedStyle(e).direction") == "rtl"
    # Vega lays its text out left to right: in a right-to-left page the labels would run
    # off the drawing's edge and be clipped (the legend's title shrank to one letter).
    assert _texts_outside(page, "figure.chart svg") == []
    page.screenshot(path=str(output_dir / "atlas-ar.png"), full_page=True)
    _no_horizontal_overflow(page)

    page.goto(live_server.url + "/infrastructure/scenarios/ready/tonga-2022/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    for drawing in range(page.locator("figure.chart svg").count()):
        assert _texts_outside(page.locator("figure.chart svg").nth(drawing), "xpath=.") == []
    page.screenshot(path=str(output_dir / "ready-ar.png"), full_page=True)
    _no_horizontal_overflow(page)
