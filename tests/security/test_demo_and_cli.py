"""The demo sample loads twice without duplicates; the ``security`` command imports and lists."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError

from cybercommons.security import demo, policy
from cybercommons.security.models import ApiRoot, Collection, SharingGroup, StixObject
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_without_duplicates() -> None:
    out = io.StringIO()
    demo.load(out)
    counts = (ApiRoot.objects.count(), Collection.objects.count(),
              SharingGroup.objects.count(), StixObject.objects.count())
    demo.load()
    assert counts == (ApiRoot.objects.count(), Collection.objects.count(),
                      SharingGroup.objects.count(), StixObject.objects.count())
    assert counts == (1, 2, 1, 8)
    assert "8 object versions" in out.getvalue()


def test_the_demo_shows_only_clear_objects_to_anonymous_visitors() -> None:
    demo.load()
    visible = list(policy.objects(AnonymousUser()).values_list("tlp", flat=True))
    assert visible == ["clear"]


def test_the_cli_imports_a_csv_and_lists_collections(world: World, tmp_path: Path) -> None:
    path = tmp_path / "iocs.csv"
    path.write_text("type,value\nipv4-addr,192.0.2.77\nipv4-addr,not-an-ip\n", encoding="utf-8")
    out = io.StringIO()
    call_command("security", "import", "csv", str(path), "--collection", "indicators",
                 "--user", "bob", "--json", stdout=out)
    report = json.loads(out.getvalue())[0]
    assert report["stored"] == 1
    assert len(report["problems"]) == 1
    listing = io.StringIO()
    call_command("security", "collections", "--json", stdout=listing)
    assert json.loads(listing.getvalue())[0]["objects"] == 1


def test_the_cli_refuses_unknown_collections_and_accounts(world: World, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"type": "bundle", "objects": [indicator(1)]}), encoding="utf-8")
    with pytest.raises(CommandError, match="no collection"):
        call_command("security", "import", "stix", str(path), "--collection", "nope",
                     "--user", "bob")
    with pytest.raises(CommandError, match="no account"):
        call_command("security", "import", "stix", str(path), "--collection", "indicators",
                     "--user", "nobody")
