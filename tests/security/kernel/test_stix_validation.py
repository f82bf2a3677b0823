"""STIX 2.1 object validation: real bundles pass, hand-made invalid objects fail for the
right reason, and the OASIS JSON schema agrees where it can judge."""

from __future__ import annotations

import copy
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cybercommons.security.kernel.stix_validation import (
    ValidationOptions,
    check_pattern,
    collect_references,
    validate_bundle,
    validate_object,
    validate_objects,
)
from cybercommons.security.kernel.tlp import Tlp, marking_definition

NOW = datetime(2024, 1, 1, tzinfo=UTC)
OPTIONS = ValidationOptions(now=NOW)


def indicator(**changes: Any) -> dict[str, Any]:
    base = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2016-04-06T20:03:48.000Z",
        "modified": "2016-04-06T20:03:48.000Z",
        "pattern": "[ipv4-addr:value = '198.51.100.1']",
        "pattern_type": "stix",
        "valid_from": "2016-01-01T00:00:00Z",
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def fields(obj: Any, **kwargs: Any) -> set[str]:
    """The fields the validator reports errors on."""
    return {
        p.field for p in validate_object(obj, options=OPTIONS, **kwargs) if p.severity == "error"
    }


def test_a_minimal_indicator_is_valid(oasis_schema_accepts: Any) -> None:
    assert validate_object(indicator(), options=OPTIONS) == []
    assert oasis_schema_accepts(indicator())


# (change, field reported, whether the OASIS schema also rejects it: the schema cannot
# express dates that do not exist, ordering, pattern grammar or reference target types)
@pytest.mark.parametrize(
    ("changes", "field", "schema_rejects"),
    [
        ({"spec_version": None}, "spec_version", True),
        ({"spec_version": "2.0"}, "spec_version", False),
        ({"created": None}, "created", True),
        ({"pattern": None}, "pattern", True),
        ({"valid_from": None}, "valid_from", True),
        ({"id": "indicator--not-a-uuid"}, "id", True),
        ({"id": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}, "id", True),
        ({"id": "indicator--8e2e2d2b-17d4-4cbf-f38f-98ee46b3cd3f"}, "id", True),
        ({"created": "2016-04-06 20:03:48.000Z"}, "created", True),
        ({"created": "2016-04-06T20:03:48.000+01:00"}, "created", True),
        ({"created": "2016-02-30T20:03:48.000Z"}, "created", False),
        ({"created": "2016-04-06T20:03:48Z"}, "created", True),
        ({"modified": "2016-04-05T20:03:48.000Z"}, "modified", False),
        ({"valid_until": "2015-12-31T00:00:00Z"}, "valid_until", False),
        ({"valid_until": "2016-01-01T00:00:00Z"}, "valid_until", False),
        ({"pattern": "[ipv4-addr:value = '198.51.100.1'"}, "pattern", False),
        (
            {"created_by_ref": "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"},
            "created_by_ref",
            False,
        ),
        ({"object_marking_refs": []}, "object_marking_refs", True),
        ({"object_marking_refs": ["marking-definition--bad"]}, "object_marking_refs[0]", True),
        ({"confidence": 101}, "confidence", True),
        ({"labels": []}, "labels", True),
        (
            {"external_references": [{"url": "https://example.org"}]},
            "external_references[0].source_name",
            True,
        ),
        ({"granular_markings": [{"selectors": ["name"]}]}, "granular_markings[0]", True),
        ({"x-bad-name": 1}, "x-bad-name", True),
    ],
)
def test_it_rejects_an_indicator_with_one_broken_rule(
    changes: dict[str, Any], field: str, schema_rejects: bool, oasis_schema_accepts: Any
) -> None:
    broken = indicator(**changes)
    assert field in fields(broken)
    assert oasis_schema_accepts(broken) is not schema_rejects


def test_it_reports_a_type_that_breaks_the_syntax() -> None:
    for bad in ("ab", "Indicator", "x--y", "x_y", "-xy"):
        obj = {"type": bad, "id": f"{bad}--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}
        assert "type" in fields(obj), bad


def test_it_refuses_objects_from_the_future_beyond_the_skew() -> None:
    soon = (NOW + timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    later = (NOW + timedelta(minutes=6)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert fields(indicator(created=soon, modified=soon)) == set()
    assert fields(indicator(created=later, modified=later)) == {"created", "modified"}
    relaxed = ValidationOptions(now=NOW, max_future_skew=timedelta(hours=1))
    assert validate_object(indicator(created=later, modified=later), options=relaxed) == []


def test_it_names_duplicate_keys_found_in_the_raw_text() -> None:
    raw = json.dumps(indicator())[:-1] + ', "name": "a", "name": "b"}'
    obj = json.loads(raw)
    assert "name" in fields(obj, raw=raw)


def test_it_notices_raw_text_that_differs_from_the_parsed_object() -> None:
    assert "(json)" in fields(indicator(), raw=json.dumps(indicator(name="other")))


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        (
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
                "created": "2016-04-06T20:06:37.000Z",
                "modified": "2016-04-06T20:06:37.000Z",
                "relationship_type": "Indicates",
                "source_ref": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "target_ref": "sighting--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            },
            {"relationship_type", "target_ref"},
        ),
        (
            {
                "type": "sighting",
                "spec_version": "2.1",
                "id": "sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
                "created": "2016-04-06T20:08:31.000Z",
                "modified": "2016-04-06T20:08:31.000Z",
                "sighting_of_ref": "ipv4-addr--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "where_sighted_refs": ["malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
                "first_seen": "2016-04-06T20:00:00Z",
                "last_seen": "2016-04-05T20:00:00Z",
                "count": -1,
            },
            {"sighting_of_ref", "where_sighted_refs[0]", "last_seen", "count"},
        ),
        (
            {
                "type": "location",
                "spec_version": "2.1",
                "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64",
                "created": "2016-04-06T20:03:00.000Z",
                "modified": "2016-04-06T20:03:00.000Z",
                "latitude": 95.0,
            },
            {"region / country / latitude+longitude", "latitude / longitude", "latitude"},
        ),
        (
            {
                "type": "malware",
                "spec_version": "2.1",
                "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
                "created": "2016-04-06T20:07:09.000Z",
                "modified": "2016-04-06T20:07:09.000Z",
                "is_family": True,
            },
            {"name"},
        ),
        (
            {"type": "file", "id": "file--5a27d487-c542-5f97-a131-a8866b477b46"},
            {"hashes / name"},
        ),
        (
            {
                "type": "file",
                "id": "file--5a27d487-c542-5f97-a131-a8866b477b46",
                "hashes": {"MD5": "not-hex"},
            },
            {"hashes.MD5"},
        ),
        (
            {
                "type": "observed-data",
                "spec_version": "2.1",
                "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
                "created": "2016-04-06T19:58:16.000Z",
                "modified": "2016-04-06T19:58:16.000Z",
                "first_observed": "2015-12-21T19:00:00Z",
                "last_observed": "2015-12-21T19:00:00Z",
                "number_observed": 0,
            },
            {"number_observed", "object_refs / objects"},
        ),
        (
            {
                "type": "language-content",
                "spec_version": "2.1",
                "id": "language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d",
                "created": "2017-02-08T21:31:22.007Z",
                "modified": "2017-02-08T21:31:22.007Z",
                "object_ref": "campaign--12a111f0-b824-4baf-a224-83b80237a094",
                "contents": {"de": "Bank Angriff 1"},
            },
            {"contents"},
        ),
        (
            {
                "type": "extension-definition",
                "spec_version": "2.1",
                "id": "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e",
                "created": "2014-02-20T09:16:08.989Z",
                "modified": "2014-02-20T09:16:08.989Z",
                "name": "New SDO 1",
                "schema": "https://www.example.com/schema-newsdo-1/v1/",
                "version": "1.2.1",
                "extension_types": ["new-thing"],
            },
            {"created_by_ref", "extension_types"},
        ),
        (
            {
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41db",
                "created": "2017-01-20T00:00:00.000Z",
                "definition_type": "tlp",
                "definition": {"tlp": "green"},
            },
            {"id"},
        ),
        (
            {"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"},
            {"type", "spec_version"},
        ),
    ],
)
def test_it_applies_the_rules_of_each_object_kind(obj: dict[str, Any], field: set[str]) -> None:
    assert fields(obj) == field


def test_the_published_tlp2_marking_definitions_are_valid() -> None:
    for level in Tlp:
        assert validate_object(marking_definition(level), options=OPTIONS) == []


def test_a_tlp2_marking_under_a_wrong_id_is_rejected() -> None:
    marking = marking_definition(Tlp.RED)
    marking["id"] = marking_definition(Tlp.GREEN)["id"]
    assert fields(marking) == {"id"}


def test_a_custom_reference_with_a_bad_value_is_only_a_warning() -> None:
    obj = indicator(x_acme_source_ref="")
    problems = validate_object(obj, options=OPTIONS)
    assert [(p.field, p.severity) for p in problems] == [("x_acme_source_ref", "warning")]


def test_the_pattern_check_points_at_the_error_column() -> None:
    assert check_pattern("[ipv4-addr:value = '198.51.100.1']").ok
    broken = check_pattern("[ipv4-addr:value = '198.51.100.1'")
    assert not broken.ok
    # The closing bracket is missing right after the 33rd character.
    assert (broken.line, broken.column) == (1, 34)
    assert "]" in broken.message
    unquoted = check_pattern("[ipv4-addr:value = 198.51.100.1]")
    assert (unquoted.line, unquoted.column) == (1, 26)  # at ".100"
    assert not check_pattern("").ok


def test_one_bad_object_does_not_block_its_neighbours() -> None:
    bundle = {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [indicator(), indicator(pattern_type="stix", pattern="[x"), "not an object"],
    }
    result = validate_bundle(bundle, options=OPTIONS)
    assert result.problems == ()
    assert [r.ok for r in result.objects] == [True, False, False]
    assert result.objects[1].errors[0].field == "pattern"
    assert len(result.valid_objects) == 1


def test_a_malformed_bundle_is_reported_as_a_whole() -> None:
    assert validate_bundle(None, raw=b"{not json").problems[0].field == "(json)"
    result = validate_bundle({"type": "bundle", "id": "bundle--x", "objects": {}})
    assert {p.field for p in result.problems} == {"id", "objects"}


EXAMPLES = [
    "stix21/examples/indicator-for-c2-ip-address.json",
    "stix21/examples/indicator-to-campaign-relationship.json",
    "stix21/examples/indicators-for-C2-with-COA.json",
    "stix21/examples/infrastructure.json",
    "stix21/examples/malicious-email-indicator-with-attachment.json",
    "stix21/examples/threat-reports/apt1.json",
    "stix21/examples/threat-reports/poisonivy.json",
    "mitre_attack/ics-attack.json",
]


@pytest.mark.realdata
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_object_of_the_real_bundles_validates(shared_data: Path, name: str) -> None:
    raw = (shared_data / "threat_intel" / name).read_bytes()
    result = validate_bundle(None, raw=raw)
    assert result.problems == ()
    assert len(result.objects) == len(json.loads(raw)["objects"]) > 0
    failures = {r.id: [str(p) for p in r.errors] for r in result.invalid_objects}
    assert failures == {}


@pytest.mark.realdata
def test_the_bare_example_object_validates(shared_data: Path) -> None:
    path = shared_data / "threat_intel/stix21/examples/interop-objectmarking-test.json"
    raw = path.read_text(encoding="utf-8")
    assert validate_object(json.loads(raw), raw=raw) == []


@pytest.mark.realdata
def test_the_real_bundles_pass_the_oasis_schema_too(
    shared_data: Path, oasis_schema_accepts: Any
) -> None:
    """A cross-check that the oracle itself is wired right on the same objects."""
    bundle = json.loads((shared_data / "threat_intel" / EXAMPLES[6]).read_text(encoding="utf-8"))
    checked = [o for o in bundle["objects"] if o["type"] in {"indicator", "malware", "campaign"}]
    assert checked
    assert all(oasis_schema_accepts(o) for o in checked)


@pytest.mark.realdata
def test_the_medallion_data_validates_except_its_one_stix20_object(shared_data: Path) -> None:
    data = json.loads(
        (shared_data / "threat_intel/taxii21/medallion_default_data.json").read_text("utf-8")
    )
    objects = [
        obj
        for root in ("api1", "api2", "trustgroup1")
        for collection in data[root]["collections"]
        for obj in collection.get("objects", [])
    ]
    results = list(validate_objects(objects))
    assert len(results) == 8
    failures = {(r.id, r.version): [str(p) for p in r.errors] for r in results if not r.ok}
    # The collection advertises STIX 2.0 and 2.1; this version of the malware has no
    # spec_version, which makes it a STIX 2.0 object.
    assert failures == {
        ("malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec", "2018-02-23T18:30:00.000Z"): [
            "spec_version: is required (an object without it is STIX 2.0, not 2.1)"
        ]
    }


def test_validation_does_not_change_the_object() -> None:
    obj = indicator()
    before = copy.deepcopy(obj)
    validate_object(obj, options=OPTIONS)
    assert obj == before


def test_the_fast_path_for_simple_patterns_agrees_with_the_full_parser() -> None:
    from stix2patterns.validator import run_validator

    from cybercommons.security.kernel.stix_validation import _check_simple_comparison

    rng = random.Random(7)
    types = ["ipv4-addr", "domain-name", "url", "file", "email-addr", "x-custom", "mutex"]
    paths = ["value", "name", "hashes.MD5", "hashes.'SHA-256'", "hashes.'SHA-1'", "hashes.SSDEEP"]
    literals = [
        "198.51.100.1",
        "d41d8cd98f00b204e9800998ecf8427e",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "o\\'brien",
        "back\\\\slash",
        "bad\\escape",
        "ünïcode",
        "",
        "x' OR '1",
    ]
    decided = 0
    for _ in range(400):
        pattern = f"[{rng.choice(types)}:{rng.choice(paths)} = '{rng.choice(literals)}']"
        fast = _check_simple_comparison(pattern)
        if fast is None:
            continue
        decided += 1
        assert fast.ok is (run_validator(pattern, stix_version="2.1") == []), pattern
    assert decided > 100


def test_a_duplicate_key_inside_a_bundle_marks_only_its_object() -> None:
    good = json.dumps(indicator())
    twice = json.dumps(indicator(id="indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"))
    twice = twice[:-1] + ', "name": "a", "name": "b"}'
    raw = (
        '{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", '
        f'"objects": [{good}, {twice}]}}'
    )
    result = validate_bundle(None, raw=raw, options=OPTIONS)
    assert [r.ok for r in result.objects] == [True, False]
    assert [p.field for p in result.objects[1].errors] == ["name"]


def test_it_collects_every_reference_an_object_makes() -> None:
    identity = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"
    marking = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
    ipv4 = "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"
    traffic = {
        "type": "network-traffic",
        "id": "network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d",
        "src_ref": ipv4,
        "protocols": ["tcp"],
        "granular_markings": [{"marking_ref": marking, "selectors": ["protocols"]}],
        "object_marking_refs": [marking],
        "extensions": {"x-ext": {"x_owner_ref": identity, "x_empty_ref": ""}},
    }
    assert collect_references(traffic) == {identity, marking, ipv4}


def test_deeply_nested_input_is_a_problem_not_a_crash() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(5000):
        node["x_child"] = {}
        node = node["x_child"]
    assert fields(indicator(x_nested=deep)) == {"(object)"}
    raw = (
        '{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": ['
        + "[" * 100000
        + "]" * 100000
        + "]}"
    )
    assert validate_bundle(None, raw=raw).problems[0].field == "(json)"
