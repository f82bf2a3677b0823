"""Pages: the atlas, country, cable, scenario and planner views, with owner and outsider."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cybercommons.infrastructure import services
from cybercommons.infrastructure.models import Cable, Dataset, PlannerRun, Scenario

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_atlas_shows_the_map_and_the_most_exposed_countries(sample: Dataset) -> None:
    response = _client().get("/infrastructure/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body
    assert "Sample Pacific network" in body
    assert "/infrastructure/countries/NU/" in body


def test_the_atlas_says_when_nothing_is_imported(countries: None) -> None:
    response = _client().get("/infrastructure/")
    assert response.status_code == 200
    assert "No network data has been imported yet." in response.content.decode()


def test_the_csv_downloads_hold_the_scores(sample: Dataset) -> None:
    response = _client().get("/infrastructure/resilience.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("country,name,score")
    assert any(line.startswith("TO,") and "sample-tonga-cable" in line for line in lines)
    assert "sample-suva" in _client().get("/infrastructure/landing-points.csv").content.decode()
    assert "Tasman Sample Link" in _client().get("/infrastructure/cables.csv").content.decode()


def test_the_country_page_explains_the_weak_points(sample: Dataset) -> None:
    from cybercommons.infrastructure.models import IXP, Facility

    ixp = IXP.objects.create(source_id="1", name="Sample Tonga IX", country_id="TO")
    ixp.facilities.add(Facility.objects.create(source_id="2", name="Sample DC"))
    body = _client().get("/infrastructure/countries/to/").content.decode()
    assert "Sample Tonga IX" in body
    assert "1 facility" in body
    assert "Tonga Sample Cable" in body
    assert "Single points of failure" in body
    assert "Nuku&#x27;alofa (sample)" in body


def test_unknown_countries_cables_and_scenarios_are_not_found(sample: Dataset) -> None:
    client = _client()
    assert client.get("/infrastructure/countries/QQ/").status_code == 404
    assert client.get("/infrastructure/cables/999999/").status_code == 404
    assert client.get("/infrastructure/scenarios/ready/atlantis/").status_code == 404
    assert client.get(
        "/infrastructure/scenarios/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_the_cable_page_lists_landings_segments_and_dependents(sample: Dataset) -> None:
    cable = Cable.objects.get(source_id="sample-tonga-cable")
    body = _client().get(f"/infrastructure/cables/{cable.pk}/").content.decode()
    assert "Suva (sample)" in body
    assert "Single point of failure for" in body
    assert "sample-tonga-cable#s0" in body
    assert "Tonga Sample" in _client().get("/infrastructure/cables/?q=tonga").content.decode()


def test_the_core_country_page_shows_the_infrastructure_panel(sample: Dataset) -> None:
    body = _client().get("/countries/TO/").content.decode()
    assert "Minimum cable cut" in body
    assert "Tonga Sample Cable" in body


def test_the_builder_runs_a_cut_without_saving(sample: Dataset) -> None:
    response = _client().post("/infrastructure/scenarios/new/", {
        "kind": "cut", "cables": "Tonga Sample Cable", "level": "cable"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cut off:" in body
    assert "TO" in body
    assert not Scenario.objects.filter(title="").exists()


def test_the_builder_reports_bad_input(sample: Dataset) -> None:
    response = _client().post("/infrastructure/scenarios/new/", {
        "kind": "storm", "level": "cable", "spacing_km": "1", "trials": "10"})
    assert response.status_code == 400
    assert "repeater_spacing_km must lie in" in response.content.decode()


def test_a_signed_in_person_saves_a_scenario(sample: Dataset, cast: Any) -> None:
    response = _client(cast.owner).post("/infrastructure/scenarios/new/", {
        "kind": "region", "bbox": "-176, -22, -174.5, -20", "level": "cable",
        "title": "Tongatapu box", "save": "on"})
    scenario = Scenario.objects.get(title="Tongatapu box")
    assert response.status_code == 302
    assert response["Location"] == f"/infrastructure/scenarios/{scenario.public_id}/"


def test_a_private_scenario_is_hidden_from_outsiders(sample: Dataset, cast: Any) -> None:
    scenario = services.save_scenario(cast.owner, title="Private cut", kind="cut",
                                      parameters={"cables": ["sample-tonga-cable"]})
    url = f"/infrastructure/scenarios/{scenario.public_id}/"
    assert _client(cast.owner).get(url).status_code == 200
    assert _client(cast.outsider).get(url).status_code == 404
    assert _client().get(url).status_code == 404
    assert _client(cast.outsider).get(
        f"/infrastructure/scenarios/{scenario.public_id}.csv").status_code == 404
    assert "Private cut" not in _client(cast.outsider).get(
        "/infrastructure/scenarios/").content.decode()
    response = _client(cast.outsider).post(
        f"/infrastructure/scenarios/{scenario.public_id}/share/", {"is_public": "on"})
    assert response.status_code == 404
    assert not Scenario.objects.get(pk=scenario.pk).is_public


def test_a_public_scenario_is_shareable_and_comparable(sample: Dataset, cast: Any) -> None:
    first = services.save_scenario(cast.owner, title="Tonga cut", kind="cut", is_public=True,
                                   parameters={"cables": ["sample-tonga-cable"]})
    second = services.save_scenario(cast.owner, title="Samoa cut", kind="cut", is_public=True,
                                    parameters={"cables": ["sample-samoa-link"]})
    assert _client().get(f"/infrastructure/scenarios/{first.public_id}/").status_code == 200
    csv_body = _client().get(f"/infrastructure/scenarios/{first.public_id}.csv").content
    assert b"TO,Tonga" in csv_body
    body = _client().get(f"/infrastructure/scenarios/compare/?a={first.public_id}"
                         f"&b={second.public_id}").content.decode()
    assert "Tonga cut" in body
    assert "Samoa cut" in body
    assert "<svg" in body


def test_ready_events_run_in_one_click_at_both_levels(sample: Dataset, cast: Any) -> None:
    for level in ("cable", "segment"):
        response = _client().get(f"/infrastructure/scenarios/ready/red-sea-2024/?level={level}")
        assert response.status_code == 200
        assert "absent from the data" in response.content.decode()
    response = _client(cast.owner).post("/infrastructure/scenarios/ready/tonga-2022/save/",
                                        {"level": "cable"})
    assert response.status_code == 302
    assert Scenario.objects.filter(created_by=cast.owner, kind="ready").exists()


def test_the_planner_page_runs_a_plan(sample: Dataset, cast: Any) -> None:
    assert _client().get("/infrastructure/planner/").status_code == 200
    candidate_ids = [str(c) for c in
                     services.policy.candidates(cast.owner).values_list("pk", flat=True)]
    response = _client(cast.owner).post("/infrastructure/planner/", {
        "budget": "30", "objective": "capped_min_cut", "candidate": candidate_ids})
    run = PlannerRun.objects.get()
    assert response["Location"] == f"/infrastructure/planner/{run.public_id}/"
    body = _client(cast.owner).get(response["Location"]).content.decode()
    assert "Sample Niue–Tonga cable" in body
    assert "<svg" in body
    assert _client(cast.outsider).get(response["Location"]).status_code == 404
    assert _client().post("/infrastructure/planner/", {"budget": "30"}).status_code == 403


def test_a_candidate_is_added_from_the_planner_page(sample: Dataset, cast: Any) -> None:
    response = _client(cast.owner).post("/infrastructure/planner/candidates/", {
        "name": "Samoa–Tonga link", "kind": "cable", "cost": "12", "endpoints": "WS, TO"})
    assert response.status_code == 302
    assert services.policy.candidates(cast.owner).filter(name="Samoa–Tonga link").exists()
    assert not services.policy.candidates(cast.outsider).filter(
        name="Samoa–Tonga link").exists()


def test_the_import_page_is_for_staff(sample: Dataset, cast: Any) -> None:
    assert _client(cast.outsider).get("/infrastructure/import/").status_code == 403
    assert _client(cast.staff).get("/infrastructure/import/").status_code == 200


def test_staff_import_from_the_page_runs_as_a_tracked_task(countries: None, cast: Any,
                                                           tmp_path: Any) -> None:
    from cybercommons.core.models import Progress
    from cybercommons.infrastructure.tasks import import_uploaded
    from tests.infrastructure.snapshots import v3_snapshot

    folder = v3_snapshot(tmp_path)
    response = _client(cast.staff).post("/infrastructure/import/", {
        "kind": "telegeography-v3", "path": str(folder)})
    assert response.status_code == 302
    assert response["Location"].startswith("/progress/")
    key = response["Location"].split("/")[2]
    # The queued task, run here as the worker would run it.
    import_uploaded.call(progress_key=key, kind="telegeography-v3", path=str(folder),
                         name=folder.name, user_id=cast.staff.pk, cleanup=False)
    progress = Progress.objects.get(key=key)
    assert progress.status == Progress.Status.DONE
    assert progress.result["counts"]["cables_created"] == 2
    assert folder.is_dir()


def test_the_builder_answers_htmx_with_the_form_and_errors(sample: Dataset, cast: Any) -> None:
    client = _client(cast.owner)
    response = client.post("/infrastructure/scenarios/new/", {
        "kind": "cut", "cables": "Atlantis", "level": "cable"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "no cable has the name or id: Atlantis" in response.content.decode()
    response = client.post("/infrastructure/scenarios/new/", {
        "kind": "cut", "cables": "Tonga Sample Cable", "level": "cable", "save": "on",
        "title": "Via htmx"}, HTTP_HX_REQUEST="true")
    scenario = Scenario.objects.get(title="Via htmx")
    assert response["HX-Redirect"] == f"/infrastructure/scenarios/{scenario.public_id}/"


def test_a_large_storm_runs_in_the_background_and_is_saved(sample: Dataset,
                                                           cast: Any) -> None:
    from cybercommons.core.models import Progress
    from cybercommons.infrastructure.tasks import run_scenario

    response = _client(cast.owner).post("/infrastructure/scenarios/new/", {
        "kind": "storm", "level": "cable", "trials": "6000", "spacing_km": "70",
        "bands": "0, 40, 0.0001", "seed": "1", "title": "Big storm"})
    assert response["Location"].startswith("/progress/")
    key = response["Location"].split("/")[2]
    run_scenario.call(progress_key=key, kind="storm", user_id=cast.owner.pk,
                      parameters={"trials": 6000, "bands": [[0, 40, 0.0001]], "seed": 1,
                                  "level": "cable"}, title="Big storm")
    progress = Progress.objects.get(key=key)
    assert progress.status == Progress.Status.DONE
    assert progress.done == 6000
    scenario = Scenario.objects.get(title="Big storm")
    assert scenario.results["trials"] == 6000
    assert progress.result["scenario"] == str(scenario.public_id)


def test_staff_choose_the_dataset_the_analysis_reads(sample: Dataset, cast: Any) -> None:
    other = Dataset.objects.create(slug="other", name="Other", kind=Dataset.Kind.FILE)
    url = "/infrastructure/datasets/other/activate/"
    assert _client(cast.outsider).post(url).status_code == 403
    assert not Dataset.objects.get(pk=other.pk).is_active
    assert _client(cast.staff).post(url).status_code == 302
    assert Dataset.objects.get(pk=other.pk).is_active
    assert not Dataset.objects.get(pk=sample.pk).is_active


def _plans(user: Any, count: int, *, public: bool) -> list[PlannerRun]:
    """Plans written directly (running the planner is tested above), all from one moment:
    the order within it rests on the primary key."""
    from django.utils import timezone

    now = timezone.now()
    return [PlannerRun.objects.create(budget=1000 + n + (500 if public else 0),
                                      objective="capped_min_cut", created_by=user,
                                      is_public=public, created_at=now)
            for n in range(count)]


def test_the_plans_come_in_pages_each_once_and_outsiders_see_only_public_ones(
        sample: Dataset, cast: Any) -> None:
    from cybercommons.infrastructure.views import PLANS_PER_PAGE

    private = _plans(cast.owner, PLANS_PER_PAGE - 5, public=False)
    public = _plans(cast.owner, 8, public=True)
    owner = _client(cast.owner)
    pages = [owner.get("/infrastructure/planner/", {"page": n}).content.decode() for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert '?page=2"' in pages[0]
    assert 'aria-label="Pages of plans"' in pages[0]
    for run in private + public:
        link = f"/infrastructure/planner/{run.public_id}/"
        assert sorted(page.count(link) for page in pages) == [0, 1], run.budget
    # Newest first, then the later key: the last public plans open the first page.
    assert f"/infrastructure/planner/{public[-1].public_id}/" in pages[0]
    outsider = _client(cast.outsider).get("/infrastructure/planner/").content.decode()
    assert all(f"/infrastructure/planner/{run.public_id}/" in outsider for run in public)
    assert not any(f"/infrastructure/planner/{run.public_id}/" in outsider for run in private)
    assert 'class="pager"' not in outsider
    # A page number that is no number shows the first page.
    junk = owner.get("/infrastructure/planner/", {"page": "last"}).content.decode()
    assert [f"/infrastructure/planner/{run.public_id}/" in junk for run in private + public] == [
        f"/infrastructure/planner/{run.public_id}/" in pages[0] for run in private + public]


def test_country_names_to_review_come_in_pages_for_staff_only(
        sample: Dataset, cast: Any) -> None:
    from cybercommons.infrastructure.models import UnresolvedName
    from cybercommons.infrastructure.views import NAMES_PER_PAGE

    # Several rows share a name, as a file naming one unknown country many times does.
    names = [UnresolvedName.objects.create(
        dataset=sample, source_name=f"Atlantis {n // 3:03d}", record_type="landing-point",
        record_id=f"record-{n:03d}", reason="no rule matches") for n in range(NAMES_PER_PAGE + 7)]
    staff = _client(cast.staff)
    pages = [staff.get("/infrastructure/import/", {"names": n}).content.decode() for n in (1, 2)]
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    assert '?names=2"' in pages[0]
    for name in names:
        entry = f"landing-point {name.record_id}:"
        assert sorted(page.count(entry) for page in pages) == [0, 1], name.record_id
    assert "The 20 most recent imports." in pages[0]
    for user in (cast.outsider, cast.owner, None):
        answer = _client(user).get("/infrastructure/import/", {"names": 2})
        assert answer.status_code in (302, 403)
        assert "Atlantis" not in answer.content.decode()


def test_the_scenario_page_says_when_it_offers_only_the_newest_to_compare(
        sample: Dataset, cast: Any) -> None:
    from cybercommons.infrastructure.views import COMPARABLE

    made = [services.save_scenario(cast.owner, title=f"Cut {n}", kind="cut", is_public=True,
                                   parameters={"cables": ["sample-tonga-cable"]})
            for n in range(COMPARABLE + 1)]
    many = _client().get(f"/infrastructure/scenarios/{made[0].public_id}/").content.decode()
    assert f"Only the {COMPARABLE} most recent scenarios are offered here." in many
    assert 'href="/infrastructure/scenarios/"' in many
    few = _client().get(f"/infrastructure/scenarios/{made[-1].public_id}/").content.decode()
    offered = few[few.index('<select id="compare-b"'):]
    assert offered[:offered.index("</select>")].count("<option") == COMPARABLE
    made[1].delete()
    fewer = _client().get(f"/infrastructure/scenarios/{made[-1].public_id}/").content.decode()
    assert "most recent scenarios are offered here" not in fewer
