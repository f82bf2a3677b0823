"""The add path's building blocks: one parse per envelope element, the row it stores,
the timestamps it reads and writes, the references it records, the indexes it feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection

from cybercommons.security import services, version_rows
from cybercommons.security.envelope_reader import read_objects
from cybercommons.security.kernel.stix_timestamps import (
    TimestampError,
    format_taxii_timestamp,
    parse_timestamp,
    taxii_text,
)
from cybercommons.security.kernel.stix_validation import load_json_at, validate_object
from cybercommons.security.kernel.tlp import Tlp
from cybercommons.security.models import StixObject
from cybercommons.security.stix_references import referenced_ids
from tests.security.cast import TAXII, World, basic, envelope, indicator, objects_url, taxii_client

IDENTITY = "identity--5b0e6c4b-1a1f-4c0a-9a0e-2f3f3e0b7a11"


# --- One parse per element ------------------------------------------------------------------


def test_each_element_keeps_its_exact_text_and_its_parsed_value() -> None:
    body = '{"more": false, "objects": [ {"a": 1,  "b": [2, {"c": 3}]} ,{"d":"é"}]}'
    members, items = read_objects(body.encode())
    assert members == {"more": False}
    assert [item.raw for item in items] == ['{"a": 1,  "b": [2, {"c": 3}]}', '{"d":"é"}']
    assert [item.value for item in items] == [{"a": 1, "b": [2, {"c": 3}]}, {"d": "é"}]


def test_load_json_at_returns_the_value_and_where_it_ends() -> None:
    text = 'xx{"a": {"b": 1}} tail'
    value, end = load_json_at(text, 2)
    assert value == {"a": {"b": 1}}
    assert text[2:end] == '{"a": {"b": 1}}'


@pytest.mark.parametrize(("element", "where"), [
    ('{"name": "a", "name": "b"}', "name"),
    ('{"external_references": [{"source_name": "x", "source_name": "y", "url": "u"}]}',
     "external_references[0].source_name"),
    ('{"extensions": {"x-ext": {"k": {"deep": 1, "deep": 2}}}}', "extensions.x-ext.k.deep"),
])
def test_a_repeated_key_anywhere_in_an_element_is_named(element: str, where: str) -> None:
    base = json.dumps(indicator(1))[:-1]
    text = base + ", " + element[1:]
    _members, items = read_objects('{"objects": [' + text + "]}")
    problems = [str(p) for p in validate_object(items[0].value)]
    assert any(p.startswith(where) and "more than once" in p for p in problems), problems


def test_an_element_without_repeated_keys_reports_none() -> None:
    obj = indicator(1, external_references=[{"source_name": "x", "url": "https://a.example"}])
    _members, items = read_objects(envelope(obj))
    assert validate_object(items[0].value) == []


def test_the_taxii_status_names_a_nested_repeated_key(world: World) -> None:
    text = json.dumps(indicator(1))[:-1] + (
        ', "external_references": [{"source_name": "x", "source_name": "y", "url": "u"}]}')
    client = taxii_client(basic(world.alice))
    response = client.post(objects_url(world), '{"objects": [' + text + "]}",
                           content_type=TAXII)
    assert response.status_code == 202
    body = response.json()
    assert body["success_count"] == 0
    assert "external_references[0].source_name" in body["failures"][0]["message"]


# --- Timestamps -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
    ("2024-01-01T00:00:00.5Z", datetime(2024, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)),
    ("2024-01-01T00:00:00.12Z", datetime(2024, 1, 1, 0, 0, 0, 120_000, tzinfo=UTC)),
    ("2024-01-01T00:00:00.123Z", datetime(2024, 1, 1, 0, 0, 0, 123_000, tzinfo=UTC)),
    ("2024-01-01T00:00:00.1234Z", datetime(2024, 1, 1, 0, 0, 0, 123_400, tzinfo=UTC)),
    ("2024-01-01T00:00:00.12345Z", datetime(2024, 1, 1, 0, 0, 0, 123_450, tzinfo=UTC)),
    ("2024-01-01T00:00:00.123456Z", datetime(2024, 1, 1, 0, 0, 0, 123_456, tzinfo=UTC)),
    ("2024-01-01T00:00:00.123456789Z", datetime(2024, 1, 1, 0, 0, 0, 123_456, tzinfo=UTC)),
    ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)),
    ("2024-02-29T12:30:45.001Z", datetime(2024, 2, 29, 12, 30, 45, 1000, tzinfo=UTC)),
    ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
])
def test_timestamps_parse_to_the_instant_they_write(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("text", [
    "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.123Z",
    "2024-01-01T00:00:00.123456Z", "2024-01-01T00:00:00.123456789Z", "2016-12-31T23:59:60Z",
    "2016-12-31T23:59:60.5Z", "0999-12-31T23:59:59.999Z",
])
def test_the_version_key_text_is_the_taxii_form_of_the_instant(text: str) -> None:
    assert taxii_text(text) == format_taxii_timestamp(parse_timestamp(text))


def test_the_version_key_text_refuses_what_parsing_refuses() -> None:
    with pytest.raises(TimestampError, match="day is out of range"):
        taxii_text("2023-02-29T00:00:00.000Z")
    with pytest.raises(TimestampError, match="not an RFC 3339"):
        taxii_text("2023-02-28")


@pytest.mark.parametrize(("text", "reason"), [
    ("2023-02-29T00:00:00Z", "is not a real date and time: day is out of range for month"),
    ("2024-01-01T24:00:00Z", "is not a real date and time: hour must be in 0..23"),
    ("2024-01-01T00:00:00+00:00", "is not an RFC 3339 UTC timestamp"),
    ("2024-01-01 00:00:00Z", "is not an RFC 3339 UTC timestamp"),
])
def test_impossible_or_loose_timestamps_are_refused_with_the_reason(text: str,
                                                                    reason: str) -> None:
    with pytest.raises(TimestampError, match=reason):
        parse_timestamp(text)


def test_taxii_timestamps_are_written_in_utc_with_six_digits() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert (format_taxii_timestamp(datetime(2024, 1, 1, 2, 0, 0, 5, tzinfo=plus_two))
            == "2024-01-01T00:00:00.000005Z")
    assert (format_taxii_timestamp(datetime(987, 6, 5, 4, 3, 2, tzinfo=UTC))
            == "0987-06-05T04:03:02.000000Z")


# --- References -----------------------------------------------------------------------------


def test_references_are_found_when_the_key_is_written_with_escapes() -> None:
    raw = '{"id": "x--1", "created_by_re\\u0066": "' + IDENTITY + '"}'
    assert referenced_ids(json.loads(raw), raw) == {IDENTITY}


def test_an_object_whose_text_names_no_reference_key_names_nothing() -> None:
    obj = indicator(1)
    assert referenced_ids(obj, json.dumps(obj)) == set()
    named = indicator(2, created_by_ref=IDENTITY)
    assert referenced_ids(named, json.dumps(named)) == {IDENTITY}


# --- Rows ------------------------------------------------------------------------------------


def _stored(world: World) -> list[dict[str, object]]:
    return list(StixObject.objects.filter(collection=world.collection).order_by("seq")
                .values(*version_rows.INSERT_COLUMNS))


@pytest.mark.django_db
def test_the_row_builder_gives_what_the_add_path_stores(world: World) -> None:
    objects = [indicator(1), indicator(2, tlp=Tlp.RED, created_by_ref=IDENTITY),
               indicator(3, tlp=Tlp.GREEN, labels=["a", "b"])]
    services.add_python_objects(world.alice, world.collection, objects)
    stored = _stored(world)
    for row, obj in zip(stored, objects, strict=True):
        built = services.build_version_row(
            obj, json.dumps(obj, ensure_ascii=False), collection=world.collection,
            owner_id=world.cert.pk, actor_id=world.alice.pk,
            stamps=services.version_stamps(obj), seq=row["seq"], added=row["date_added"])
        assert built == row
    assert [(row["tlp"], row["tlp_rank"]) for row in stored] == [
        ("amber", 2), ("red", 4), ("green", 1)]


@pytest.mark.django_db
def test_the_collection_level_caps_the_rank_of_each_collection(world: World) -> None:
    strict = services.create_collection(world.alice, world.root, owner=world.cert,
                                        title="Strict", tlp="amber", default_tlp="green")
    for collection in (world.collection, strict):
        services.add_python_objects(world.alice, collection, [indicator(5, tlp=Tlp.GREEN)])
    ranks = dict(StixObject.objects.values_list("collection_id", "tlp_rank"))
    assert ranks == {world.collection.pk: 1, strict.pk: 2}


@pytest.mark.django_db
def test_a_datetime_in_another_zone_is_stored_as_the_same_instant(world: World) -> None:
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2024, 3, 1, 14, 0, 0, 250_000, tzinfo=plus_two)
    obj = indicator(7)
    row = services.build_version_row(obj, json.dumps(obj), collection=world.collection,
                                     owner_id=world.cert.pk, actor_id=world.alice.pk,
                                     stamps=services.version_stamps(obj), seq=99,
                                     added=moment)
    version_rows.insert([row])
    stored = StixObject.objects.get(seq=99)
    assert stored.date_added == datetime(2024, 3, 1, 12, 0, 0, 250_000, tzinfo=UTC)
    assert stored.created == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.django_db
def test_a_new_version_in_one_request_with_the_old_one_sets_the_flags(world: World) -> None:
    old, new = indicator(1), indicator(1, modified="2024-02-01T00:00:00.000Z")
    services.add_python_objects(world.alice, world.collection, [new, old])
    flags = list(StixObject.objects.order_by("version")
                 .values_list("version_key", "is_first", "is_latest"))
    assert flags == [("2024-01-01T00:00:00.000000Z", True, False),
                     ("2024-02-01T00:00:00.000000Z", False, True)]


# --- Indexes ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_version_table_has_no_index_another_one_covers() -> None:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, StixObject._meta.db_table)
        references = connection.introspection.get_constraints(cursor, "security_stixreference")
    indexed = {tuple(c["columns"]) for c in found.values() if c["index"] or c["unique"]}
    assert ("collection_id",) not in indexed
    assert ("stix_id", "collection_id", "version_key") in indexed
    assert ("collection_id", "seq") in indexed
    referenced = {tuple(c["columns"]) for c in references.values()
                  if c["index"] or c["unique"]}
    assert ("source_id",) not in referenced
    assert ("source_id", "target_id") in referenced
    assert ("target_id", "source_id") in referenced


@pytest.mark.django_db
def test_an_object_posted_twice_in_one_envelope_is_stored_once(world: World) -> None:
    client = taxii_client(basic(world.alice))
    obj = indicator(4, tlp=Tlp.GREEN)
    response = client.post(objects_url(world), envelope(obj, obj), content_type=TAXII)
    body = response.json()
    assert (body["success_count"], StixObject.objects.count()) == (2, 1)
    assert [s.get("message") for s in body["successes"]] == ["duplicate in this request", None]


@pytest.mark.django_db
def test_the_stored_text_is_byte_for_byte_what_arrived(world: World) -> None:
    """Whitespace, escapes, backslashes and non-ASCII text survive the store (on
    PostgreSQL the rows travel by binary COPY, on SQLite by INSERT)."""
    first = indicator(11, description='tab\there, "quoted", back\\slash, '
                                      "\u0645\u0631\u062d\u0628\u0627, \U0001f512")
    sco = {"type": "ipv4-addr", "spec_version": "2.1",
           "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "198.51.100.3"}
    texts = [json.dumps(first, indent="\t", ensure_ascii=False),
             json.dumps(sco, separators=(",", ":"))]
    body = '{"objects": [\n' + ",\r\n  ".join(texts) + "\n]}"
    response = taxii_client(basic(world.alice)).post(objects_url(world), body,
                                                     content_type=TAXII)
    assert response.status_code == 202, response.content
    rows = list(StixObject.objects.filter(collection=world.collection).order_by("seq")
                .values("raw", "created", "modified", "version_key", "added_by_id"))
    assert [row["raw"] for row in rows] == texts
    assert rows[1]["created"] is None
    assert rows[1]["modified"] is None
    assert rows[1]["version_key"] == ""
    assert rows[0]["added_by_id"] == world.alice.pk
