"""CSV of indicators <-> STIX 2.1 indicators, and the entry point for MISP events.

The CSV has a header row with at least ``type`` and ``value``; optional columns are
``name``, ``description``, ``labels`` (separated by ``;``), ``valid_from``, ``valid_until``,
``confidence`` and ``tlp``. Types: ``ipv4-addr``, ``ipv6-addr`` (an address or a CIDR
block), ``domain-name``, ``url``, ``email-addr``, and file hashes ``md5``, ``sha-1``,
``sha-256`` (``sha1``/``sha256`` and ``file:…`` spellings are read too).

Import streams: each row becomes one indicator or one ``RowError`` (line, column, reason)
and bad rows never stop good ones. Indicator ids are derived from type and normalised
value (UUIDv5), so importing the same file twice yields the same objects.

MISP event JSON goes through ``misp_conversion.misp_event_to_bundle`` (re-exported here).
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from cybercommons.security.kernel.misp_conversion import MispConversion, misp_event_to_bundle
from cybercommons.security.kernel.stix_timestamps import (
    TimestampError,
    format_stix_timestamp,
    parse_timestamp,
)
from cybercommons.security.kernel.stix_validation import ValidationOptions, validate_object
from cybercommons.security.kernel.tlp import (
    TlpError,
    marking_id,
    parse_tlp,
    tlp_of_marking_refs,
)

__all__ = [
    "CsvFormatError",
    "CsvImportResult",
    "MispConversion",
    "RowError",
    "export_csv",
    "import_indicator_csv",
    "indicator_for",
    "iter_indicator_csv",
    "misp_event_to_bundle",
]

# Namespace for the deterministic ids of imported indicators (fixed forever: changing it
# would duplicate every indicator on the next import).
INDICATOR_NAMESPACE = uuid.UUID("6f1c7d4e-2b1a-5c3e-9a53-3f0a4d1c2b7e")

CSV_COLUMNS = (
    "type",
    "value",
    "name",
    "description",
    "labels",
    "valid_from",
    "valid_until",
    "confidence",
    "tlp",
    "id",
    "pattern",
)

_HASH_TYPES = {
    "md5": ("MD5", 32),
    "sha-1": ("SHA-1", 40),
    "sha1": ("SHA-1", 40),
    "sha-256": ("SHA-256", 64),
    "sha256": ("SHA-256", 64),
}
_TYPE_ALIASES = {
    "ipv4": "ipv4-addr",
    "ip": "ipv4-addr",
    "ipv6": "ipv6-addr",
    "domain": "domain-name",
    "hostname": "domain-name",
    "email": "email-addr",
    "email-address": "email-addr",
}
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_DNS_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_SIMPLE_PATTERN = re.compile(
    r"^\[(?P<object>[a-z0-9-]+):(?P<path>value|hashes\.(?:'(?P<quoted>[A-Za-z0-9-]+)'|"
    r"(?P<bare>[A-Za-z0-9]+))) = '(?P<literal>(?:[^'\\]|\\.)*)'\]$"
)
# Cells a spreadsheet would run as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, missing required columns)."""


@dataclass(frozen=True)
class RowError:
    """Why one CSV row was skipped: 1-based line, the column at fault and the reason."""

    line: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column} {self.value!r}: {self.reason}"


@dataclass
class CsvImportResult:
    """The indicators built from the good rows and the errors of the bad ones."""

    indicators: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _canonical_type(raw: str) -> str:
    text = raw.strip().lower()
    text = text.removeprefix("file:").removeprefix("file-").removeprefix("hashes.")
    return _TYPE_ALIASES.get(text, text)


def _quote(value: str) -> str:
    """A STIX pattern string literal: backslash and quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)


def _normalise_domain(value: str) -> str:
    name = value.strip().rstrip(".").lower()
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("not a valid internationalised domain name") from None
    if len(ascii_name) > 253 or "." not in ascii_name:
        raise ValueError("a domain name needs at least two labels and at most 253 characters")
    for label in ascii_name.split("."):
        if not _DNS_LABEL.match(label):
            raise ValueError(f"label {label!r} is not a valid DNS label")
    return name


def refang(value: str) -> str:
    """Undo the usual defanging of shared indicators (``hxxp://``, ``[.]``, ``[@]``).

    Why: reports defang values so nobody clicks them; a pattern must carry the real value
    or it never matches.
    """
    text = re.sub(r"^hxxp", "http", value, flags=re.IGNORECASE)
    for defanged, real in (("[.]", "."), ("(.)", "."), ("[dot]", "."), ("[:]", ":"), ("[@]", "@")):
        text = text.replace(defanged, real)
    return text


def normalise_value(ioc_type: str, value: str) -> tuple[str, str]:
    """Check one value of a given CSV type; return (STIX pattern, normalised value).

    Why: a wrong indicator is worse than none (it raises false alarms on every match),
    so each type is checked for real syntax, and values are normalised so duplicates
    spelled differently (``EXAMPLE.com`` / ``example.com``) get the same id.
    Raises ``ValueError`` with a reason.
    """
    value = refang(value.strip())
    if not value:
        raise ValueError("the value is empty")
    if ioc_type in _HASH_TYPES:
        algorithm, length = _HASH_TYPES[ioc_type]
        if len(value) != length or not _HEX.match(value):
            raise ValueError(f"a {algorithm} hash is {length} hexadecimal characters")
        normal = value.lower()
        return f"[file:hashes.{_quote(algorithm)} = {_quote(normal)}]", normal
    if ioc_type in {"ipv4-addr", "ipv6-addr"}:
        version = 4 if ioc_type == "ipv4-addr" else 6
        try:
            network = ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"not an IPv{version} address or CIDR block: {exc}") from None
        if network.version != version:
            raise ValueError(f"this is an IPv{network.version} value, not IPv{version}")
        single = network.num_addresses == 1 and "/" not in value
        normal = str(network.network_address) if single else str(network)
        return f"[{ioc_type}:value = {_quote(normal)}]", normal
    if ioc_type == "domain-name":
        normal = _normalise_domain(value)
        return f"[domain-name:value = {_quote(normal)}]", normal
    if ioc_type == "url":
        parts = urlsplit(value)
        if parts.scheme.lower() not in {"http", "https", "ftp", "ftps"}:
            raise ValueError("a URL needs a scheme such as http or https")
        if not parts.hostname or any(ch.isspace() for ch in value):
            raise ValueError("a URL needs a host and no spaces")
        return f"[url:value = {_quote(value)}]", value
    if ioc_type == "email-addr":
        local, at, domain = value.rpartition("@")
        if not at or not _EMAIL_LOCAL.match(local):
            raise ValueError("not an e-mail address")
        normal = f"{local}@{_normalise_domain(domain)}"
        return f"[email-addr:value = {_quote(normal)}]", normal
    known = "ipv4-addr, ipv6-addr, domain-name, url, email-addr, md5, sha-1, sha-256"
    raise ValueError(f"unknown type; use one of {known}")


def indicator_for(
    ioc_type: str, value: str, *, now: datetime, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Build one STIX 2.1 indicator for a typed value (``ValueError`` if the value is bad).

    The id is derived from type and normalised value, so the same value always yields
    the same indicator id. ``now`` (UTC) becomes ``created``/``modified`` and the default
    ``valid_from``.
    """
    canonical = _canonical_type(ioc_type)
    pattern, normal = normalise_value(canonical, value)
    stamp = format_stix_timestamp(now)
    indicator: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--" + str(uuid.uuid5(INDICATOR_NAMESPACE, f"{canonical}|{normal}")),
        "created": stamp,
        "modified": stamp,
        "name": normal,
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": stamp,
    }
    if extra:
        indicator.update(extra)
    return indicator


def _optional_columns(row: Mapping[str, str], line: int) -> tuple[dict[str, Any], RowError | None]:
    extra: dict[str, Any] = {}
    for column in ("name", "description"):
        text = (row.get(column) or "").strip()
        if text:
            extra[column] = text
    labels = [label.strip() for label in (row.get("labels") or "").split(";") if label.strip()]
    if labels:
        extra["labels"] = labels
    for column in ("valid_from", "valid_until"):
        text = (row.get(column) or "").strip()
        if text:
            try:
                parse_timestamp(text)
            except TimestampError as exc:
                return extra, RowError(line, column, text, str(exc))
            extra[column] = text
    confidence = (row.get("confidence") or "").strip()
    if confidence:
        if not confidence.isdigit() or not 0 <= int(confidence) <= 100:
            return extra, RowError(line, "confidence", confidence, "must be 0 to 100")
        extra["confidence"] = int(confidence)
    tlp_text = (row.get("tlp") or "").strip()
    if tlp_text:
        try:
            extra["object_marking_refs"] = [marking_id(parse_tlp(tlp_text))]
        except TlpError as exc:
            return extra, RowError(line, "tlp", tlp_text, str(exc))
    return extra, None


def iter_indicator_csv(
    lines: Iterable[str], *, now: datetime | None = None, default_tlp: str | None = None
) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    """Stream a CSV of typed indicators: yields (line, indicator dict or ``RowError``).

    Why a generator: files of millions of rows are converted and stored without being
    held in memory. Raises ``CsvFormatError`` only when the header is unusable.
    ``default_tlp`` marks rows without a ``tlp`` cell.
    """
    moment = now or datetime.now(UTC)
    options = ValidationOptions(now=moment)
    reader = csv.DictReader(lines)
    if reader.fieldnames is None:
        raise CsvFormatError("the file is empty; expected a header row with type,value")
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
    missing = {"type", "value"} - set(reader.fieldnames)
    if missing:
        raise CsvFormatError(f"the header lacks the column(s) {', '.join(sorted(missing))}")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # E.g. a cell over the csv module's size limit: skip that record, keep going.
            yield reader.line_num, RowError(reader.line_num, "(row)", "", f"unreadable: {exc}")
            continue
        line = reader.line_num
        if None in row:
            yield line, RowError(line, "(row)", "", "more cells than header columns")
            continue
        if not any((cell or "").strip() for cell in row.values()):
            continue  # blank line
        if default_tlp and not (row.get("tlp") or "").strip():
            row["tlp"] = default_tlp
        extra, problem = _optional_columns(row, line)
        if problem is not None:
            yield line, problem
            continue
        try:
            indicator = indicator_for(
                row["type"] or "", row["value"] or "", now=moment, extra=extra
            )
        except ValueError as exc:
            column = "value" if _canonical_type(row["type"] or "") in _KNOWN_TYPES else "type"
            yield line, RowError(line, column, row[column] or "", str(exc))
            continue
        problems = [p for p in validate_object(indicator, options=options) if p.severity == "error"]
        if problems:
            first = problems[0]
            yield (
                line,
                RowError(line, first.field, str(indicator.get(first.field, "")), first.reason),
            )
            continue
        yield line, indicator


_KNOWN_TYPES = frozenset(
    {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", *_HASH_TYPES}
)


def import_indicator_csv(
    text: str | Iterable[str], *, now: datetime | None = None, default_tlp: str | None = None
) -> CsvImportResult:
    """Convert a whole CSV (text or lines) into indicators plus per-row errors.

    Rows repeating an already imported value are reported as duplicates, not imported twice.
    """
    lines = io.StringIO(text) if isinstance(text, str) else text
    result = CsvImportResult()
    seen: dict[str, int] = {}
    for line, outcome in iter_indicator_csv(lines, now=now, default_tlp=default_tlp):
        if isinstance(outcome, RowError):
            result.errors.append(outcome)
        elif outcome["id"] in seen:
            reason = f"the same indicator as line {seen[outcome['id']]}"
            result.errors.append(RowError(line, "value", outcome["name"], reason))
        else:
            seen[outcome["id"]] = line
            result.indicators.append(outcome)
    return result


def _type_and_value(obj: Mapping[str, Any]) -> tuple[str, str] | None:
    """The CSV (type, value) of an indicator with a single comparison, or of an SCO."""
    if obj.get("type") == "indicator" and obj.get("pattern_type") == "stix":
        match = _SIMPLE_PATTERN.match(str(obj.get("pattern", "")).strip())
        if match is None:
            return None
        literal = _unquote(match["literal"])
        if match["path"] == "value" and match["object"] in _KNOWN_TYPES:
            return match["object"], literal
        algorithm = (match["quoted"] or match["bare"] or "").upper()
        if match["object"] == "file" and algorithm in {"MD5", "SHA-1", "SHA-256", "SHA1", "SHA256"}:
            return {"MD5": "md5", "SHA1": "sha-1", "SHA256": "sha-256"}.get(
                algorithm, algorithm.lower()
            ), literal
        return None
    if obj.get("type") in _KNOWN_TYPES and isinstance(obj.get("value"), str):
        return str(obj["type"]), obj["value"]
    return None


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(objects: Iterable[Mapping[str, Any]]) -> tuple[str, int]:
    """Write indicators and observables as CSV; return (text, number of objects skipped).

    Indicators whose pattern is one comparison become a typed row; any other indicator is
    written with type ``stix-pattern`` and its pattern. Other object types are skipped
    (counted). Cells that a spreadsheet would run as a formula get a leading ``'``.
    Filter the objects through the visibility policy before calling this.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    skipped = 0
    for obj in objects:
        typed = _type_and_value(obj)
        if typed is None and obj.get("type") == "indicator":
            typed = ("stix-pattern", str(obj.get("pattern", "")))
        if typed is None:
            skipped += 1
            continue
        tlp = ""
        refs = obj.get("object_marking_refs") or []
        if refs:
            level = tlp_of_marking_refs(refs, default=None) if _has_tlp(refs) else None
            tlp = "TLP:" + level.value.upper() if level else ""
        writer.writerow(
            [
                _cell(typed[0]),
                _cell(typed[1]),
                _cell(obj.get("name")),
                _cell(obj.get("description")),
                _cell(";".join(obj.get("labels") or [])),
                _cell(obj.get("valid_from")),
                _cell(obj.get("valid_until")),
                _cell(obj.get("confidence")),
                tlp,
                _cell(obj.get("id")),
                _cell(obj.get("pattern")),
            ]
        )
    return buffer.getvalue(), skipped


def _has_tlp(refs: Iterable[str]) -> bool:
    try:
        tlp_of_marking_refs(refs, default=None)
    except TlpError:
        return False
    return True
