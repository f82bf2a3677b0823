"""Searches for very common words: the page walks the works newest first, and the total and
the facets are estimated from a sample of the matches ("about N"), on both databases.

The threshold is lowered so that a handful of works is "common"; with a sample that covers
every match, the estimate must equal the exact count, which the small cases check by hand.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from cybercommons.exchange import queries, services
from cybercommons.exchange.services import TextInput

pytestmark = pytest.mark.django_db


def songs(cast, *, country: str | None = None, publish: bool = True,  # type: ignore[no-untyped-def]
          spanish: bool = False):
    texts = [TextInput("en", "Songs of the coast")]
    if spanish:
        texts.append(TextInput("es", "Songs de la costa", translator="Ana"))
    return services.create_work(cast.owner, cast.organisation, kind="article",
                                licence="cc-by-4.0", country=country, texts=texts,
                                publish=publish)


@pytest.fixture
def shelf(cast):  # type: ignore[no-untyped-def]
    """Six public works with "songs" (two also in a Spanish text that matches, three from
    Kenya), one draft with "songs", one public work without it."""
    made = [songs(cast, country="KE", spanish=True), songs(cast, country="KE"),
            songs(cast, country="KE", spanish=True), songs(cast), songs(cast), songs(cast)]
    songs(cast, publish=False)
    services.create_work(cast.owner, cast.organisation, kind="article", licence="cc0-1.0",
                         texts=[TextInput("en", "Drums")], publish=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the planner's estimate reads the statistics
            cursor.execute("ANALYZE exchange_searchentry")
    return made


def common(monkeypatch, sample: int = 1000, walk: bool = False) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(queries, "COMMON_MATCHES", 0)
    monkeypatch.setattr(queries, "ESTIMATE_SAMPLE", sample)
    # Walking the works (PostgreSQL) or listing the newest matching candidates.
    monkeypatch.setattr(queries, "WALK_FROM", 0 if walk else 10**9)


def test_the_estimate_of_matching_texts_is_the_count_on_small_tables(cast, shelf):
    assert queries.estimated_matches(["songs"]) == 9  # 7 English texts, 2 Spanish


@pytest.mark.parametrize("walk", [True, False])
def test_a_common_search_finds_the_same_page_and_estimates_its_total(cast, shelf,
                                                                     monkeypatch, walk):
    exact = queries.search(cast.outsider, queries.Filters(q="songs"))
    assert (exact.total, exact.total_is_exact, exact.total_is_estimate) == (6, True, False)
    common(monkeypatch, walk=walk)
    found = queries.search(cast.outsider, queries.Filters(q="songs"))
    assert list(found.works) == list(exact.works) == shelf[::-1]  # newest first
    assert (found.total, found.total_is_exact, found.total_is_estimate) == (6, False, True)
    assert found.facets_sampled
    assert {f.value: f.count for f in found.facets["country"]} == {"KE": 3}
    assert {f.value: f.count for f in found.facets["language"]} == {"en": 6, "es": 2}
    kenyan = queries.search(cast.outsider, queries.Filters(q="songs", country="ke"))
    assert kenyan.total == 3
    assert list(kenyan.works) == shelf[2::-1]


def test_a_common_search_shows_members_their_drafts_and_nobody_else(cast, shelf,
                                                                    monkeypatch):
    common(monkeypatch)
    assert queries.search(cast.teammate, queries.Filters(q="songs")).total == 7
    assert queries.search(cast.outsider, queries.Filters(q="songs")).total == 6
    assert queries.search(cast.outsider, queries.Filters(q="drums")).total == 1


def test_a_small_sample_and_few_candidates_still_answer_newest_first(cast, shelf,
                                                                     monkeypatch):
    common(monkeypatch, sample=3)
    monkeypatch.setattr(queries, "CANDIDATES", 2)
    found = queries.search(cast.outsider, queries.Filters(q="songs"))
    assert found.total_is_estimate
    assert 1 <= found.total <= 9
    # The two newest matching works are the candidates; the newer is a draft, not shown.
    assert list(found.works) == shelf[-1:]


def test_the_page_says_about_and_the_api_flags_the_estimate(cast, shelf, monkeypatch):
    common(monkeypatch)
    page = Client().get("/exchange/?q=songs").content.decode()
    assert "About 6 works" in page
    assert "Counts estimated from a sample of the matches." in page
    body = Client().get("/api/v1/exchange/search?q=songs&limit=4").json()
    assert (body["total"], body["total_is_exact"], body["total_is_estimate"]) == (6, False, True)
    following = Client().get("/api/v1/exchange/search",
                             {"q": "songs", "limit": 4, "cursor": body["next"]}).json()
    assert [w["uuid"] for w in body["items"] + following["items"]] == [
        str(w.uuid) for w in shelf[::-1]]


def test_estimates_are_rounded_to_two_significant_digits():
    assert [queries.about(v) for v in (0, 7.4, 99, 123, 281_230, 1_049.9)] == [
        0, 7, 99, 120, 280_000, 1_000]
