"""Importers: STIX bundles, MISP events, CSV of indicators; per-record reports, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybercommons.core.errors import ServiceError
from cybercommons.security.importers.files import import_file
from cybercommons.security.models import StixObject
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db

BUNDLE_ID = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"


def test_a_bundle_with_broken_records_keeps_the_good_ones(world: World) -> None:
    bundle = {"type": "bundle", "id": BUNDLE_ID, "objects": [
        indicator(1), {"type": "indicator", "id": "indicator--nope"}, indicator(2),
        indicator(3, modified="2999-01-01T00:00:00.000Z")]}
    report = import_file(world.bob, world.collection, "stix", json.dumps(bundle))
    assert report.stored == 2
    assert len(report.problems) == 2
    assert any("future" in problem for problem in report.problems)
    again = import_file(world.bob, world.collection, "stix", json.dumps(bundle))
    assert again.stored == 0
    assert again.duplicates == 2
    assert StixObject.objects.count() == 2


def test_a_file_that_is_not_a_bundle_is_refused_with_a_reason(world: World) -> None:
    with pytest.raises(ServiceError, match="bundle"):
        import_file(world.bob, world.collection, "stix", '{"objects": []}')
    with pytest.raises(ServiceError, match="STIX bundle"):
        import_file(world.bob, world.collection, "stix", "not json")


def test_a_csv_of_indicators_reports_bad_rows_and_reimports_without_versions(
        world: World) -> None:
    text = ("type,value,name\nipv4-addr,192.0.2.5,Scanner\ndomain-name,bad..name,Broken\n"
            "domain-name,example.org,Phish\n")
    report = import_file(world.bob, world.collection, "csv", text)
    assert report.stored == 2
    assert len(report.problems) == 1
    assert "line 3" in report.problems[0]
    again = import_file(world.bob, world.collection, "csv", text)
    assert again.stored == 0
    assert StixObject.objects.count() == 2
    changed = import_file(world.bob, world.collection, "csv",
                          "type,value,name\nipv4-addr,192.0.2.5,Scanner (renamed)\n")
    assert changed.stored == 1
    assert StixObject.objects.filter(is_latest=True).count() == 2


def test_an_unknown_format_is_refused(world: World) -> None:
    with pytest.raises(ServiceError, match="Unknown format"):
        import_file(world.bob, world.collection, "xml", "<x/>")


def test_an_outsider_cannot_import(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_file(world.mallory, world.collection, "csv", "type,value\nipv4-addr,192.0.2.1\n")


@pytest.mark.realdata
def test_the_oasis_stix_examples_import_and_reimport_idempotently(world: World,
                                                                   shared_data: Path) -> None:
    folder = shared_data / "threat_intel" / "stix21" / "examples"
    files = sorted(folder.rglob("*.json"))
    assert files
    stored = 0
    for path in files:
        report = import_file(world.bob, world.collection, "stix", path.read_bytes())
        stored += report.stored
    assert stored > 50
    assert StixObject.objects.filter(type="indicator").exists()
    assert StixObject.objects.filter(type="relationship").exists()
    count = StixObject.objects.count()
    for path in files:
        assert import_file(world.bob, world.collection, "stix", path.read_bytes()).stored == 0
    assert StixObject.objects.count() == count


@pytest.mark.realdata
def test_real_misp_events_become_stix_objects(world: World, shared_data: Path) -> None:
    folder = shared_data / "threat_intel" / "misp_events"
    events = sorted(p for p in folder.glob("*.json") if p.name != "describeTypes.json")
    total = 0
    for path in events[:4]:
        report = import_file(world.bob, world.collection, "misp", path.read_bytes())
        total += report.stored
        assert import_file(world.bob, world.collection, "misp", path.read_bytes()).stored == 0
    assert total > 0
    assert StixObject.objects.filter(type="report").exists()


@pytest.mark.realdata
@pytest.mark.slow
def test_the_attack_for_ics_bundle_imports(world: World, shared_data: Path) -> None:
    path = shared_data / "threat_intel" / "mitre_attack" / "ics-attack.json"
    report = import_file(world.bob, world.collection, "stix", path.read_bytes())
    assert report.stored > 500
    assert StixObject.objects.filter(type="attack-pattern").exists()
