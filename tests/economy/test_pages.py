"""Pages: maps, rankings, country profiles, comparisons, index forms, projects and funders;
CSV beside every chart; outsiders see nothing private."""

from __future__ import annotations

import pytest

from cybercommons.core.models import Progress
from cybercommons.economy.models import IndexDefinition


@pytest.mark.django_db
def test_the_overview_lists_indicators_and_indices(client, small_store):
    response = client.get("/economy/")
    assert response.status_code == 200
    assert b"IT.NET.USER.ZS" in response.content
    assert b"ICT Development Index" in response.content


@pytest.mark.django_db
def test_the_world_map_is_an_inline_svg_with_its_csv(client, small_store):
    response = client.get("/economy/map/", {"layer": "indicator:IT.NET.USER.ZS",
                                             "year": 2020})
    assert response.status_code == 200
    assert b"<svg" in response.content
    assert b"/economy/map.csv?layer=indicator%3AIT.NET.USER.ZS" in response.content
    csv = client.get("/economy/map.csv", {"layer": "indicator:IT.NET.USER.ZS",
                                          "year": 2020})
    lines = csv.content.decode().splitlines()
    assert lines[0] == "country,name,year,value"
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["FR", "KE", "NP"]
    partial = client.get("/economy/map/", {"layer": "index:open-connectivity"},
                         HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    assert b"<svg" in partial.content
    assert client.get("/economy/map/", {"layer": "indicator:NOPE"}).status_code == 404
    # A year the layer has no data for (carried over from another layer) shows its latest.
    carried = client.get("/economy/map.csv", {"layer": "indicator:IT.NET.USER.ZS",
                                              "year": 1900})
    assert carried.content.decode().splitlines()[1].split(",")[2] == "2020"


@pytest.mark.django_db
def test_the_ranking_table_filters_and_downloads(client, small_store):
    response = client.get("/economy/rankings/", {"index": "open-connectivity",
                                                  "year": 2020, "group": "ldc"})
    assert response.status_code == 200
    assert b"/economy/countries/NP/" in response.content
    assert b"/economy/countries/KE/" not in response.content
    csv = client.get("/economy/rankings.csv", {"index": "open-connectivity", "year": 2020})
    assert csv.content.decode().splitlines()[1].startswith("1.0,FR,")
    assert client.get("/economy/rankings/", {"index": "nope"}).status_code == 404


@pytest.mark.django_db
def test_the_country_profile_shows_charts_steps_progress_and_peers(client, small_store):
    response = client.get("/economy/countries/ke/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "step by step" in content
    assert "Progress to 2030" in content
    assert content.count("<svg") >= 5
    assert "/economy/countries/KE/series.csv?indicator=IT.NET.USER.ZS" in content
    assert "Placeholder, unconfirmed" in content
    csv = client.get("/economy/countries/KE/series.csv", {"indicator": "IT.NET.USER.ZS"})
    assert csv.content.decode().splitlines()[1:] == ["KE,IT.NET.USER.ZS,2019,35.0",
                                                     "KE,IT.NET.USER.ZS,2020,40.0"]
    assert client.get("/economy/countries/QQ/").status_code == 404


@pytest.mark.django_db
def test_the_core_country_page_carries_the_economy_panel(client, small_store):
    response = client.get("/countries/KE/")
    assert response.status_code == 200
    assert b"/economy/countries/KE/" in response.content


@pytest.mark.django_db
def test_up_to_five_countries_are_compared(client, small_store):
    response = client.get("/economy/compare/", {"country": ["KE", "FR", "NP"],
                                                 "indicator": "IT.NET.USER.ZS"})
    assert response.status_code == 200
    assert b"<svg" in response.content
    csv = client.get("/economy/compare/", {"country": ["KE", "FR"], "format": "csv",
                                            "indicator": "IT.NET.USER.ZS"})
    assert len(csv.content.decode().splitlines()) == 5
    many = client.get("/economy/compare/", {"country": ["KE", "FR", "NP", "DE", "GH", "IN"]})
    assert b"At most 5 countries" in many.content


@pytest.mark.django_db
def test_the_index_form_refuses_with_the_kernel_reasons(client, cast):
    client.force_login(cast.owner)
    response = client.post("/economy/indices/new/", {
        "code": "mine", "name": "Mine", "pillars": "use | Use | 0.6",
        "indicators": "IT.NET.USER.ZS | use | 1 | 100", "min_pillar_share": "0.5"})
    assert response.status_code == 400
    assert b"pillar weights add up to 0.6, not 1" in response.content
    assert b"has no worst goalpost" in response.content
    response = client.post("/economy/indices/new/", {
        "code": "mine", "name": "Mine", "pillars": "use | Use | 1",
        "indicators": "IT.NET.USER.ZS | use | 1 | 100 | 0", "min_pillar_share": "0.5"})
    assert response.status_code == 302
    assert IndexDefinition.objects.filter(code="mine").exists()


@pytest.mark.django_db
def test_the_index_page_flags_unconfirmed_goalposts(client, db):
    response = client.get("/economy/indices/itu-idi-2023/")
    assert response.status_code == 200
    assert b"4 goalposts are placeholders" in response.content


@pytest.mark.django_db
def test_an_outsider_sees_no_private_project_field_nor_interest(client, market, cast):
    client.force_login(cast.outsider)
    page = client.get(f"/economy/projects/{market.project.pk}/")
    assert page.status_code == 200
    assert b"Capital for 120 sites" not in page.content
    assert b"pm@ministry.example" not in page.content
    assert client.get(f"/economy/projects/{market.private_project.pk}/").status_code == 404
    listing = client.get("/economy/projects/")
    assert b"Secret backbone" not in listing.content
    funder = client.get(f"/economy/funders/{market.funder.pk}/")
    assert b"Board prefers" not in funder.content
    client.force_login(cast.teammate)
    assert b"Capital for 120 sites" in client.get(
        f"/economy/projects/{market.project.pk}/").content


@pytest.mark.django_db
def test_matches_and_interests_work_in_the_browser(client, market, cast):
    client.force_login(cast.banker)
    page = client.get(f"/economy/funders/{market.funder.pk}/matches/")
    assert page.status_code == 200
    assert b"Rural community networks" in page.content
    assert b"shared sectors: connectivity" in page.content
    sent = client.post("/economy/interests/new/", {"project": market.project.pk,
                                                   "funder": market.funder.pk,
                                                   "message": "Let us talk"})
    assert sent.status_code == 302
    assert b"Let us talk" in client.get("/economy/interests/").content
    client.force_login(cast.outsider)
    assert b"Let us talk" not in client.get("/economy/interests/").content
    assert b"Let us talk" not in client.get(f"/economy/projects/{market.project.pk}/").content


@pytest.mark.django_db
def test_projects_are_registered_and_edited_through_the_forms(client, cast):
    client.force_login(cast.owner)
    response = client.post("/economy/projects/new/", {
        "organisation": cast.ministry.pk, "name": "Schools online", "country": "KE",
        "sectors": "connectivity, education", "sdg_targets": "4.4, 9.c", "status": "seeking",
        "visibility": "public"})
    assert response.status_code == 302
    response = client.post("/economy/projects/new/", {
        "organisation": cast.ministry.pk, "name": "Bad", "country": "KE",
        "sdg_targets": "four", "status": "seeking", "visibility": "public"})
    assert response.status_code == 400
    assert b"valid SDG target" in response.content
    client.force_login(cast.outsider)
    project_url = response.request["PATH_INFO"]
    assert project_url == "/economy/projects/new/"
    from cybercommons.economy.models import Project

    project = Project.objects.get(name="Schools online")
    assert client.get(f"/economy/projects/{project.pk}/edit/").status_code == 403


@pytest.mark.django_db
def test_the_import_page_is_for_staff_and_starts_a_tracked_task(client, cast, tmp_path):
    client.force_login(cast.outsider)
    assert client.get("/economy/import/").status_code == 403
    cast.outsider.is_staff = True
    cast.outsider.save()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("internet.csv", b"iso,year,v\nKEN,2020,40\n")
    response = client.post("/economy/import/", {
        "kind": "csv", "file": upload,
        "column_map": '{"geo": "iso", "year": "year", "value": "v", "indicator": "X.Y"}'})
    assert response.status_code == 302
    assert response["Location"].startswith("/progress/")
    assert Progress.objects.get().owner == cast.outsider


@pytest.mark.django_db
def test_without_idi_data_the_map_and_ranking_start_from_the_open_index(client, small_store):
    page = client.get("/economy/map/")
    assert b'value="index:open-connectivity" selected' in page.content
    assert b"<svg" in page.content
    ranking = client.get("/economy/rankings/")
    assert b'value="open-connectivity" selected' in ranking.content
    assert b"/economy/countries/FR/" in ranking.content


@pytest.mark.django_db
def test_the_project_list_costs_the_same_queries_for_one_or_many_projects(client, market, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cybercommons.economy import services

    with CaptureQueriesContext(connection) as few:
        client.get("/economy/projects/")
    for n in range(5):
        services.create_project(cast.owner, cast.ministry, name=f"P{n}", country="GH")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/economy/projects/")
    assert b"P4" in response.content
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_ddf_file_keeps_its_name_and_its_folder_is_removed(client, cast,
                                                                        settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from cybercommons.economy.models import Observation

    settings.DATA_DIR = tmp_path
    cast.owner.is_staff = True
    cast.owner.save()
    client.force_login(cast.owner)
    name = "ddf--datapoints--internet_users--by--geo--time.csv"
    upload = SimpleUploadedFile(name, b"geo,time,internet_users\nken,2020,29.5\n")
    response = client.post("/economy/import/", {"kind": "ddf", "file": upload})
    assert response.status_code == 302
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*",
                 verbosity=0)
    assert Observation.objects.get(geo="KEN", year=2020).value == 29.5
    assert list((tmp_path / "uploads" / "economy").iterdir()) == []


@pytest.mark.django_db
def test_the_country_page_states_the_trend_window_and_lets_the_reader_change_it(
        client, small_store):
    default = client.get("/economy/countries/KE/").content.decode()
    assert "the last 10 years with data" in default
    assert 'name="window"' in default
    assert 'value="10"' in default
    every = client.get("/economy/countries/KE/", {"window": "all"}).content.decode()
    assert "every year with data" in every
    assert "2019–2020" in every
    refused = client.get("/economy/countries/KE/", {"window": "1"})
    assert refused.status_code == 200
    assert "at least 2" in refused.content.decode()
    assert "the last 10 years with data" in refused.content.decode()


@pytest.mark.django_db
def test_projects_and_funders_come_in_pages_each_once_keeping_the_filter(
        client, market, cast, monkeypatch):
    from cybercommons.economy import services, views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    # Equal names: the order within a name rests on the key, so no row falls between pages.
    made = [services.create_project(cast.owner, cast.ministry, name=f"Site {n // 2}",
                                    country="KE", sectors=["connectivity"]) for n in range(5)]
    elsewhere = services.create_project(cast.owner, cast.ministry, name="Site elsewhere",
                                        country="FR", sectors=["connectivity"])
    client.force_login(cast.outsider)
    expected = sorted([market.project, *made], key=lambda p: (p.name, p.pk))
    pages = [client.get("/economy/projects/", {"country": "ke", "page": n}).content.decode()
             for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert '?country=ke&amp;page=2"' in pages[0]
    for project in expected:
        link = f'href="/economy/projects/{project.pk}/"'
        assert sorted(page.count(link) for page in pages) == [0, 1], project.name
    assert all(f'href="/economy/projects/{p.pk}/"' in pages[0] for p in expected[:3])
    for page in pages:
        assert "Secret backbone" not in page  # private to the ministry
        assert f"/economy/projects/{elsewhere.pk}/" not in page  # the filter stays
    funders = [services.create_funder(cast.banker, cast.bank, name=f"Fund {n}",
                                      type="development_bank") for n in range(3)]
    listed = [client.get("/economy/funders/", {"page": n}).content.decode() for n in (1, 2)]
    for funder in [market.funder, *funders]:
        link = f'href="/economy/funders/{funder.pk}/"'
        assert sorted(page.count(link) for page in listed) == [0, 1], funder.name
    assert "Page 2 of 2" in listed[1]


@pytest.mark.django_db
def test_the_import_page_says_it_shows_only_the_most_recent_imports(client, cast):
    from datetime import timedelta

    from django.utils import timezone

    from cybercommons.economy.models import ImportRun
    from cybercommons.economy.views import RECENT_IMPORTS

    # Reports written directly: importing a file is tested above. Two share each moment.
    now = timezone.now()
    runs = [ImportRun.objects.create(kind="csv", file_name=f"file-{n:03d}.csv",
                                     started_at=now - timedelta(minutes=n // 2),
                                     status=ImportRun.Status.DONE)
            for n in range(RECENT_IMPORTS + 3)]
    cast.owner.is_staff = True
    cast.owner.save()
    client.force_login(cast.owner)
    page = client.get("/economy/import/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"The {RECENT_IMPORTS} most recent imports." in page
    newest = sorted(runs, key=lambda r: (r.started_at, r.pk), reverse=True)
    assert [f"<td>{r.file_name}</td>" in page for r in newest] == (
        [True] * RECENT_IMPORTS + [False] * 3)
    client.force_login(cast.outsider)
    refused = client.get("/economy/import/")
    assert refused.status_code == 403
    assert "file-000.csv" not in refused.content.decode()


@pytest.mark.django_db
def test_the_matches_page_goes_through_the_ranking_in_pages_each_once(
        client, market, cast, monkeypatch):
    from cybercommons.economy import queries, services, views

    monkeypatch.setattr(views, "MATCHES_PER_PAGE", 4)
    for n in range(6):
        services.create_funder(cast.banker, cast.bank, name=f"Fund {n}", type="development_bank",
                               sectors=["connectivity"] if n % 2 else ["health"],
                               regions=["M49:2"])
    secret = services.create_funder(cast.banker, cast.bank, name="Quiet fund",
                                    type="development_bank", visibility="private")
    client.force_login(cast.outsider)
    url = f"/economy/projects/{market.project.pk}/matches/"
    pages = [client.get(url, {"page": n}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
             for n in (1, 2)]
    assert "1–4 of 7 matches shown, best first." in pages[0]
    assert "5–7 of 7 matches shown, best first." in pages[1]
    assert '<ol start="5">' in pages[1]
    assert 'aria-label="Pages of matches"' in pages[0]
    assert '?page=2"' in pages[0]
    ranking = [funder.pk for funder, _match in
               queries.funders_for_project(cast.outsider, market.project)]
    for position, pk in enumerate(ranking):
        link = f'href="/economy/funders/{pk}/"'
        assert [link in page for page in pages] == [position < 4, position >= 4], pk
    assert all("Quiet fund" not in page for page in pages)
    assert client.get(f"/economy/funders/{secret.pk}/matches/").status_code == 404
    assert client.get(
        f"/economy/projects/{market.private_project.pk}/matches/").status_code == 404
    # The funder's side has one match: no pager, no note.
    one = client.get(f"/economy/funders/{market.funder.pk}/matches/",
                     HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="pager"' not in one
    assert "shown, best first" not in one
    # A page number that is no number shows the first page, not an error.
    junk = client.get(url, {"page": "best"}, HTTP_ACCEPT_LANGUAGE="en")
    assert junk.status_code == 200
    assert "1–4 of 7 matches shown" in junk.content.decode()


def _indices(user, count: int) -> list:  # type: ignore[no-untyped-def]
    """`count` indices defined by `user`, oldest first (the open-data index again)."""
    from cybercommons.economy import services

    services.ensure_built_in_indices()
    base = IndexDefinition.objects.get(code="open-connectivity").definition
    return [services.define_index(user, {**base, "code": f"mine-{n}", "name": f"Mine {n}"})
            for n in range(count)]


@pytest.mark.django_db
def test_index_dropdowns_offer_the_built_in_and_newest_indices_and_link_to_all(
        client, cast, small_store, monkeypatch):
    from cybercommons.economy import views

    mine = _indices(cast.owner, 4)
    monkeypatch.setattr(views, "INDEX_CHOICES", 4)
    offered = ["itu-idi-2023", "open-connectivity", "mine-3", "mine-2"]
    pages = {
        "rankings": client.get("/economy/rankings/", {"index": "open-connectivity"}),
        "map": client.get("/economy/map/", {"layer": "index:open-connectivity"}),
        "compare": client.get("/economy/rankings/compare/"),
    }
    for name, answer in pages.items():
        html = answer.content.decode()
        assert "Only 4 indices are offered here" in html, name
        assert 'href="/economy/#indices-heading">All indices</a>' in html, name
        assert 'aria-describedby="' in html, name
        for code in offered:
            assert f'value="{"index:" if name == "map" else ""}{code}"' in html, (name, code)
        assert 'mine-0"' not in html, name  # the oldest defined, neither value nor link
    # The index shown is always offered, even when it is not among the newest.
    old = client.get("/economy/rankings/", {"index": mine[0].code}).content.decode()
    assert 'value="mine-0" selected' in old
    compared = client.get("/economy/rankings/compare/", {"a": "mine-1", "b": "mine-0"})
    assert compared.content.decode().count('value="mine-0" selected') == 1
    assert compared.content.decode().count('value="mine-1" selected') == 1
    # Few enough indices: every one offered, no note.
    monkeypatch.setattr(views, "INDEX_CHOICES", 6)
    html = client.get("/economy/rankings/").content.decode()
    assert "are offered here" not in html
    assert 'aria-describedby="index-help"' not in html
    assert all(f'value="{row.code}"' in html for row in mine)


@pytest.mark.django_db
def test_the_overview_lists_every_index_in_pages_each_once(client, cast, monkeypatch):
    from cybercommons.economy import views

    monkeypatch.setattr(views, "INDICES_PER_PAGE", 3)
    mine = _indices(cast.owner, 5)
    client.force_login(cast.outsider)
    pages = [client.get("/economy/", {"indices": n}).content.decode() for n in (1, 2, 3)]
    assert "Page 1 of 3" in pages[0]
    assert '?indices=2"' in pages[0]
    assert 'aria-label="Pages of indices"' in pages[0]
    codes = ["itu-idi-2023", "open-connectivity", *(row.code for row in mine)]
    for code in codes:
        link = f'href="/economy/indices/{code}/"'
        assert sorted(page.count(link) for page in pages) == [0, 0, 1], code
    # Built-in first.
    assert 'href="/economy/indices/itu-idi-2023/"' in pages[0]
    assert 'href="/economy/indices/open-connectivity/"' in pages[0]
