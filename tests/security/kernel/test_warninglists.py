"""MISP warninglists: each list type matches what it should and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cybercommons.security.kernel.warninglists import (
    WarninglistError,
    WarninglistIndex,
    build_warninglist,
    load_warninglists,
)


def make(list_type: str, entries: list[str], attributes: list[str] | None = None) -> Any:
    return build_warninglist(
        {
            "name": f"test {list_type}",
            "type": list_type,
            "list": entries,
            "matching_attributes": attributes or ["ip-dst", "domain", "url", "md5"],
        }
    )


@pytest.mark.parametrize(
    ("list_type", "entries", "value", "entry"),
    [
        (
            "string",
            ["D41D8CD98F00B204E9800998ECF8427E"],
            "d41d8cd98f00b204e9800998ecf8427e",
            "d41d8cd98f00b204e9800998ecf8427e",
        ),
        ("string", ["example.com"], "www.example.com", None),
        ("substring", ["docdelivery"], "portal.DocDeliveryApp.com", "docdelivery"),
        ("substring", ["docdelivery"], "delivery.example", None),
        ("hostname", ["example.com"], "example.com", "example.com"),
        ("hostname", ["example.com"], "a.b.example.com", "example.com"),
        ("hostname", [".example.com"], "a.example.com", "example.com"),
        ("hostname", ["example.com"], "https://cdn.Example.com:8443/x", "example.com"),
        ("hostname", ["example.com"], "abuse@mail.example.com", "example.com"),
        ("hostname", ["example.com"], "notexample.com", None),
        ("hostname", ["example.com"], "example.com.evil.net", None),
        ("cidr", ["10.0.0.0/8"], "10.20.30.40", "10.0.0.0/8"),
        ("cidr", ["10.0.0.0/8"], "10.20.0.0/16", "10.0.0.0/8"),
        ("cidr", ["10.0.0.0/8"], "10.0.0.0/7", None),
        ("cidr", ["10.0.0.0/8"], "11.0.0.1", None),
        ("cidr", ["198.51.100.7"], "198.51.100.7:443", "198.51.100.7"),
        ("cidr", ["2001:db8::/32"], "2001:db8:1::1", "2001:db8::/32"),
        ("cidr", ["2001:db8::/32"], "[2001:db8::1]:443", "2001:db8::/32"),
        ("cidr", ["10.0.0.0/8"], "not an ip", None),
        ("regex", ["/^(security|abuse)@.*$/i"], "ABUSE@example.org", "/^(security|abuse)@.*$/i"),
        ("regex", ["/^(security|abuse)@.*$/i"], "ops@example.org", None),
    ],
)
def test_each_list_type_matches_by_its_own_rule(
    list_type: str, entries: list[str], value: str, entry: str | None
) -> None:
    assert make(list_type, entries).match(value) == entry


def test_adjacent_and_overlapping_ranges_are_merged_without_losing_addresses() -> None:
    ranges = make("cidr", ["10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26", "192.0.2.1"])
    assert ranges.match("10.0.0.0/24") is not None  # spans the two merged halves
    assert ranges.match("10.0.0.200") is not None
    assert ranges.match("10.0.1.0") is None
    assert ranges.match("192.0.2.1") is not None
    assert ranges.match("192.0.2.2") is None


def test_only_lists_for_the_attribute_type_are_consulted() -> None:
    index = WarninglistIndex([make("cidr", ["10.0.0.0/8"], ["ip-dst"])])
    assert index.check("10.1.1.1", "ip-dst")
    assert index.check("10.1.1.1", "md5") == []
    assert index.check("10.1.1.1")


def test_composite_values_are_split() -> None:
    index = WarninglistIndex([make("cidr", ["10.0.0.0/8"]), make("hostname", ["example.com"])])
    hits = index.check("www.example.com|10.9.9.9", "domain|ip")
    assert hits == []  # neither list names domain|ip as a matching attribute
    wide = WarninglistIndex(
        [make("cidr", ["10.0.0.0/8"], ["domain|ip"]), make("hostname", ["x.org"], ["domain|ip"])]
    )
    assert {h.list_type for h in wide.check("www.example.com|10.9.9.9", "domain|ip")} == {"cidr"}


def test_a_malformed_list_is_refused_with_its_reason() -> None:
    with pytest.raises(WarninglistError, match="type"):
        build_warninglist({"name": "x", "type": "glob", "list": [], "matching_attributes": []})
    with pytest.raises(WarninglistError, match="list"):
        build_warninglist({"name": "x", "type": "string", "matching_attributes": []})


@pytest.mark.realdata
def test_the_real_lists_all_load_and_know_the_classic_false_positives(shared_data: Path) -> None:
    index = load_warninglists(shared_data / "threat_intel/misp_warninglists")
    assert index.errors == []
    assert len(index.lists) == 127
    names = lambda value, kind=None: {h.list_name for h in index.check(value, kind)}  # noqa: E731
    assert "List of known IPv4 public DNS resolvers" in names("8.8.8.8", "ip-dst")
    assert "List of RFC 1918 CIDR blocks" in names("192.168.10.20", "ip-src")
    assert "List of known hashes for empty files" in names(
        "d41d8cd98f00b204e9800998ecf8427e", "md5"
    )
    assert "List of known URL Shorteners domains" in names("https://bit.ly/3abc", "url")
    assert "List of known IPv6 public DNS resolvers" in names("2001:4860:4860::8888", "ip-dst")
    # A documentation address is on the RFC 5735 list and nowhere it should not be.
    assert names("203.0.113.5", "ip-dst") == {"List of RFC 5735 CIDR blocks"}
    # A made-up host under a made-up TLD is on no list (hostname lists match whole labels).
    assert names("7f3a9e0c.invalid-host-for-tests.example-nonexistent", "domain") == set()
    assert "List of RFC 6761 Special-Use Domain Names" in names("EXAMPLE.org", "domain")
    assert "List of RFC 6761 Special-Use Domain Names" not in names("www.example.org", "domain")
