"""TAXII 2.1 paging: the opaque ``next`` token, keyset pages and the date-added headers.

A page is the first ``limit`` versions, in ``(date_added, sequence)`` order, strictly after
the position the token records. Because rows never move in that order and new rows are
appended after every existing one, a client that follows ``next`` sees every version that
existed when it started exactly once, and any version added meanwhile at most once
(exactly once if it keeps paging until ``more`` is false). No OFFSET is ever needed: the
store's query is ``WHERE (date_added, sequence) > (:d, :s) ORDER BY date_added, sequence
LIMIT :limit + 1`` (row comparison works on PostgreSQL and SQLite >= 3.15).

Store requirement for the guarantee: ``sequence`` must be assigned in commit order and
``date_added`` must strictly increase with it within a collection (take ``date_added =
max(now, previous date_added + 1 µs)`` inside the inserting transaction, serialised per
collection). Strictly increasing also makes the specification's other way of paging
exact: a client that sends ``added_after`` = the last page's ``X-TAXII-Date-Added-Last``
neither skips nor repeats a version, because no two versions share a ``date_added``.

The token is ``base64url(payload) "." base64url(HMAC-SHA256(key, payload)[:16])``; the
payload records the position, the filter fingerprint and the time of issue, so a token that
was altered, forged, or replayed with other filters is refused with a 400.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from cybercommons.security.kernel.stix_timestamps import format_taxii_timestamp
from cybercommons.security.kernel.taxii_errors import bad_request

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class PagePosition:
    """The last row a page returned: its ``date_added`` and ``sequence`` (keyset)."""

    date_added: datetime
    sequence: int


def _micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_cursor(
    position: PagePosition, fingerprint: str, key: bytes, *, issued_at: datetime | None = None
) -> str:
    """Make the opaque ``next`` token for a position under a filter fingerprint.

    ``key`` is a server secret (derive it from the site secret); ``fingerprint`` comes
    from ``FilterSpec.fingerprint(scope)``.
    """
    issued = issued_at or datetime.now(UTC)
    payload = json.dumps(
        [_micros(position.date_added), position.sequence, fingerprint, _micros(issued)],
        separators=(",", ":"),
    ).encode()
    signature = hmac.new(key, payload, hashlib.sha256).digest()[:16]
    return f"{_b64(payload)}.{_b64(signature)}"


def decode_cursor(
    token: str,
    fingerprint: str,
    key: bytes,
    *,
    max_age: timedelta | None = None,
    now: datetime | None = None,
) -> PagePosition:
    """Read a ``next`` token back into a position, refusing anything not issued as is.

    Raises ``TaxiiError`` (400) when the token is malformed, its signature does not match,
    it was issued for other filters, or it is older than ``max_age``.
    """
    try:
        payload_text, signature_text = token.split(".")
        payload = _unb64(payload_text)
        signature = _unb64(signature_text)
    except ValueError:
        raise bad_request("next", "not a paging token issued by this server") from None
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:16]
    if not hmac.compare_digest(signature, expected):
        raise bad_request("next", "the paging token was altered or not issued by this server")
    micros, sequence, token_fingerprint, issued_micros = json.loads(payload)
    if not hmac.compare_digest(str(token_fingerprint), fingerprint):
        raise bad_request("next", "the paging token belongs to a request with other filters")
    if max_age is not None:
        issued = _EPOCH + timedelta(microseconds=issued_micros)
        if (now or datetime.now(UTC)) - issued > max_age:
            raise bad_request("next", "the paging token has expired; start again")
    return PagePosition(_EPOCH + timedelta(microseconds=micros), int(sequence))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: its items, whether more follow, and where it ended."""

    items: list[T]
    more: bool
    last_position: PagePosition | None


def take_page(
    ordered: Sequence[T],
    after: PagePosition | None,
    limit: int,
    key_of: Callable[[T], PagePosition],
) -> Page[T]:
    """Reference keyset paging over items already sorted by ``(date_added, sequence)``.

    Why: states the exact semantics the SQL query must have (strictly after the
    position, ``limit + 1`` rows read to know whether ``more`` is true) and is the oracle
    the store's paging tests compare against.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    start = 0
    if after is not None:
        boundary = (after.date_added, after.sequence)
        # Binary search: the first item strictly after the boundary.
        low, high = 0, len(ordered)
        while low < high:
            middle = (low + high) // 2
            key = key_of(ordered[middle])
            if (key.date_added, key.sequence) <= boundary:
                low = middle + 1
            else:
                high = middle
        start = low
    window = list(ordered[start : start + limit + 1])
    more = len(window) > limit
    items = window[:limit]
    return Page(items, more, key_of(items[-1]) if items else None)


def date_added_headers(first: datetime | None, last: datetime | None) -> dict[str, str]:
    """The ``X-TAXII-Date-Added-First`` / ``-Last`` headers for a page (none if empty).

    Why: clients resume polling from ``X-TAXII-Date-Added-Last`` as ``added_after``, so it
    is written with full microsecond precision.
    """
    if first is None or last is None:
        return {}
    return {
        "X-TAXII-Date-Added-First": format_taxii_timestamp(first),
        "X-TAXII-Date-Added-Last": format_taxii_timestamp(last),
    }
