"""The connectivity atlas in a real browser on the real 2022 TeleGeography map.

The world map draws every in-service cable; Egypt's page lists its cables; the ready
scenarios replay the record: the Tonga eruption cuts Tonga off, and the Red Sea cuts hit
Egypt and Djibouti without cutting them off when only the stretches at the wreck fail,
while at cable level the whole of EIG fails and Gibraltar, whose only cable it is, goes dark
(a difference that comes from modelling a cable as one unit).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.realdata, pytest.mark.slow,
              pytest.mark.django_db(transaction=True)]

WIDTH = 1280
CUT_STROKE = "#c00000"
CABLE_STROKE = "#1f4e79"


@pytest.fixture
def real_map(shared_data: Path) -> Iterator[None]:
    """Every ISO country and the v3 snapshot of November 2022, imported and active."""
    from cybercommons.core import geo
    from cybercommons.core.countries import sync_countries
    from cybercommons.infrastructure import network, services

    geo.world_countries()
    sync_countries()
    services.import_file(None, "telegeography-v3",
                         shared_data / "submarine_cables" / "v3_2022-11", system=True)
    yield
    network.forget()


def _paths(page: Any, colour: str, nth: int = 0) -> int:
    return int(page.locator("figure.chart svg").nth(nth).evaluate(
        "(svg, colour) => [...svg.querySelectorAll('path')].filter("
        "p => (p.getAttribute('stroke') || '').toLowerCase() === colour).length", colour))


def _no_horizontal_overflow(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide in a {WIDTH} px window"


@pytest.mark.usefixtures("real_map")
def test_the_real_map_and_the_recorded_events_show_in_the_browser(
        live_server: Any, page: Any, output_dir: Path) -> None:
    from cybercommons.infrastructure.models import Cable, LandingPoint

    drawn = sum(1 for route in Cable.objects.filter(is_planned=False).values_list(
        "route", flat=True) if route)
    assert LandingPoint.objects.filter(country__isnull=True).count() == 0  # all mapped

    page.goto(live_server.url + "/infrastructure/")
    # One line per in-service cable with a drawn route, over the whole world.
    assert _paths(page, CABLE_STROKE) == drawn
    assert page.locator("figure.chart svg").evaluate(
        "s => s.querySelectorAll('path').length") > drawn + 150
    page.screenshot(path=str(output_dir / "atlas-world.png"), full_page=True)
    _no_horizontal_overflow(page)

    page.goto(live_server.url + "/infrastructure/countries/EG/")
    listed = page.locator("h2:has-text('Cables') + ul li").count()
    assert listed == Cable.objects.filter(landings__landing_point__country="EG").distinct(
        ).count()
    assert listed >= 10
    page.screenshot(path=str(output_dir / "country-egypt.png"), full_page=True)
    _no_horizontal_overflow(page)

    page.goto(live_server.url + "/infrastructure/scenarios/ready/tonga-2022/")
    assert "Cut off: TO." in page.locator("main").inner_text()

    page.goto(live_server.url + "/infrastructure/scenarios/ready/red-sea-2024/?level=segment")
    main = page.locator("main").inner_text()
    assert "No country is cut off." in main
    table = page.get_by_role("table", name="Before and after, per country")
    for name in ("Egypt", "Djibouti"):
        lost = table.locator("tbody tr", has_text=name).first.locator("td").nth(3)
        assert int(lost.inner_text()) > 0, name
    assert _paths(page, CUT_STROKE) == 3  # AAE-1, Seacom and EIG drawn in red
    page.screenshot(path=str(output_dir / "red-sea-segment.png"), full_page=True)
    _no_horizontal_overflow(page)

    page.get_by_role("link", name="Show at cable level").click()
    page.wait_for_url("**/scenarios/ready/red-sea-2024/")
    assert "Cut off: GI." in page.locator("main").inner_text()
