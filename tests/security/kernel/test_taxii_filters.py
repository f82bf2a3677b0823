"""TAXII 2.1 filters, paging tokens and media types, checked against the specification."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from taxii2client import MEDIA_TYPE_TAXII_V21

from cybercommons.security.kernel.stix_timestamps import (
    format_stix_timestamp,
    format_taxii_timestamp,
    parse_timestamp,
)
from cybercommons.security.kernel.taxii_errors import TaxiiError
from cybercommons.security.kernel.taxii_filters import (
    Endpoint,
    VersionRecord,
    VersionSelector,
    apply_filters,
    parse_filters,
    spec_version_of,
    version_of,
)
from cybercommons.security.kernel.taxii_media_types import (
    STIX_21,
    TAXII_21,
    check_content_type,
    negotiate,
    negotiate_taxii,
)
from cybercommons.security.kernel.taxii_paging import (
    PagePosition,
    date_added_headers,
    decode_cursor,
    encode_cursor,
    take_page,
)
from cybercommons.security.kernel.taxii_resources import (
    envelope,
    manifest,
    manifest_record,
    versions,
)

KEY = b"test-paging-key"
ID_A = "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"


def ts(text: str) -> datetime:
    return parse_timestamp(text)


# Filters: parsing and defaults


def test_it_parses_every_filter_of_the_objects_endpoint() -> None:
    spec = parse_filters(
        {
            "match[id]": f"{ID_A},malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec",
            "match[type]": "indicator,malware",
            "match[version]": "first,2016-12-25T12:30:59.444Z",
            "match[spec_version]": "2.0,2.1",
            "added_after": "2016-11-01T03:04:05.000000Z",
            "limit": "50",
        },
        Endpoint.OBJECTS,
    )
    assert spec.ids == {ID_A, "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec"}
    assert spec.types == {"indicator", "malware"}
    assert spec.versions == VersionSelector(
        first=True, timestamps=frozenset({ts("2016-12-25T12:30:59.444Z")})
    )
    assert spec.spec_versions == {"2.0", "2.1"}
    assert spec.added_after == datetime(2016, 11, 1, 3, 4, 5, tzinfo=UTC)
    assert spec.limit == 50
    assert spec.ignored == ()


@pytest.mark.parametrize("parameter", ["match[type]", "added_after", "limit", "next"])
def test_a_parameter_given_twice_is_a_400(parameter: str) -> None:
    # "each <field> MUST NOT occur more than once"; added_after/limit/next are single.
    with pytest.raises(TaxiiError, match=r"given once") as caught:
        parse_filters({parameter: ["a", "b"]}, Endpoint.OBJECTS)
    assert caught.value.http_status == 400
    assert parse_filters({"match[type]": ["indicator"]}, Endpoint.OBJECTS).types == {"indicator"}


@pytest.mark.parametrize(
    ("endpoint", "versions"),
    [
        (Endpoint.OBJECTS, VersionSelector(last=True)),
        (Endpoint.MANIFEST, VersionSelector(last=True)),
        (Endpoint.OBJECT, VersionSelector(last=True)),
        (Endpoint.VERSIONS, VersionSelector(all=True)),
        (Endpoint.DELETE_OBJECT, VersionSelector(all=True)),
    ],
)
def test_without_match_version_each_endpoint_applies_its_default(
    endpoint: Endpoint, versions: VersionSelector
) -> None:
    spec = parse_filters({}, endpoint, default_limit=100)
    assert spec.versions == versions
    assert spec.spec_versions is None
    assert spec.limit == 100


def test_filters_an_endpoint_does_not_support_are_ignored_and_listed() -> None:
    spec = parse_filters(
        {"match[id]": ID_A, "match[type]": "indicator", "match[foo]": "x", "sort": "asc"},
        Endpoint.VERSIONS,
    )
    assert spec.ids is None
    assert spec.types is None
    assert spec.ignored == ("match[foo]", "match[id]", "match[type]", "sort")


def test_a_limit_above_the_server_maximum_is_capped() -> None:
    assert parse_filters({"limit": "999999"}, Endpoint.OBJECTS, max_limit=1000).limit == 1000


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"match[id]": "indicator"}, "match[id]"),
        ({"match[id]": f"{ID_A},"}, "match[id]"),
        ({"match[type]": "Indicator"}, "match[type]"),
        ({"match[type]": ""}, "match[type]"),
        ({"match[version]": "latest"}, "match[version]"),
        ({"match[version]": "first,first"}, "match[version]"),
        ({"match[version]": "all,last"}, "match[version]"),
        (
            {"match[version]": "2016-12-25T12:30:59.444Z,2016-12-25T12:30:59.4440Z"},
            "match[version]",
        ),
        ({"match[version]": "2016-12-25T12:30:59+01:00"}, "match[version]"),
        ({"match[spec_version]": "two"}, "match[spec_version]"),
        ({"added_after": "yesterday"}, "added_after"),
        ({"added_after": "2016-11-01"}, "added_after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"next": ""}, "next"),
    ],
)
def test_a_malformed_filter_is_a_400_naming_the_parameter(
    params: dict[str, str], parameter: str
) -> None:
    with pytest.raises(TaxiiError) as caught:
        parse_filters(params, Endpoint.OBJECTS)
    error = caught.value
    assert error.http_status == 400
    assert error.description.startswith(parameter + ":")
    resource = error.to_error_resource()
    assert resource["http_status"] == "400"
    assert resource["details"] == {"parameter": parameter}


def test_the_fingerprint_changes_with_the_selection_but_not_with_limit() -> None:
    base = parse_filters({"match[type]": "indicator", "limit": "10"}, Endpoint.OBJECTS)
    same = parse_filters({"match[type]": "indicator", "limit": "99"}, Endpoint.OBJECTS)
    other = parse_filters({"match[type]": "malware", "limit": "10"}, Endpoint.OBJECTS)
    assert base.fingerprint("c1") == same.fingerprint("c1")
    assert base.fingerprint("c1") != other.fingerprint("c1")
    assert base.fingerprint("c1") != base.fingerprint("c2")


# Filters applied to version records


def medallion_records(shared_data: Path) -> list[VersionRecord]:
    data = json.loads(
        (shared_data / "threat_intel/taxii21/medallion_default_data.json").read_text("utf-8")
    )
    collection = next(
        c
        for c in data["trustgroup1"]["collections"]
        if c["id"] == "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
    )
    added = {(m["id"], m["version"]): ts(m["date_added"]) for m in collection["manifest"]}
    records = []
    for sequence, obj in enumerate(collection["objects"]):
        version_text = obj.get("modified", obj.get("created"))
        date_added = added.get((obj["id"], version_text), ts("2020-01-01T00:00:00Z"))
        records.append(
            VersionRecord(
                id=obj["id"],
                type=obj["type"],
                version=version_of(obj, date_added),
                spec_version=spec_version_of(obj),
                date_added=date_added,
                sequence=sequence,
            )
        )
    return records


def versions_of(records: list[VersionRecord], object_id: str) -> list[str]:
    return [format_stix_timestamp(r.version) for r in records if r.id == object_id]


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("match_version", "expected"),
    [
        ("last", ["2017-01-27T13:49:53.935Z"]),
        ("first", ["2016-11-03T12:30:59.000Z"]),
        ("first,last", ["2016-11-03T12:30:59.000Z", "2017-01-27T13:49:53.935Z"]),
        (
            "all",
            ["2016-11-03T12:30:59.000Z", "2016-12-25T12:30:59.444Z", "2017-01-27T13:49:53.935Z"],
        ),
        ("2016-12-25T12:30:59.444Z", ["2016-12-25T12:30:59.444Z"]),
        ("2016-12-25T12:30:59.445Z", []),
    ],
)
def test_match_version_selects_among_the_versions_of_the_medallion_indicator(
    shared_data: Path, match_version: str, expected: list[str]
) -> None:
    spec = parse_filters({"match[id]": ID_A, "match[version]": match_version}, Endpoint.OBJECTS)
    chosen = apply_filters(medallion_records(shared_data), spec)
    assert sorted(versions_of(chosen, ID_A)) == expected


@pytest.mark.realdata
def test_without_match_spec_version_only_the_newest_stix_version_is_returned(
    shared_data: Path,
) -> None:
    records = medallion_records(shared_data)
    malware = "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec"
    # Its 2018 version has no spec_version (STIX 2.0), its 2017 version is STIX 2.1.
    newest = apply_filters(records, parse_filters({"match[id]": malware}, Endpoint.OBJECTS))
    assert [(r.spec_version, format_stix_timestamp(r.version)) for r in newest] == [
        ("2.1", "2017-01-27T13:49:53.997Z")
    ]
    old = apply_filters(
        records,
        parse_filters({"match[id]": malware, "match[spec_version]": "2.0"}, Endpoint.OBJECTS),
    )
    assert [(r.spec_version, format_stix_timestamp(r.version)) for r in old] == [
        ("2.0", "2018-02-23T18:30:00.000Z")
    ]


@pytest.mark.realdata
def test_added_after_is_strict_and_results_come_in_date_added_order(shared_data: Path) -> None:
    records = medallion_records(shared_data)
    spec = parse_filters(
        {"added_after": "2016-11-01T03:04:05.000000Z", "match[version]": "all"}, Endpoint.OBJECTS
    )
    chosen = apply_filters(records, spec)
    assert chosen
    assert all(r.date_added > ts("2016-11-01T03:04:05Z") for r in chosen)
    assert [r.date_added for r in chosen] == sorted(r.date_added for r in chosen)
    # The version added exactly at the boundary is excluded.
    assert "indicator--cd981c25-8042-4166-8945-51178443bdac" not in {r.id for r in chosen}


def test_last_is_a_property_of_the_object_not_of_the_added_after_window() -> None:
    t0 = ts("2024-01-01T00:00:00Z")
    old = VersionRecord(ID_A, "indicator", t0, "2.1", t0 + timedelta(days=2), 2)
    new = VersionRecord(ID_A, "indicator", t0 + timedelta(days=1), "2.1", t0, 1)
    # The older version was back-filled after the newer one was added.
    spec = parse_filters({"added_after": format_taxii_timestamp(t0)}, Endpoint.OBJECTS)
    assert apply_filters([old, new], spec) == []
    spec_all = parse_filters(
        {"added_after": format_taxii_timestamp(t0), "match[version]": "all"}, Endpoint.OBJECTS
    )
    assert apply_filters([old, new], spec_all) == [old]


def test_objects_without_modified_use_created_then_date_added_as_version() -> None:
    added = ts("2024-05-01T00:00:00.123456Z")
    assert version_of({"created": "2020-01-01T00:00:00.000Z"}, added) == ts("2020-01-01T00:00:00Z")
    assert version_of({"type": "ipv4-addr", "value": "198.51.100.1"}, added) == added
    assert spec_version_of({"type": "ipv4-addr"}) == "2.1"
    assert spec_version_of({"type": "malware"}) == "2.0"


# Paging


def record(sequence: int, added: datetime) -> VersionRecord:
    return VersionRecord(
        f"indicator--00000000-0000-4000-8000-{sequence:012d}",
        "indicator",
        added,
        "2.1",
        added,
        sequence,
    )


def position(r: VersionRecord) -> PagePosition:
    return PagePosition(r.date_added, r.sequence)


@pytest.mark.parametrize("seed", range(8))
def test_paging_returns_every_object_exactly_once_while_new_ones_arrive(seed: int) -> None:
    rng = random.Random(seed)
    clock = ts("2024-01-01T00:00:00Z")
    store: list[VersionRecord] = []
    sequence = 0

    def add(count: int) -> None:
        nonlocal clock, sequence
        for _ in range(count):
            # Several rows may share a date_added; the sequence breaks the tie.
            clock += timedelta(microseconds=rng.choice([0, 0, 1, 1000]))
            sequence += 1
            store.append(record(sequence, clock))

    add(rng.randint(0, 40))
    spec = parse_filters({"limit": str(rng.randint(1, 7))}, Endpoint.OBJECTS)
    fingerprint = spec.fingerprint("collection-1")
    seen: list[int] = []
    token: str | None = None
    for _ in range(1000):
        after = decode_cursor(token, fingerprint, KEY) if token else None
        page = take_page(store, after, spec.limit, position)
        seen.extend(r.sequence for r in page.items)
        add(rng.randint(0, 3))  # objects arriving between two page requests
        if not page.more:
            break
        assert page.last_position is not None
        token = encode_cursor(page.last_position, fingerprint, KEY)
    arrived_before_the_end = [r.sequence for r in store][: len(seen)]
    assert seen == arrived_before_the_end
    assert len(seen) == len(set(seen))


def test_a_deep_page_starts_right_after_the_previous_one() -> None:
    t0 = ts("2024-01-01T00:00:00Z")
    store = [record(i, t0 + timedelta(seconds=i // 3)) for i in range(1, 3001)]
    page = take_page(store, PagePosition(store[1999].date_added, 2000), 1000, position)
    assert [r.sequence for r in page.items] == list(range(2001, 3001))
    assert page.more is False
    assert take_page(store, None, 1000, position).more is True


def test_a_tampered_paging_token_is_refused() -> None:
    token = encode_cursor(PagePosition(ts("2024-01-01T00:00:00Z"), 7), "fp", KEY)
    payload, signature = token.split(".")
    forged_payload = encode_cursor(PagePosition(ts("2024-01-01T00:00:00Z"), 1), "fp", b"other")
    for bad in (
        payload + "x." + signature,
        forged_payload,
        forged_payload.split(".")[0] + "." + signature,
        "garbage",
        "a.b.c",
    ):
        with pytest.raises(TaxiiError) as caught:
            decode_cursor(bad, "fp", KEY)
        assert caught.value.http_status == 400
    assert decode_cursor(token, "fp", KEY) == PagePosition(ts("2024-01-01T00:00:00Z"), 7)


def test_a_paging_token_is_bound_to_its_filters_and_can_expire() -> None:
    issued = ts("2024-01-01T00:00:00Z")
    token = encode_cursor(PagePosition(issued, 7), "fp-a", KEY, issued_at=issued)
    with pytest.raises(TaxiiError, match="other filters"):
        decode_cursor(token, "fp-b", KEY)
    with pytest.raises(TaxiiError, match="expired"):
        decode_cursor(
            token, "fp-a", KEY, max_age=timedelta(hours=1), now=issued + timedelta(hours=2)
        )
    assert decode_cursor(token, "fp-a", KEY, max_age=timedelta(hours=1), now=issued).sequence == 7


def test_timestamps_are_written_with_microseconds_as_taxii_shows() -> None:
    moment = datetime(2016, 11, 1, 3, 4, 5, tzinfo=UTC)
    assert format_taxii_timestamp(moment) == "2016-11-01T03:04:05.000000Z"
    assert format_taxii_timestamp(ts("2016-11-03T12:30:59.001Z")) == "2016-11-03T12:30:59.001000Z"
    headers = date_added_headers(moment, moment + timedelta(microseconds=7))
    assert headers == {
        "X-TAXII-Date-Added-First": "2016-11-01T03:04:05.000000Z",
        "X-TAXII-Date-Added-Last": "2016-11-01T03:04:05.000007Z",
    }
    assert date_added_headers(None, None) == {}
    with pytest.raises(ValueError, match="naive"):
        format_taxii_timestamp(datetime(2016, 11, 1))  # noqa: DTZ001


# Media types


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (MEDIA_TYPE_TAXII_V21, TAXII_21),
        ("application/taxii+json", TAXII_21),
        ('APPLICATION/TAXII+JSON; Version="2.1"', TAXII_21),
        ("*/*", TAXII_21),
        ("application/*", TAXII_21),
        ("text/html, application/taxii+json;version=2.1;q=0.9", TAXII_21),
        ("application/taxii+json;version=2.0, application/taxii+json;version=2.1;q=0.1", TAXII_21),
    ],
)
def test_it_accepts_what_a_taxii_21_client_asks_for(accept: str, chosen: str) -> None:
    assert negotiate(accept) == chosen


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "",
        "application/taxii+json;version=2.0",
        "application/vnd.oasis.taxii+json",
        "application/stix+json;version=2.1",
        "application/json",
        "text/html",
        "application/taxii+json;version=2.1;q=0",
        "not a media type",
    ],
)
def test_it_answers_406_when_nothing_acceptable_can_be_produced(accept: str | None) -> None:
    with pytest.raises(TaxiiError) as caught:
        negotiate(accept)
    assert caught.value.http_status == 406


def test_an_endpoint_offering_stix_content_honours_the_stix_media_type() -> None:
    offered = (TAXII_21, STIX_21)
    assert negotiate("application/stix+json;version=2.1", offered) == STIX_21
    assert negotiate("application/stix+json", offered) == STIX_21
    assert negotiate("*/*", offered) == TAXII_21
    with pytest.raises(TaxiiError):
        negotiate("application/stix+json;version=2.0", offered)


def test_the_manifest_endpoint_accepts_the_stix_type_it_lists_but_answers_in_taxii() -> None:
    assert negotiate_taxii(STIX_21, stix_accept_defined=True) == TAXII_21
    assert negotiate_taxii(f"{TAXII_21},{STIX_21}", stix_accept_defined=True) == TAXII_21
    with pytest.raises(TaxiiError):
        negotiate_taxii(STIX_21)
    assert negotiate_taxii(MEDIA_TYPE_TAXII_V21) == TAXII_21


@pytest.mark.parametrize(
    "content_type",
    [
        MEDIA_TYPE_TAXII_V21,
        "application/taxii+json",
        "application/taxii+json; version=2.1; charset=utf-8",
    ],
)
def test_a_taxii_21_body_is_accepted(content_type: str) -> None:
    assert check_content_type(content_type) == TAXII_21


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "",
        "application/json",
        "application/stix+json;version=2.1",
        "application/taxii+json;version=2.0",
        "text/plain",
    ],
)
def test_any_other_body_type_is_a_415(content_type: str | None) -> None:
    with pytest.raises(TaxiiError) as caught:
        check_content_type(content_type)
    assert caught.value.http_status == 415


# Response bodies


def test_empty_results_are_an_empty_object_and_more_is_only_written_when_true() -> None:
    assert envelope([]) == {}
    assert versions([]) == {}
    assert manifest([]) == {}
    assert envelope([{"id": ID_A}]) == {"objects": [{"id": ID_A}]}
    assert envelope([{"id": ID_A}], more=True, next_token="tok") == {
        "more": True,
        "next": "tok",
        "objects": [{"id": ID_A}],
    }
    assert versions(["2016-11-03T12:30:59.000Z"], more=True) == {
        "more": True,
        "versions": ["2016-11-03T12:30:59.000Z"],
    }


def test_a_manifest_record_writes_date_added_with_microseconds() -> None:
    record = manifest_record(ID_A, ts("2016-11-01T03:04:05Z"), "2016-11-03T12:30:59.000Z")
    assert record == {
        "id": ID_A,
        "date_added": "2016-11-01T03:04:05.000000Z",
        "version": "2016-11-03T12:30:59.000Z",
        "media_type": "application/stix+json;version=2.1",
    }
