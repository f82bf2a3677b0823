"""The digital-divide observatory in a real browser, on the demo sample.

A visitor shades the world map by an indicator and by the ICT Development Index, changes
the year and downloads the map's data; opens a country profile with its charts, the index
step by step, the affordability test and progress to 2030; compares three countries; and
filters the ranking. The same pages read right to left in Arabic and are translated in
French.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's synchronous API keeps an event loop running in the test's thread, which
# Django takes for an async context; the database calls here are synchronous all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("sample")]

WIDTH = 1280


@pytest.fixture
def sample() -> None:
    """Every ISO country and the economy demo sample (twelve countries, 2015–2023)."""
    from cybercommons.core.countries import sync_countries
    from cybercommons.economy import demo

    sync_countries()
    demo.load()


def _no_horizontal_overflow(page: Any) -> None:
    """Nothing on the page is wider than the 1280 px window (tables and charts included)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide in a {WIDTH} px window"


def _svg_marks(page: Any, selector: str = "figure.chart svg") -> int:
    """How many drawn shapes the first chart holds: an empty chart has only its frame."""
    return int(page.locator(selector).first.evaluate(
        "svg => svg.querySelectorAll('path, circle, rect, line').length"))


def test_the_world_map_shades_an_indicator_and_the_index_by_year(
        live_server, page, output_dir: Path) -> None:
    page.goto(live_server.url + "/economy/map/?layer=indicator:IT.NET.USER.ZS&year=2023")
    chart = page.locator("figure.chart svg")
    assert chart.count() == 1
    # Twelve countries are shaded, with the world's other shapes around them, and a legend.
    assert _svg_marks(page) > 100
    assert page.locator("figure.chart svg .role-legend").count() >= 1
    caption = page.locator("figure.chart figcaption").inner_text()
    assert "2023" in caption
    assert "12 countries" in caption
    page.screenshot(path=str(output_dir / "map-internet-2023.png"), full_page=True)
    _no_horizontal_overflow(page)

    # Changing the year redraws the map through htmx and keeps the layer.
    page.select_option("#year", "2015")
    page.wait_for_function(
        "document.querySelector('figure.chart figcaption').innerText.includes('2015')")
    assert "layer=indicator%3AIT.NET.USER.ZS" in page.url
    assert "year=2015" in page.url
    assert page.locator("figure.chart svg").count() == 1

    # The data behind the map downloads as CSV, one row per shaded country.
    link = page.get_by_role("link", name="Data (CSV)")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert len(rows) == 12
    kenya = next(r for r in rows if r["country"] == "KE")
    assert (kenya["year"], float(kenya["value"])) == ("2015", 16.0)

    # The ICT Development Index shades the map too, for the sample's one year.
    page.select_option("#layer", "index:itu-idi-2023")
    page.wait_for_function(
        "document.querySelector('#layer').value === 'index:itu-idi-2023' && "
        "document.querySelector('figure.chart figcaption').innerText.includes('ICT')")
    assert page.locator("figure.chart svg").count() == 1
    assert "2023" in page.locator("figure.chart figcaption").inner_text()
    page.screenshot(path=str(output_dir / "map-idi.png"), full_page=True)


def test_a_country_profile_shows_its_charts_the_index_steps_and_progress_to_2030(
        live_server, page, output_dir: Path) -> None:
    page.goto(live_server.url + "/economy/countries/KE/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Kenya")

    # The index step by step: one row per indicator, with the goalposts and the score.
    steps = page.locator("section[aria-labelledby='idi-h'] table").first
    assert steps.locator("tbody tr").count() == 10
    households = steps.locator("tbody tr").filter(has_text="Households with Internet")
    cells = households.locator("td").all_inner_texts()
    # Kenya's 28 % of households, goalposts 0 and 100: a score of 28.
    assert cells[1] == "28.00"
    assert cells[4] == "28.0"
    assert "Score" in page.locator("section[aria-labelledby='idi-h']").inner_text()

    # Affordability: 1 GB at 3.4 % of monthly GNI per capita is above the 2 % line.
    afford = page.locator("section[aria-labelledby='afford-h']").inner_text()
    assert "not affordable" in afford
    assert "3.40 %" in afford

    # Progress to 2030: a chart with its projection, the year reached and the rate needed.
    progress = page.locator("section[aria-labelledby='progress-h']")
    assert progress.locator("figure.chart svg").count() >= 1
    assert _svg_marks(page, "section[aria-labelledby='progress-h'] figure.chart svg") > 5
    facts = dict(zip(progress.locator("dl.facts").first.locator("dt").all_inner_texts(),
                     progress.locator("dl.facts").first.locator("dd").all_inner_texts(),
                     strict=True))
    assert facts["Latest"] == "35.0 (2023)"
    assert float(facts["Projected 2030"]) > 35
    assert facts["Year reached at this pace"].isdigit()
    assert float(facts["Rate needed per year"]) > 0

    # Small charts of every indicator, each with its data as CSV.
    cards = page.locator("section[aria-labelledby='series-h'] li.card")
    assert cards.count() >= 5
    assert cards.first.locator("svg").count() == 1
    # The gender gap in phone ownership is its own series.
    assert page.locator("section[aria-labelledby='gaps-h'] figure.chart svg").count() >= 1
    page.screenshot(path=str(output_dir / "country-ke.png"), full_page=True)
    _no_horizontal_overflow(page)


def test_three_countries_are_compared_and_the_ranking_is_filtered(
        live_server, page, output_dir: Path) -> None:
    page.goto(live_server.url + "/economy/compare/")
    page.select_option("#indicator", "IT.NET.USER.ZS")
    page.select_option("#country-1", "KE")
    page.select_option("#country-2", "GH")
    page.select_option("#country-3", "BR")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_load_state()
    figure = page.locator("figure.chart")
    assert figure.locator("svg").count() == 1
    legend = figure.locator("svg").text_content() or ""
    assert all(name in legend for name in ("Kenya", "Ghana", "Brazil"))
    page.screenshot(path=str(output_dir / "compare.png"), full_page=True)
    _no_horizontal_overflow(page)
    response = page.request.get(live_server.url + "/economy/compare/"
                                + figure.get_by_role("link", name="Data (CSV)")
                                .get_attribute("href"))
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert {r["country"] for r in rows} == {"KE", "GH", "BR"}
    assert len(rows) == 15

    page.goto(live_server.url + "/economy/rankings/?index=itu-idi-2023")
    table = page.locator("#ranking table")
    everyone = table.locator("tbody tr").count()
    assert everyone == 12
    first = table.locator("tbody tr").first.locator("th").inner_text()
    assert first == "Singapore"
    page.screenshot(path=str(output_dir / "rankings.png"), full_page=True)
    _no_horizontal_overflow(page)

    # Only the least developed countries of the sample: Nepal.
    page.select_option("#group", "ldc")
    page.wait_for_function("document.querySelectorAll('#ranking tbody tr').length < 12")
    names = page.locator("#ranking tbody th").all_inner_texts()
    assert names == ["Nepal"]
    assert "group=ldc" in page.url


@pytest.fixture
def arabic_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ar", viewport={"width": WIDTH, "height": 900})
    context.add_cookies([{"name": "cybercommons_language", "value": "ar",
                          "url": live_server.url}])
    yield context.new_page()
    context.close()


def test_the_pages_read_right_to_left_in_arabic_and_are_translated_in_french(
        live_server, arabic_page, browser, output_dir: Path) -> None:
    for path, name in (("/economy/countries/KE/", "country-ke-ar.png"),
                       ("/economy/rankings/?index=itu-idi-2023", "rankings-ar.png"),
                       ("/economy/map/?layer=index:itu-idi-2023", "map-ar.png"),
                       ("/economy/", "overview-ar.png"),
                       ("/economy/indices/itu-idi-2023/", "index-ar.png"),
                       ("/economy/rankings/compare/", "rank-compare-ar.png")):
        arabic_page.goto(live_server.url + path)
        html = arabic_page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
        # Headings of the module are in Arabic.
        assert not any(word in arabic_page.locator("main h1").inner_text()
                       for word in ("World map", "Rankings", "digital divide", "Digital economy",
                                    "Compare"))
        arabic_page.screenshot(path=str(output_dir / name), full_page=True)
        _no_horizontal_overflow(arabic_page)
        # Charts keep drawing left to right (axis labels would flip and clip otherwise).
        for svg in arabic_page.locator("figure.chart svg").all()[:3]:
            assert svg.evaluate("e => getComputedStyle(e).direction") == "ltr"
        # The table's first column starts on the right-hand side of the page.
        table = arabic_page.locator("main table").first
        if table.count():
            box = table.locator("th").first.bounding_box()
            assert box is not None
            assert box["x"] + box["width"] > WIDTH / 2

    # The sample ranks the open-data index too: the two rankings are compared side by side.
    arabic_page.goto(live_server.url + "/economy/rankings/compare/")
    assert arabic_page.locator("main table tbody tr").count() == 12
    mover = arabic_page.locator("main table tbody th").first.inner_text()
    assert re.search("[\u0600-\u06ff]", mover), mover
    # A negative number keeps its minus sign in front (on its left) in right-to-left text.
    gained = arabic_page.locator("main table tbody td bdi").first
    assert gained.inner_text().startswith("-")
    minus_x, digit_x = gained.evaluate(
        "e => [0, 1].map(i => { const r = document.createRange();"
        " r.setStart(e.firstChild, i); r.setEnd(e.firstChild, i + 1);"
        " return r.getBoundingClientRect().x; })")
    assert minus_x < digit_x

    # Country names follow the page's language (ISO 3166 names in Arabic).
    arabic_page.goto(live_server.url + "/economy/rankings/?index=itu-idi-2023")
    first = arabic_page.locator("#ranking tbody th").first.inner_text()
    assert re.search("[\u0600-\u06ff]", first), first

    context = browser.new_context(locale="fr", viewport={"width": WIDTH, "height": 900})
    context.add_cookies([{"name": "cybercommons_language", "value": "fr",
                          "url": live_server.url}])
    french = context.new_page()
    try:
        french.goto(live_server.url + "/economy/rankings/?index=itu-idi-2023")
        html = french.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("fr", "ltr")
        french.screenshot(path=str(output_dir / "rankings-fr.png"), full_page=True)
        assert french.locator("main h1").inner_text() == "Classements"
        assert french.locator("#ranking tbody tr").count() == 12
    finally:
        context.close()
