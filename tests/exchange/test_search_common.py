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
from cybercommons.exchange.models import Visibility, Work, WorkStatus
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
    # The two newest works the outsider may see are the candidates: the newer draft, which
    # the outsider may not see, takes no candidate's place.
    assert list(found.works) == shelf[:-3:-1]


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


def analyse() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE exchange_searchentry")


@pytest.fixture
def crowd(cast):  # type: ignore[no-untyped-def]
    """Five Kenyan works with "songs", then eight newer ones from nowhere in particular."""
    kenyan = [songs(cast, country="KE") for _ in range(5)]
    for _ in range(8):
        songs(cast)
    analyse()
    return kenyan


@pytest.mark.parametrize("walk", [True, False])
def test_a_common_word_with_a_country_finds_every_work_of_that_country(cast, crowd,
                                                                       monkeypatch, walk):
    """The five newest matches are not Kenyan; the candidates are drawn from the Kenyan
    works, so all five are listed, newest first, and counted."""
    common(monkeypatch, walk=walk)
    monkeypatch.setattr(queries, "CANDIDATES", 5)
    found = queries.search(cast.outsider, queries.Filters(q="songs", country="KE"))
    assert list(found.works) == crowd[::-1]
    assert (found.total, found.total_is_estimate) == (5, True)
    assert {f.value: f.count for f in found.facets["country"]} == {"KE": 5}
    assert {f.value: f.count for f in found.facets["language"]} == {"en": 5}


def test_a_small_sample_of_a_filtered_common_word_scales_from_the_filtered_works(
        cast, crowd, monkeypatch):
    """Three Kenyan texts are found after reading three of the 13 matching texts (the
    Kenyan works are stored first): 3 works x 13 / 3 read = 13, the estimate of a sample
    that happens to be all Kenyan; the sample never holds a work of another country."""
    common(monkeypatch, sample=3)
    found = queries.search(cast.outsider, queries.Filters(q="songs", country="KE"))
    assert found.total == 13
    assert {f.value for f in found.facets["country"]} == {"KE"}


@pytest.mark.parametrize("walk", [True, False])
def test_page_two_of_a_filtered_common_word_holds_the_older_works(cast, crowd, monkeypatch,
                                                                  walk):
    common(monkeypatch, walk=walk)
    monkeypatch.setattr(queries, "CANDIDATES", 5)
    client = Client()
    first = client.get("/api/v1/exchange/search",
                       {"q": "songs", "country": "KE", "limit": 3}).json()
    second = client.get("/api/v1/exchange/search", {"q": "songs", "country": "KE", "limit": 3,
                                                    "cursor": first["next"]}).json()
    assert [w["uuid"] for w in first["items"]] == [str(w.uuid) for w in crowd[:1:-1]]
    assert [w["uuid"] for w in second["items"]] == [str(w.uuid) for w in crowd[1::-1]]
    page = client.get("/exchange/", {"q": "songs", "country": "KE", "page": 1}).content.decode()
    assert "About 5 works" in page
    assert all(str(w.uuid) in page for w in crowd)


def hidden_songs(cast):  # type: ignore[no-untyped-def]
    """A members-only work and a held one, both Kenyan, with "songs"."""
    private = songs(cast, country="KE")
    held = songs(cast, country="KE")
    Work.objects.filter(pk=private.pk).update(visibility=Visibility.ORGANISATION)
    Work.objects.filter(pk=held.pk).update(status=WorkStatus.HELD)
    return private, held


def test_hidden_works_are_not_counted_nor_sampled_for_an_outsider(cast, monkeypatch):
    """Two hidden works stored first, then three public ones, a sample of four texts: the
    hidden texts take no place in it, so the outsider is told about the three public works
    only (taken before the policy, the sample held two hidden works and said "about 2")."""
    hidden_songs(cast)
    public = [songs(cast) for _ in range(3)]
    analyse()
    common(monkeypatch, sample=4)
    found = queries.search(cast.outsider, queries.Filters(q="songs"))
    assert found.total == 3
    assert list(found.works) == public[::-1]
    assert found.facets["country"] == []
    assert queries.search(cast.teammate, queries.Filters(q="songs")).total == 5
    kenyan = queries.search(cast.outsider, queries.Filters(q="songs", country="KE"))
    assert (kenyan.total, list(kenyan.works)) == (0, [])


@pytest.mark.parametrize("walk", [True, False])
def test_a_hidden_work_does_not_change_what_an_outsider_is_told(cast, crowd, monkeypatch,
                                                                walk):
    common(monkeypatch, walk=walk)
    before = queries.search(cast.outsider, queries.Filters(q="songs", country="KE"))
    hidden_songs(cast)
    analyse()
    after = queries.search(cast.outsider, queries.Filters(q="songs", country="KE"))
    assert after.total == before.total == 5
    assert list(after.works) == list(before.works) == crowd[::-1]
    assert [(f.value, f.count) for f in after.facets["country"]] == [("KE", 5)]
    page = Client().get("/exchange/", {"q": "songs", "country": "KE"}).content.decode()
    assert "About 5 works" in page
