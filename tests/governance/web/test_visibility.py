"""A restricted consultation is invisible to people it does not invite, through every path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, RequestFactory

from cybercommons.governance import queries, services, views
from cybercommons.governance.models import Phase, Process
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db

SLUG = "restricted-norm"


def _published(restricted: Process, cast: Cast) -> Process:
    services.change_phase(cast.convenor, restricted, Phase.OPINION_MAP)
    statement = services.add_statement(cast.government, restricted, "Secret statement.")
    services.cast_vote(cast.company, statement, 1)
    services.change_phase(cast.convenor, restricted, Phase.DECISION)
    services.cast_ballot(cast.government, restricted, choice="yes")
    services.publish_decision(cast.convenor, restricted)
    return restricted


PAGES = ["/governance/{slug}/", "/governance/{slug}/draft/", "/governance/{slug}/map/",
         "/governance/{slug}/map/live/", "/governance/{slug}/map.csv",
         "/governance/{slug}/result/", "/governance/{slug}/ballots.jsonl",
         "/governance/{slug}/rules.csv", "/governance/{slug}/amendments/",
         "/governance/{slug}/meetings/"]

API = ["/api/v1/governance/processes/{slug}", "/api/v1/governance/processes/{slug}/versions",
       "/api/v1/governance/processes/{slug}/comments",
       "/api/v1/governance/processes/{slug}/statements",
       "/api/v1/governance/processes/{slug}/opinion-map",
       "/api/v1/governance/processes/{slug}/result",
       "/api/v1/governance/processes/{slug}/ballot-file"]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "citizen"])
def test_outsiders_get_not_found_on_every_page_and_endpoint(
        restricted: Process, cast: Cast, who: str) -> None:
    _published(restricted, cast)
    client = Client()
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    for url in PAGES + API:
        response = client.get(url.format(slug=SLUG))
        assert response.status_code == 404, url
        assert b"Secret statement" not in response.content


def test_outsiders_do_not_see_it_in_lists_or_counts(restricted: Process, cast: Cast) -> None:
    _published(restricted, cast)
    client = Client()
    client.force_login(cast.outsider)
    page = client.get("/governance/")
    assert b"Restricted norm" not in page.content
    listed = client.get("/api/v1/governance/processes").json()
    assert [p["slug"] for p in listed["items"]] == []
    assert queries.process_list(cast.outsider).count() == 0
    request = RequestFactory().get("/")
    request.user = cast.outsider
    assert views.country_panel(request, cast.kenya) is None


def test_invited_people_see_it_everywhere(restricted: Process, cast: Cast) -> None:
    _published(restricted, cast)
    client = Client()
    client.force_login(cast.company)
    for url in PAGES + API:
        assert client.get(url.format(slug=SLUG)).status_code == 200, url
    assert client.get("/api/v1/governance/processes").json()["items"][0]["slug"] == SLUG
    request = RequestFactory().get("/")
    request.user = cast.government
    assert "Restricted norm" in (views.country_panel(request, cast.kenya) or "")


def test_the_list_costs_the_same_queries_however_many_restricted_processes(
        make_process: Callable[..., Process], cast: Cast,
        django_assert_max_num_queries: Any) -> None:
    for i in range(3):
        make_process(slug=f"closed-{i}", visibility="restricted", invited_groups=["government"])
    client = Client()
    client.force_login(cast.government)
    with django_assert_max_num_queries(20) as first:
        client.get("/governance/")
    for i in range(3, 9):
        make_process(slug=f"closed-{i}", visibility="restricted", invited_groups=["government"])
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get("/governance/")
    assert page.content.decode().count("Cable norm") == 9


def test_the_country_panel_says_when_it_shows_only_the_newest(
        make_process: Callable[..., Process], cast: Cast) -> None:
    from cybercommons.governance.views import PANEL_PROCESSES

    made = [make_process(slug=f"norm-{n}", title=f"Norm number {n}")
            for n in range(PANEL_PROCESSES + 2)]
    request = RequestFactory().get("/")
    request.user = cast.outsider
    panel = views.country_panel(request, cast.kenya) or ""
    assert panel.count('href="/governance/norm-') == PANEL_PROCESSES
    assert (f"The newest {PANEL_PROCESSES} of {PANEL_PROCESSES + 2} consultations open to "
            "this country.") in panel
    assert 'href="/governance/"' in panel
    for process in made[2:]:
        process.delete()
    assert "The newest" not in (views.country_panel(request, cast.kenya) or "")
