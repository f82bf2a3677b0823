"""TAXII 2.1 URL filters: parse and validate them, and apply them to version records.

Written from the TAXII 2.1 specification (OASIS Standard, 10 June 2021), section 3.4
"Filtering" and the per-endpoint tables of sections 5.3-5.8:

* ``match[id]``, ``match[type]``: comma-separated lists; an object matches any of them.
* ``match[version]``: comma-separated ``first``, ``last``, ``all`` or timestamps; a
  version matches any of them; absent means ``last`` (``all`` for the versions and delete
  endpoints). The version of an object is its ``modified``, else ``created``, else the
  time it was added.
* ``match[spec_version]``: comma-separated STIX versions; absent means only the latest
  spec_version of each object.
* ``added_after``: only versions added strictly after the timestamp.
* ``limit``: a positive integer; the server may return fewer (its own maximum).
* ``next``: the opaque token of a previous page (see ``taxii_paging``).

Filters combine with AND. ``first``/``last`` are properties of a version among all the
versions of the same object that pass ``match[spec_version]`` (not only those added after
``added_after``), so a poller using ``added_after`` + ``last`` sees an object again exactly
when a newer version arrives. Filters an endpoint does not support, and unknown
parameters, are ignored and listed in ``FilterSpec.ignored``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from cybercommons.security.kernel.stix_kinds import SCO_TYPES
from cybercommons.security.kernel.stix_timestamps import (
    TimestampError,
    format_taxii_timestamp,
    parse_timestamp,
)
from cybercommons.security.kernel.stix_validation import validate_identifier, validate_type_name
from cybercommons.security.kernel.taxii_errors import bad_request

_SPEC_VERSION = re.compile(r"^[0-9]+\.[0-9]+$")
_LIMIT = re.compile(r"^[0-9]+$")


class Endpoint(StrEnum):
    """The TAXII 2.1 endpoints that take filters."""

    OBJECTS = "objects"  # GET .../objects/
    MANIFEST = "manifest"  # GET .../manifest/
    OBJECT = "object"  # GET .../objects/{id}/
    VERSIONS = "versions"  # GET .../objects/{id}/versions/
    DELETE_OBJECT = "delete-object"  # DELETE .../objects/{id}/


_PAGED = {"added_after", "limit", "next"}
SUPPORTED_PARAMETERS: dict[Endpoint, frozenset[str]] = {
    Endpoint.OBJECTS: frozenset(
        _PAGED | {"match[id]", "match[type]", "match[version]", "match[spec_version]"}
    ),
    Endpoint.MANIFEST: frozenset(
        _PAGED | {"match[id]", "match[type]", "match[version]", "match[spec_version]"}
    ),
    Endpoint.OBJECT: frozenset(_PAGED | {"match[version]", "match[spec_version]"}),
    Endpoint.VERSIONS: frozenset(_PAGED | {"match[spec_version]"}),
    Endpoint.DELETE_OBJECT: frozenset({"match[version]", "match[spec_version]"}),
}


@dataclass(frozen=True)
class VersionSelector:
    """Which versions of each object ``match[version]`` asks for."""

    first: bool = False
    last: bool = False
    all: bool = False
    timestamps: frozenset[datetime] = frozenset()


@dataclass(frozen=True)
class FilterSpec:
    """A validated set of TAXII filters. ``None`` means "no restriction" for a set.

    ``limit`` is already capped at the server maximum; ``next_token`` is the raw token
    (decode it with ``taxii_paging.decode_cursor`` and ``fingerprint``).
    """

    endpoint: Endpoint
    ids: frozenset[str] | None = None
    types: frozenset[str] | None = None
    versions: VersionSelector = VersionSelector(last=True)
    spec_versions: frozenset[str] | None = None
    added_after: datetime | None = None
    limit: int = 0
    next_token: str | None = None
    ignored: tuple[str, ...] = field(default_factory=tuple)

    def fingerprint(self, scope: str = "") -> str:
        """A digest of everything that selects objects (not ``limit`` nor ``next``).

        Why: a paging token is only valid with the filters it was issued for; ``scope``
        (API root, collection, object id) binds it to one resource too.
        """
        canonical = {
            "scope": scope,
            "endpoint": self.endpoint.value,
            "ids": sorted(self.ids) if self.ids is not None else None,
            "types": sorted(self.types) if self.types is not None else None,
            "versions": [
                self.versions.first,
                self.versions.last,
                self.versions.all,
                sorted(format_taxii_timestamp(t) for t in self.versions.timestamps),
            ],
            "spec_versions": sorted(self.spec_versions) if self.spec_versions else None,
            "added_after": (format_taxii_timestamp(self.added_after) if self.added_after else None),
        }
        text = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _single(parameter: str, raw: str | Sequence[str]) -> str:
    # The specification allows each parameter once: added_after, limit and next are
    # "a single" value and "each <field> MUST NOT occur more than once in a request".
    if isinstance(raw, str):
        return raw
    if len(raw) != 1:
        raise bad_request(parameter, "must be given once (use a comma-separated list)")
    return raw[0]


def _split(parameter: str, raw: str) -> list[str]:
    items = [item.strip() for item in raw.split(",")]
    if not raw.strip() or any(not item for item in items):
        raise bad_request(parameter, "empty value in the comma-separated list")
    return items


def parse_version_selector(raw: str) -> VersionSelector:
    """Parse a ``match[version]`` value (``first``, ``last``, ``all``, timestamps).

    Refuses what the specification forbids: a keyword or version given twice, and ``all``
    combined with anything else.
    """
    items = _split("match[version]", raw)
    if len(set(items)) != len(items):
        raise bad_request("match[version]", "a version or keyword is given more than once")
    if "all" in items and len(items) > 1:
        raise bad_request("match[version]", "all cannot be combined with other versions")
    stamps: set[datetime] = set()
    for item in items:
        if item in {"first", "last", "all"}:
            continue
        try:
            moment = parse_timestamp(item)
        except TimestampError as exc:
            raise bad_request(
                "match[version]", f"expected first, last, all or a timestamp: {exc}"
            ) from None
        if moment in stamps:
            raise bad_request("match[version]", f"{item} names a version already given")
        stamps.add(moment)
    return VersionSelector("first" in items, "last" in items, "all" in items, frozenset(stamps))


def parse_filters(
    params: Mapping[str, str | Sequence[str]],
    endpoint: Endpoint,
    *,
    default_limit: int = 1000,
    max_limit: int = 10000,
) -> FilterSpec:
    """Validate the URL query of a TAXII request into a ``FilterSpec``.

    Why: every endpoint must refuse a malformed filter with a 400 that names it, and
    apply the defaults the specification gives. Raises ``TaxiiError`` (400).
    ``default_limit`` applies when ``limit`` is absent; a larger ``limit`` is capped at
    ``max_limit`` (the specification lets a server return fewer than asked).
    """
    supported = SUPPORTED_PARAMETERS[endpoint]
    ignored = tuple(sorted(name for name in params if name not in supported))
    given = {name: _single(name, value) for name, value in params.items() if name in supported}

    ids = types = spec_versions = None
    if "match[id]" in given:
        ids = frozenset(_split("match[id]", given["match[id]"]))
        for item in ids:
            problem = validate_identifier(item)
            if problem:
                raise bad_request("match[id]", problem)
    if "match[type]" in given:
        types = frozenset(_split("match[type]", given["match[type]"]))
        for item in types:
            problem = validate_type_name(item)
            if problem:
                raise bad_request("match[type]", f"{item!r} {problem}")
    if endpoint in {Endpoint.VERSIONS, Endpoint.DELETE_OBJECT}:
        versions = VersionSelector(all=True)
    else:
        versions = VersionSelector(last=True)
    if "match[version]" in given:
        versions = parse_version_selector(given["match[version]"])
    if "match[spec_version]" in given:
        spec_versions = frozenset(_split("match[spec_version]", given["match[spec_version]"]))
        for item in spec_versions:
            if not _SPEC_VERSION.match(item):
                raise bad_request("match[spec_version]", f"{item!r} is not a version like 2.1")

    added_after = None
    if "added_after" in given:
        try:
            added_after = parse_timestamp(given["added_after"].strip())
        except TimestampError as exc:
            raise bad_request("added_after", str(exc)) from None

    limit = default_limit
    if "limit" in given:
        text = given["limit"].strip()
        if not _LIMIT.match(text) or int(text) < 1:
            raise bad_request("limit", f"{text!r} is not a positive integer")
        limit = int(text)
    limit = min(limit, max_limit)

    next_token = None
    if "next" in given:
        next_token = given["next"].strip()
        if not next_token:
            raise bad_request("next", "empty paging token")

    return FilterSpec(
        endpoint=endpoint,
        ids=ids,
        types=types,
        versions=versions,
        spec_versions=spec_versions,
        added_after=added_after,
        limit=limit,
        next_token=next_token,
        ignored=ignored,
    )


@dataclass(frozen=True)
class VersionRecord:
    """One stored object version as the filters see it.

    ``version`` is ``modified`` / ``created`` / ``date_added`` (see ``version_of``);
    ``spec_version`` is ``"2.0"`` for objects without one (see ``spec_version_of``);
    ``sequence`` is the store's monotonically increasing row number, the paging tiebreak.
    """

    id: str
    type: str
    version: datetime
    spec_version: str
    date_added: datetime
    sequence: int


def version_of(obj: Mapping[str, object], date_added: datetime) -> datetime:
    """The TAXII version of an object: ``modified``, else ``created``, else ``date_added``."""
    for name in ("modified", "created"):
        value = obj.get(name)
        if isinstance(value, str):
            return parse_timestamp(value)
    return date_added


def spec_version_of(obj: Mapping[str, object]) -> str:
    """The STIX version an object is written in, as ``match[spec_version]`` compares it.

    Objects without ``spec_version`` are STIX 2.0, except top-level cyber-observables,
    which exist only in STIX 2.1 (where their ``spec_version`` is optional).
    """
    value = obj.get("spec_version")
    if isinstance(value, str):
        return value
    return "2.1" if obj.get("type") in SCO_TYPES else "2.0"


def _version_key(spec_version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in spec_version.split("."))


def apply_filters(records: Iterable[VersionRecord], spec: FilterSpec) -> list[VersionRecord]:
    """Reference implementation of the filters over version records, in paging order.

    Why: the database store implements the same selection in SQL; this plain version is
    the oracle its tests compare against, and serves small in-memory collections. The
    result is sorted by ``(date_added, sequence)``, the order TAXII pages in.
    """
    by_id: dict[str, list[VersionRecord]] = defaultdict(list)
    for record in records:
        if spec.ids is not None and record.id not in spec.ids:
            continue
        if spec.types is not None and record.type not in spec.types:
            continue
        by_id[record.id].append(record)

    selected: list[VersionRecord] = []
    for versions in by_id.values():
        if spec.spec_versions is not None:
            versions = [v for v in versions if v.spec_version in spec.spec_versions]
        elif spec.endpoint is not Endpoint.DELETE_OBJECT:
            # Absent match[spec_version]: only the newest spec_version of each object
            # (a delete without it removes every spec_version).
            newest = max(_version_key(v.spec_version) for v in versions)
            versions = [v for v in versions if _version_key(v.spec_version) == newest]
        if not versions:
            continue
        chooser = spec.versions
        if chooser.all:
            chosen = versions
        else:
            earliest = min(v.version for v in versions)
            latest = max(v.version for v in versions)
            chosen = [
                v
                for v in versions
                if (chooser.first and v.version == earliest)
                or (chooser.last and v.version == latest)
                or v.version in chooser.timestamps
            ]
        if spec.added_after is not None:
            chosen = [v for v in chosen if v.date_added > spec.added_after]
        selected.extend(chosen)
    selected.sort(key=lambda v: (v.date_added, v.sequence))
    return selected
