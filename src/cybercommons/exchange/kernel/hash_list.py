"""Read hash lists that moderators import: one PDQ hash per line, or CSV with metadata.

Two shapes are accepted, told apart by the first line that is not blank or a comment:

* CSV with a header row, when that line is comma-separated and names a hash column
  (`hash`, `pdq`, `pdq_hash`, `signal`, `signal_value` or `hash_value`, in any case):
  every other column becomes metadata under its header name; an optional `quality`
  column must hold 0-100.
* otherwise plain: every line starts with a 64-hex-digit hash; anything after it
  (separated by a comma, a tab or spaces) is kept as the entry's `fields`. This is the
  shape of ThreatExchange's hash files and of most exports.

Parsing streams: records come out one by one as they are read, each either a `HashEntry`
or a `HashListError` naming the line and the problem, so one bad line never loses the good
ones and a list of millions never sits in memory twice. A problem is a code with
parameters (`SkipReason`), never a sentence: moderators read the reasons in their own
language, worded by the application.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

HASH_COLUMNS = ("hash", "pdq", "pdq_hash", "signal", "signal_value", "hash_value")
_HEX_RE = re.compile(r"[0-9a-fA-F]{64}")
_PLAIN_SPLIT_RE = re.compile(r"[,\t ]+")


@dataclass(frozen=True, slots=True)
class HashEntry:
    """A well-formed list entry: its line number (from 1), the hash in lower-case hex, an
    optional quality (0-100), named metadata (CSV) and trailing fields (plain lines)."""

    line: int
    hash_hex: str
    quality: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()


class SkipReason(StrEnum):
    """Why a line was skipped; the parameters each code carries are listed with it."""

    #: the hash field is not 64 hexadecimal digits; `value` (the field, cut to 80 characters)
    NOT_A_HASH = "not_a_hash"
    #: the CSV line cannot be parsed (an unterminated quote, a stray NUL)
    UNREADABLE_CSV = "unreadable_csv"
    #: the row has another number of columns than the header; `expected`, `found`
    COLUMN_COUNT = "column_count"
    #: the quality column is not a whole number 0-100; `value` (cut to 20 characters)
    BAD_QUALITY = "bad_quality"


@dataclass(frozen=True, slots=True)
class HashListError:
    """A malformed entry that was skipped: its line number (from 1), the reason's code and
    the reason's parameters."""

    line: int
    code: SkipReason
    params: dict[str, str | int] = field(default_factory=dict)


def _is_skippable(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _check_hash(value: str) -> str | None:
    """The hash in lower case, or None if it is not 64 hex digits."""
    text = value.strip()
    return text.lower() if _HEX_RE.fullmatch(text) else None


def iter_hash_list(lines: Iterable[str]) -> Iterator[HashEntry | HashListError]:
    """Parse a hash list line by line, yielding an entry or an error for each record.

    `lines` is any iterable of text lines (an open text file, a list of strings); blank
    lines and lines starting with `#` are ignored.
    """
    numbered = enumerate(lines, start=1)
    for number, line in numbered:
        if _is_skippable(line):
            continue
        header = _csv_header(line)
        if header is None:
            # plain list; a bad first line is one bad entry, not a reason to drop the rest
            yield _parse_plain(number, line)
            yield from (_parse_plain(n, rest) for n, rest in numbered if not _is_skippable(rest))
        else:
            yield from _parse_csv(header, numbered)
        return


def _csv_header(line: str) -> list[str] | None:
    """The header names if the line is a CSV header naming a hash column, else None."""
    if "," not in line:
        return None
    try:
        header = [name.strip() for name in next(csv.reader([line]))]
    except csv.Error:
        return None
    lowered = {name.lower() for name in header}
    return header if lowered & set(HASH_COLUMNS) else None


def _parse_plain(number: int, line: str) -> HashEntry | HashListError:
    parts = _PLAIN_SPLIT_RE.split(line.strip())
    hash_hex = _check_hash(parts[0])
    if hash_hex is None:
        return HashListError(number, SkipReason.NOT_A_HASH, {"value": parts[0][:80]})
    return HashEntry(number, hash_hex, fields=tuple(parts[1:]))


def _parse_csv(
    header: list[str], rest: Iterator[tuple[int, str]]
) -> Iterator[HashEntry | HashListError]:
    lowered = [name.lower() for name in header]
    hash_column = next(lowered.index(name) for name in HASH_COLUMNS if name in lowered)
    quality_column = lowered.index("quality") if "quality" in lowered else None
    for number, line in rest:
        if _is_skippable(line):
            continue
        try:
            row = next(csv.reader([line]))
        except csv.Error:
            yield HashListError(number, SkipReason.UNREADABLE_CSV)
            continue
        if len(row) != len(header):
            yield HashListError(
                number, SkipReason.COLUMN_COUNT, {"expected": len(header), "found": len(row)}
            )
            continue
        hash_hex = _check_hash(row[hash_column])
        if hash_hex is None:
            yield HashListError(number, SkipReason.NOT_A_HASH, {"value": row[hash_column][:80]})
            continue
        quality: int | None = None
        if quality_column is not None and row[quality_column].strip():
            text = row[quality_column].strip()
            if not text.isdigit() or not 0 <= int(text) <= 100:
                yield HashListError(number, SkipReason.BAD_QUALITY, {"value": text[:20]})
                continue
            quality = int(text)
        metadata = {
            header[i]: value.strip()
            for i, value in enumerate(row)
            if i not in (hash_column, quality_column)
        }
        yield HashEntry(number, hash_hex, quality=quality, metadata=metadata)


def read_hash_list(lines: Iterable[str]) -> tuple[list[HashEntry], list[HashListError]]:
    """Parse a whole hash list into (good entries, errors) for callers that want both."""
    entries: list[HashEntry] = []
    errors: list[HashListError] = []
    for record in iter_hash_list(lines):
        if isinstance(record, HashEntry):
            entries.append(record)
        else:
            errors.append(record)
    return entries, errors
