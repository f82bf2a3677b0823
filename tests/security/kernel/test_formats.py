"""CSV of indicators to STIX and back, and MISP events to STIX bundles."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cybercommons.security.kernel.formats import (
    CsvFormatError,
    export_csv,
    import_indicator_csv,
    indicator_for,
    iter_indicator_csv,
    misp_event_to_bundle,
)
from cybercommons.security.kernel.misp_conversion import MispFormatError, unwrap_event
from cybercommons.security.kernel.stix_validation import check_pattern, validate_object
from cybercommons.security.kernel.tlp import TLP1_MARKING_IDS, TLP2_MARKING_IDS, Tlp

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

GOOD_CSV = """type,value,name,labels,tlp,confidence
ipv4-addr,198.51.100.7,C2 server,c2;botnet,TLP:AMBER,80
ipv6-addr,2001:db8::/32,,,,
domain-name,EXAMPLE.org.,,,,
url,hxxp://bad.example[.]com/payload?x=1,,,,
md5,D41D8CD98F00B204E9800998ECF8427E,,,,
SHA1,da39a3ee5e6b4b0d3255bfef95601890afd80709,,,,
sha-256,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855,,,,
email-addr,o'brien@example.net,,,,
"""


def test_each_supported_type_becomes_a_valid_indicator_with_the_right_pattern() -> None:
    result = import_indicator_csv(GOOD_CSV, now=NOW)
    assert result.errors == []
    patterns = [i["pattern"] for i in result.indicators]
    assert patterns == [
        "[ipv4-addr:value = '198.51.100.7']",
        "[ipv6-addr:value = '2001:db8::/32']",
        "[domain-name:value = 'example.org']",
        "[url:value = 'http://bad.example.com/payload?x=1']",
        "[file:hashes.'MD5' = 'd41d8cd98f00b204e9800998ecf8427e']",
        "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
        "[file:hashes.'SHA-256' = "
        "'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
        "[email-addr:value = 'o\\'brien@example.net']",
    ]
    for indicator in result.indicators:
        assert validate_object(indicator) == []
        assert check_pattern(indicator["pattern"]).ok
    first = result.indicators[0]
    assert first["name"] == "C2 server"
    assert first["labels"] == ["c2", "botnet"]
    assert first["confidence"] == 80
    assert first["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.AMBER]]
    assert first["created"] == "2024-03-01T12:00:00.000Z"


def test_reimporting_the_same_values_gives_the_same_ids() -> None:
    first = import_indicator_csv(GOOD_CSV, now=NOW)
    again = import_indicator_csv(GOOD_CSV.replace("EXAMPLE.org.", "example.ORG"), now=NOW)
    assert [i["id"] for i in first.indicators] == [i["id"] for i in again.indicators]


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_are_kept() -> None:
    text = """type,value,valid_from,tlp
ipv4-addr,198.51.100.300,,
ipv4-addr,2001:db8::1,,
domain-name,-bad-.example,,
md5,12345,,
url,www.example.com/no-scheme,,
email-addr,not-an-address,,
registry-key,HKLM\\Run,,
ipv4-addr,198.51.100.8,yesterday,
ipv4-addr,198.51.100.9,,TLP:BLUE
ipv4-addr,198.51.100.10,,
ipv4-addr,198.51.100.10,,
"""
    result = import_indicator_csv(text, now=NOW)
    assert [i["name"] for i in result.indicators] == ["198.51.100.10"]
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "value"),
        (3, "value"),
        (4, "value"),
        (5, "value"),
        (6, "value"),
        (7, "value"),
        (8, "type"),
        (9, "valid_from"),
        (10, "tlp"),
        (12, "value"),
    ]
    assert "IPv6" in result.errors[1].reason
    assert "32 hexadecimal" in result.errors[3].reason
    assert "line 11" in result.errors[-1].reason


def test_a_file_without_the_type_and_value_columns_is_refused_whole() -> None:
    with pytest.raises(CsvFormatError, match="value"):
        import_indicator_csv("type,indicator\nipv4-addr,198.51.100.1\n")
    with pytest.raises(CsvFormatError, match="empty"):
        import_indicator_csv("")


def test_the_import_streams_row_by_row() -> None:
    def lines():
        yield "type,value\n"
        for n in range(1, 200):
            yield f"ipv4-addr,10.0.{n}.1\n"
        raise AssertionError("the whole input should not be needed for the first rows")

    stream = iter_indicator_csv(lines(), now=NOW)
    line, first = next(stream)
    assert line == 2
    assert isinstance(first, dict)
    assert first["pattern"] == "[ipv4-addr:value = '10.0.1.1']"


def test_export_writes_typed_rows_and_round_trips() -> None:
    imported = import_indicator_csv(GOOD_CSV, now=NOW).indicators
    complex_indicator = indicator_for("md5", "d41d8cd98f00b204e9800998ecf8427e", now=NOW)
    complex_indicator["pattern"] = (
        "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e'] AND [file:size = 0]"
    )
    identity = {"type": "identity", "id": "identity--x", "name": "=HYPERLINK()"}
    text, skipped = export_csv([*imported, complex_indicator, identity])
    assert skipped == 1
    rows = text.splitlines()
    assert rows[0].startswith("type,value,name")
    assert rows[-1].startswith("stix-pattern,")
    again = import_indicator_csv("\n".join(rows[:-1]) + "\n", now=NOW)
    assert again.errors == []
    assert [i["pattern"] for i in again.indicators] == [i["pattern"] for i in imported]
    assert again.indicators[0]["object_marking_refs"] == [TLP2_MARKING_IDS[Tlp.AMBER]]


def test_export_defuses_cells_a_spreadsheet_would_execute() -> None:
    indicator = indicator_for("domain-name", "example.org", now=NOW)
    indicator["description"] = "=cmd|' /C calc'!A0"
    text, _ = export_csv([indicator])
    assert ",'=cmd|" in text


# MISP events


MISP_FILES = sorted(
    [
        "56e12e66-f01c-41be-afea-4d9a950d210f.json",
        "57153590-f73c-49fa-be4b-4737950d210f.json",
        "57c4445b-c548-4654-af0b-4be3950d210f.json",
        "5a0a9aa9-23a4-4607-b6df-41a9950d210f.json",
        "5a0ac036-6fbc-4855-83af-422b950d210f.json",
        "5a0d5bf4-99c8-4f15-9879-22b1950d210f.json",
        "5a3c2fcd-8328-42bb-a95e-4f4402de0b81.json",
        "5acc88e9-265c-4f22-9d2b-b702950d210f.json",
        "5b646415-7b48-40d5-86b4-c0070acd0835.json",
        "5c066053-0e94-46eb-9746-4b7d950d210f.json",
    ]
)


@pytest.mark.realdata
@pytest.mark.parametrize("name", MISP_FILES)
def test_every_real_misp_event_converts_to_a_valid_bundle(shared_data: Path, name: str) -> None:
    raw = (shared_data / "threat_intel/misp_events" / name).read_text(encoding="utf-8")
    event = unwrap_event(raw)
    result = misp_event_to_bundle(raw)
    objects = result.bundle["objects"]
    assert result.bundle["type"] == "bundle"
    assert result.rejected == []
    errors = [
        (o["id"], str(p)) for o in objects for p in validate_object(o) if p.severity == "error"
    ]
    assert errors == []
    # The event becomes a report (or grouping) that carries its uuid.
    containers = [o for o in objects if o["type"] in {"report", "grouping"}]
    assert [o["id"].split("--")[1] for o in containers] == [event["uuid"]]
    ids = [(o["id"], o.get("modified")) for o in objects]
    assert len(ids) == len(set(ids))


@pytest.mark.realdata
def test_the_bare_event_and_the_galaxies_without_uuid_still_convert(shared_data: Path) -> None:
    folder = shared_data / "threat_intel/misp_events"
    bare = json.loads((folder / "5a3c2fcd-8328-42bb-a95e-4f4402de0b81.json").read_text("utf-8"))
    assert "Event" not in bare
    assert misp_event_to_bundle(bare).bundle["objects"]
    broken_galaxies = misp_event_to_bundle(
        (folder / "5acc88e9-265c-4f22-9d2b-b702950d210f.json").read_text("utf-8")
    )
    assert any("had no uuid" in note for note in broken_galaxies.notes)
    assert any(o["type"] == "intrusion-set" for o in broken_galaxies.bundle["objects"])


@pytest.mark.realdata
def test_a_tlp_white_event_is_marked_clear(shared_data: Path) -> None:
    raw = (shared_data / "threat_intel/misp_events" / MISP_FILES[0]).read_text("utf-8")
    objects = misp_event_to_bundle(raw).bundle["objects"]
    marked = [o for o in objects if TLP1_MARKING_IDS["white"] in o.get("object_marking_refs", [])]
    assert marked


def test_something_that_is_not_a_misp_event_is_refused() -> None:
    for bad in ("{not json", "[]", '{"Event": {"info": "x"}}', '{"type": "bundle"}'):
        with pytest.raises(MispFormatError):
            misp_event_to_bundle(bad)


def test_an_oversized_cell_costs_its_row_only() -> None:
    text = "type,value\nurl,http://x.example/" + "a" * 200_000 + "\nipv4-addr,198.51.100.1\n"
    result = import_indicator_csv(text, now=NOW)
    assert [i["name"] for i in result.indicators] == ["198.51.100.1"]
    assert len(result.errors) == 1
    assert "unreadable" in result.errors[0].reason
