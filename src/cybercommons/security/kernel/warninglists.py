"""MISP warninglists: load them and tell whether a value is a known false positive.

A warninglist (github.com/MISP/misp-warninglists) names values that look like indicators
but are benign (public DNS resolvers, top domains, cloud ranges, RFC 1918 space, empty
file hashes). Matching follows the list ``type``:

* ``string``: the whole value equals an entry (case-insensitive);
* ``substring``: an entry occurs inside the value (case-insensitive);
* ``hostname``: the value's host is an entry or a subdomain of one (a leading dot on the
  entry changes nothing); the host is taken from URLs and e-mail addresses;
* ``cidr``: the value's IP address (or every address of a CIDR value) lies in an entry;
  entries without a prefix length are single addresses;
* ``regex``: a PHP-style ``/…/flags`` expression matches (``i`` honoured).

Composite MISP values (``domain|ip``, ``ip-dst|port``) are split and each part checked.
When the caller gives the MISP attribute type, only lists whose ``matching_attributes``
include it are consulted, as MISP does.
"""

from __future__ import annotations

import bisect
import ipaddress
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LIST_TYPES = frozenset({"string", "substring", "hostname", "cidr", "regex"})


@dataclass(frozen=True)
class WarninglistHit:
    """One list a value is on, and the entry it matched."""

    list_name: str
    list_type: str
    entry: str


@dataclass
class _Ranges:
    """Sorted, merged integer ranges of one IP version, searched by bisection."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, networks: list[tuple[int, int, str]]) -> _Ranges:
        networks.sort()
        ranges = cls()
        for start, end, label in networks:
            if ranges.ends and start <= ranges.ends[-1] + 1:
                ranges.ends[-1] = max(ranges.ends[-1], end)
                continue
            ranges.starts.append(start)
            ranges.ends.append(end)
            ranges.labels.append(label)
        return ranges

    def find(self, start: int, end: int) -> str | None:
        position = bisect.bisect_right(self.starts, start) - 1
        if position >= 0 and end <= self.ends[position]:
            return self.labels[position]
        return None


@dataclass
class Warninglist:
    """One loaded list, indexed for its type."""

    name: str
    type: str
    description: str
    version: int
    matching_attributes: frozenset[str]
    entries: frozenset[str] = frozenset()
    # Substring entries grouped by length: a value of length L is then checked with
    # L x (number of distinct lengths) set lookups instead of one scan per entry.
    substrings: dict[int, frozenset[str]] = field(default_factory=dict)
    ranges: dict[int, _Ranges] = field(default_factory=dict)
    regexes: tuple[tuple[re.Pattern[str], str], ...] = ()

    def match(self, value: str) -> str | None:
        """The entry ``value`` matches on this list, or ``None``."""
        return self.match_prepared(PreparedValue(value))

    def match_prepared(self, value: PreparedValue) -> str | None:
        """As ``match``, for a value whose derived forms are shared across lists."""
        if self.type == "string":
            return value.folded if value.folded in self.entries else None
        if self.type == "substring":
            folded = value.folded
            for length, entries in self.substrings.items():
                for start in range(len(folded) - length + 1):
                    window = folded[start : start + length]
                    if window in entries:
                        return window
            return None
        if self.type == "hostname":
            for suffix in value.host_suffixes:
                if suffix in self.entries:
                    return suffix
            return None
        if self.type == "cidr":
            span = value.address_span
            if span is None or span[0] not in self.ranges:
                return None
            return self.ranges[span[0]].find(span[1], span[2])
        if self.type == "regex":
            return next(
                (text for pattern, text in self.regexes if pattern.search(value.text)), None
            )
        return None


class PreparedValue:
    """One value with the forms the list types compare, each computed once on demand.

    Why: checking a value against 127 lists must not parse it as an IP address 80 times.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def folded(self) -> str:
        """The value case-folded, for string and substring lists."""
        return self.text.casefold()

    @cached_property
    def host_suffixes(self) -> tuple[str, ...]:
        """The host and each parent domain (``a.b.c``, ``b.c``, ``c``), for hostname lists."""
        host = _host_of(self.text)
        if not host:
            return ()
        labels = host.split(".")
        return tuple(".".join(labels[start:]) for start in range(len(labels)))

    @cached_property
    def address_span(self) -> tuple[int, int, int] | None:
        """(IP version, first address, last address) as integers, for CIDR lists."""
        network = _network_of(self.text)
        if network is None:
            return None
        return network.version, int(network.network_address), int(network.broadcast_address)


def _host_of(value: str) -> str:
    text = value.strip().casefold()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    elif "@" in text:
        text = text.rpartition("@")[2]
    return text.split("/")[0].split(":")[0].rstrip(".")


def _network_of(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    text = value.strip()
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        pass
    # "1.2.3.4:443" and "[2001:db8::1]:443"
    host = text.rsplit(":", 1)[0].strip("[]") if text.count(":") == 1 or "]:" in text else ""
    try:
        return ipaddress.ip_network(host, strict=False) if host else None
    except ValueError:
        return None


def _php_regex(text: str) -> re.Pattern[str]:
    flags = 0
    if len(text) >= 2 and text[0] == "/" and text.rfind("/") > 0:
        closing = text.rfind("/")
        modifiers, text = text[closing + 1 :], text[1:closing]
        if "i" in modifiers:
            flags |= re.IGNORECASE
    return re.compile(text, flags)


class WarninglistError(ValueError):
    """A warninglist file cannot be used; the message names the file and the reason."""


def build_warninglist(document: dict[str, Any], source: str = "") -> Warninglist:
    """Index one ``list.json`` document; raises ``WarninglistError`` naming the problem.

    Unusable entries inside a usable list (a malformed CIDR, a regex Python cannot compile)
    are skipped rather than failing the list.
    """
    for key in ("name", "type", "list", "matching_attributes"):
        if key not in document:
            raise WarninglistError(f"{source}: missing {key!r}")
    list_type = document["type"]
    if list_type not in LIST_TYPES:
        raise WarninglistError(f"{source}: unknown list type {list_type!r}")
    raw_entries = [str(entry).strip() for entry in document["list"] if str(entry).strip()]
    warninglist = Warninglist(
        name=str(document["name"]),
        type=list_type,
        description=str(document.get("description", "")),
        version=int(document.get("version", 0)),
        matching_attributes=frozenset(document["matching_attributes"]),
    )
    if list_type == "string":
        warninglist.entries = frozenset(entry.casefold() for entry in raw_entries)
    elif list_type == "substring":
        by_length: dict[int, set[str]] = {}
        for entry in raw_entries:
            folded = entry.casefold()
            by_length.setdefault(len(folded), set()).add(folded)
        warninglist.substrings = {
            length: frozenset(items) for length, items in sorted(by_length.items())
        }
    elif list_type == "hostname":
        warninglist.entries = frozenset(
            entry.casefold().strip(".") for entry in raw_entries if entry.strip(".")
        )
    elif list_type == "cidr":
        by_version: dict[int, list[tuple[int, int, str]]] = {4: [], 6: []}
        for entry in raw_entries:
            try:
                network = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                continue
            by_version[network.version].append(
                (int(network.network_address), int(network.broadcast_address), entry)
            )
        warninglist.ranges = {
            version: _Ranges.build(items) for version, items in by_version.items() if items
        }
    else:
        compiled = []
        for entry in raw_entries:
            try:
                compiled.append((_php_regex(entry), entry))
            except re.error:
                continue
        warninglist.regexes = tuple(compiled)
    return warninglist


@dataclass
class WarninglistIndex:
    """All loaded lists, plus the files that could not be loaded and why."""

    lists: list[Warninglist] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self, value: str, attribute_type: str | None = None) -> list[WarninglistHit]:
        """Every list ``value`` is on (empty when none).

        Why: a matching engine must not raise alarms on 8.8.8.8 or google.com; importers
        flag such indicators instead of dropping them. ``attribute_type`` is the MISP type
        (``ip-dst``, ``domain|ip`` …); with it only the lists meant for that type are used.
        """
        parts = [part for part in value.split("|") if part.strip()] if "|" in value else [value]
        hits: list[WarninglistHit] = []
        prepared = [PreparedValue(part) for part in parts]
        for warninglist in self.lists:
            if attribute_type is not None and attribute_type not in warninglist.matching_attributes:
                continue
            for part in prepared:
                entry = warninglist.match_prepared(part)
                if entry is not None:
                    hits.append(WarninglistHit(warninglist.name, warninglist.type, entry))
                    break
        return hits


def _list_files(folder: Path) -> Iterator[Path]:
    lists = folder / "lists" if (folder / "lists").is_dir() else folder
    yield from sorted(lists.glob("*/list.json"))


def load_warninglists(folder: Path | str, names: Iterable[str] | None = None) -> WarninglistIndex:
    """Load the MISP warninglists under ``folder`` (the repository root or its ``lists``).

    ``names`` restricts loading to those list folder names. A broken file is recorded in
    ``errors`` and the others still load.
    """
    wanted = set(names) if names is not None else None
    index = WarninglistIndex()
    for path in _list_files(Path(folder)):
        if wanted is not None and path.parent.name not in wanted:
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            index.lists.append(build_warninglist(document, path.parent.name))
        except (OSError, ValueError) as exc:
            index.errors.append(f"{path.parent.name}: {exc}")
    return index
