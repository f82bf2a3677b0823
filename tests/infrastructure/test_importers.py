"""Importers: the real TeleGeography snapshots, broken records, PeeringDB, links, population."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybercommons.core.errors import ServiceError
from cybercommons.infrastructure import services
from cybercommons.infrastructure.kernel.telegeography import load_snapshot
from cybercommons.infrastructure.models import (
    IXP,
    Cable,
    CableLanding,
    Dataset,
    Facility,
    LandingPoint,
    Population,
    Segment,
    TerrestrialLink,
    UnresolvedName,
)
from tests.infrastructure.snapshots import v3_snapshot

pytestmark = pytest.mark.django_db


def _import(kind: str, path: Path, **kwargs: object) -> dict:
    run = services.import_file(None, kind, path, system=True, **kwargs)  # type: ignore[arg-type]
    return run.counts


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize(("kind", "folder"), [("telegeography-v3", "v3_2022-11"),
                                              ("telegeography-v2", "v2_2021-06")])
def test_it_imports_the_real_snapshot_with_every_country_mapped(
        countries: None, shared_data: Path, kind: str, folder: str) -> None:
    path = shared_data / "submarine_cables" / folder
    parsed = load_snapshot(path)
    counts = _import(kind, path)
    dataset = Dataset.objects.get()
    assert dataset.is_active
    assert Cable.objects.filter(dataset=dataset).count() == len(parsed.cables)
    assert LandingPoint.objects.filter(dataset=dataset).count() == len(parsed.landing_points)
    assert not UnresolvedName.objects.exists()
    assert not LandingPoint.objects.filter(country=None).exists()
    assert counts["cables_created"] == len(parsed.cables)
    expected_landings = sum(len(c.landing_point_ids) for c in parsed.cables.values())
    assert CableLanding.objects.count() <= expected_landings
    assert Segment.objects.filter(cable__dataset=dataset).count() > len(parsed.cables)
    # Congo, Dem. Rep. (World Bank style) lands in CD.
    assert LandingPoint.objects.filter(raw_country__startswith="Congo, Dem",
                                       country_id="CD").exists() or kind.endswith("v2")


@pytest.mark.realdata
@pytest.mark.slow
def test_it_reimports_the_real_v3_snapshot_without_duplicates(
        countries: None, shared_data: Path) -> None:
    path = shared_data / "submarine_cables" / "v3_2022-11"
    _import("telegeography-v3", path)
    before = (Cable.objects.count(), LandingPoint.objects.count(), CableLanding.objects.count(),
              Segment.objects.count())
    revision = Dataset.objects.get().revision
    counts = _import("telegeography-v3", path)
    after = (Cable.objects.count(), LandingPoint.objects.count(), CableLanding.objects.count(),
             Segment.objects.count())
    assert after == before
    assert counts["cables_created"] == 0
    assert counts["cables_updated"] == 0
    assert counts["landing_points_created"] == 0
    assert Dataset.objects.get().revision == revision + 1


def test_it_reports_and_skips_malformed_records_and_keeps_the_good_ones(
        countries: None, tmp_path: Path) -> None:
    run = services.import_file(None, "telegeography-v3", v3_snapshot(tmp_path, broken=True),
                               system=True)
    nameless = [p for p in run.problems if p["record"] == "nameless"]
    assert [p["kept"] for p in nameless] == [False]
    assert "no id or name" in nameless[0]["reason"]
    bent = " | ".join(p["reason"] for p in run.problems if p["record"] == "bent")
    assert "malformed geometry" in bent
    assert "length" in bent
    assert set(Cable.objects.values_list("source_id", flat=True)) == {"fj-to", "fj-ws", "bent"}
    assert Cable.objects.get(source_id="bent").length_km is None


def test_it_keeps_an_unknown_country_name_for_review(countries: None, tmp_path: Path) -> None:
    services.import_file(None, "telegeography-v3", v3_snapshot(tmp_path, broken=True),
                         system=True)
    point = LandingPoint.objects.get(source_id="atlantis-1")
    assert point.country is None
    assert point.raw_country == "Atlantis"
    review = UnresolvedName.objects.get()
    assert (review.source_name, review.record_id) == ("Atlantis", "atlantis-1")
    assert "Atlantis" in review.reason


def test_it_maps_names_and_counts_landings_on_a_small_snapshot(
        countries: None, tmp_path: Path) -> None:
    counts = _import("telegeography-v3", v3_snapshot(tmp_path))
    assert counts["cables_created"] == 2
    assert counts["landings"] == 4
    assert dict(LandingPoint.objects.values_list("source_id", "country_id")) == {
        "suva": "FJ", "nukualofa": "TO", "apia": "WS"}
    cable = Cable.objects.get(source_id="fj-to")
    assert cable.length_km == 1234
    assert cable.owners == ["A", "B"]
    assert len(cable.route) == 2


def test_it_refuses_a_folder_of_the_wrong_version(countries: None, tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match="v3 snapshot, not v2"):
        services.import_file(None, "telegeography-v2", v3_snapshot(tmp_path), system=True)


def test_an_outsider_may_not_import(cast: object, tmp_path: Path) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_file(cast.outsider, "telegeography-v3", v3_snapshot(tmp_path))  # type: ignore[attr-defined]


def test_it_imports_a_peeringdb_export_idempotently(countries: None, tmp_path: Path) -> None:
    path = tmp_path / "peeringdb.json"
    path.write_text(json.dumps({
        "ix": {"data": [{"id": 1, "name": "Sample-IX", "city": "Suva", "country": "FJ"},
                        {"id": 2, "name": "Nowhere-IX", "country": "QQ"},
                        {"name": "no id"}]},
        "fac": {"data": [{"id": 10, "name": "Sample DC", "country": "FJ",
                          "latitude": -18.1, "longitude": 178.4}]},
        "ixfac": {"data": [{"ix_id": 1, "fac_id": 10}, {"ix_id": 9, "fac_id": 10}]},
    }), encoding="utf-8")
    first = services.import_file(None, "peeringdb", path, system=True)
    second = services.import_file(None, "peeringdb", path, system=True)
    assert IXP.objects.count() == 2
    assert Facility.objects.count() == 1
    assert IXP.objects.get(source_id="1").facilities.get().name == "Sample DC"
    assert IXP.objects.get(source_id="2").country is None
    assert first.counts["exchange_created"] == 2
    assert second.counts["exchange_updated"] == 2
    assert first.counts["skipped"] == 2  # the row without id and the dangling ixfac


def test_it_imports_links_from_csv_and_geojson(sample: Dataset, tmp_path: Path) -> None:
    csv_path = tmp_path / "links.csv"
    csv_path.write_text("id,name,country_a,country_b,capacity_gbps\n"
                        "l1,Sample land link,FJ,TO,100\n"
                        "l2,Broken,Atlantis,TO,\n"
                        "l3,Same,FJ,Fiji,\n", encoding="utf-8")
    run = services.import_file(None, "csv", csv_path, system=True)
    assert run.counts["links_created"] == 1
    assert run.counts["skipped"] == 2
    geo_path = tmp_path / "links.geojson"
    geo_path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "g1", "country_a": "Papua New Guinea",
                                           "country_b": "Solomon Islands"},
         "geometry": {"type": "LineString", "coordinates": [[147.2, -9.5], [160.0, -9.4]]}},
        {"type": "Feature", "properties": {"id": "g2", "country_a": "FJ", "country_b": "TO"},
         "geometry": {"type": "LineString", "coordinates": [[147.2, 95.0], [160.0, -9.4]]}},
    ]}), encoding="utf-8")
    run = services.import_file(None, "geojson", geo_path, system=True)
    assert run.counts["links_created"] == 1
    assert "malformed geometry" in run.problems[0]["reason"]
    services.import_file(None, "csv", csv_path, system=True)
    assert TerrestrialLink.objects.count() == 2


def test_it_imports_population_keeping_the_latest_year(countries: None, tmp_path: Path) -> None:
    path = tmp_path / "pop.csv"
    path.write_text("Country Name,Country Code,Year,Value\n"
                    "Fiji,FJI,2019,880000\nFiji,FJI,2020,890000\nWorld,WLD,2020,7800000000\n",
                    encoding="utf-8")
    run = services.import_file(None, "population", path, system=True)
    assert Population.objects.get(country_id="FJ").population == 890000
    assert run.counts["skipped"] == 1


@pytest.mark.realdata
def test_it_imports_the_world_bank_population_file(countries: None, shared_data: Path) -> None:
    files = sorted((shared_data / "digital_indicators" / "worldbank_population").glob("*.csv"))
    assert files
    services.import_file(None, "population", files[0], system=True)
    assert Population.objects.get(country_id="TO").population > 50_000
