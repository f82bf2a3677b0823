"""The ``infra`` command and the demo loader."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cybercommons.infrastructure import demo
from cybercommons.infrastructure.models import (
    Cable,
    CableLanding,
    CandidateProject,
    Dataset,
    LandingPoint,
    Scenario,
    Segment,
)
from tests.infrastructure.snapshots import v3_snapshot

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("infra", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_demo_loads_twice_without_duplicates(countries: None) -> None:
    from tests.factories import UserFactory

    UserFactory(username="admin", is_superuser=True, is_staff=True)
    demo.load()
    first = (Dataset.objects.count(), Cable.objects.count(), LandingPoint.objects.count(),
             CableLanding.objects.count(), Segment.objects.count(),
             CandidateProject.objects.count(), Scenario.objects.count())
    out = io.StringIO()
    demo.load(stdout=out)
    second = (Dataset.objects.count(), Cable.objects.count(), LandingPoint.objects.count(),
              CableLanding.objects.count(), Segment.objects.count(),
              CandidateProject.objects.count(), Scenario.objects.count())
    assert first == second == (1, 10, 20, first[3], first[4], 6, 1)
    assert "10 cables, 20 landing points" in out.getvalue()
    assert Scenario.objects.get().is_public
    assert Dataset.objects.get().is_active


def test_the_demo_routes_never_cross_the_map(countries: None) -> None:
    demo.load()
    for route in Cable.objects.values_list("route", flat=True):
        for line in route:
            for a, b in itertools.pairwise(line):
                assert abs(a[0] - b[0]) <= 180


def test_infra_import_prints_a_report_and_is_idempotent(countries: None,
                                                        tmp_path: Path) -> None:
    folder = v3_snapshot(tmp_path, broken=True)
    text = _run("import", "telegeography-v3", str(folder))
    assert "cables_created               3" in text
    assert "[skipped] nameless" in text
    data = json.loads(_run("import", "telegeography-v3", str(folder), "--json"))
    assert data["counts"]["cables_created"] == 0
    assert data["counts"]["cables_unchanged"] == 3
    assert Cable.objects.count() == 3


def test_infra_import_names_a_bad_path(countries: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        _run("import", "peeringdb", str(tmp_path / "missing.json"))


def test_infra_scenario_prints_a_table_or_json(sample: Any) -> None:
    text = _run("scenario", "cut", "Tonga Sample Cable")
    assert "cut off: TO" in text
    assert any(line.startswith("TO ") and "yes" in line for line in text.splitlines())
    data = json.loads(_run("scenario", "region", "--bbox=-176,-22,-174.5,-20", "--json"))
    assert data["newly_cut_off"] == ["TO"]
    data = json.loads(_run("scenario", "storm", "--trials", "100", "--band", "0,40,1",
                           "--json"))
    assert data["trials"] == 100
    assert {r["country"] for r in data["countries"] if r["p_cut_off"] == 1.0} >= {"TO", "NU"}


def test_infra_scenario_refuses_absurd_parameters(sample: Any) -> None:
    with pytest.raises(CommandError, match=r"must lie in \[10.0, 500.0\]"):
        _run("scenario", "storm", "--spacing", "5", "--trials", "10")
    with pytest.raises(CommandError, match="unknown ready scenario"):
        _run("scenario", "ready", "atlantis-1999")


def test_infra_resilience_lists_countries(sample: Any) -> None:
    data = json.loads(_run("resilience", "TO", "NU", "--json"))
    assert data["TO"]["min_cable_cut"] == 1
    assert "sample-niue-branch" in _run("resilience", "NU")
    with pytest.raises(CommandError, match="not in the network: QQ"):
        _run("resilience", "QQ")
