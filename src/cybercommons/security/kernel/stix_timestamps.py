"""STIX 2.1 / TAXII 2.1 timestamps: strict parsing and canonical formatting.

STIX and TAXII both use RFC 3339 timestamps in UTC with a literal ``Z`` and optional
fractional seconds (``YYYY-MM-DDTHH:MM:SS[.s+]Z``). Python's ``datetime.fromisoformat``
accepts far more (offsets, a space separator, missing seconds), so the form is checked
with an explicit expression first and only then converted.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

# Digits only ([0-9], not \d, which also matches other scripts' digits).
_STIX_TIMESTAMP = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})T"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?Z$"
)


class TimestampError(ValueError):
    """A string is not a STIX/TAXII timestamp; the message says what is wrong."""


def parse_timestamp(value: object) -> datetime:
    """Parse a STIX/TAXII timestamp into an aware UTC ``datetime``.

    Why: every comparison (``modified`` >= ``created``, ``added_after``, version match)
    needs instants, not strings. Fractions beyond microseconds are truncated, which is
    the precision the store keeps. A leap second (``:60``) is read as ``:59.999999``.
    Raises ``TimestampError`` naming the problem.
    """
    if not isinstance(value, str):
        raise TimestampError(f"expected a timestamp string, got {type(value).__name__}")
    return _parse_text(value)


# An object's created, modified and often valid_from are one string, read by the validator
# and again by the store; the last few results are kept (datetimes are immutable).
@lru_cache(maxsize=256)
def _parse_text(value: str) -> datetime:
    match = _STIX_TIMESTAMP.match(value)
    if match is None:
        raise TimestampError(
            f"{value!r} is not an RFC 3339 UTC timestamp of the form YYYY-MM-DDTHH:MM:SS[.s+]Z"
        )
    if match["second"] != "60":
        # The form is checked above; for it, fromisoformat gives the same instant
        # (fraction truncated to microseconds) several times faster. An impossible date
        # falls through to the field-by-field path, which names the problem.
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    second = int(match["second"])
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    microsecond = int(fraction)
    if second == 60:
        second, microsecond = 59, 999_999
    try:
        year, month, day = (int(part) for part in match["date"].split("-"))
        return datetime(
            year,
            month,
            day,
            int(match["hour"]),
            int(match["minute"]),
            second,
            microsecond,
            tzinfo=UTC,
        )
    except ValueError as exc:
        raise TimestampError(f"{value!r} is not a real date and time: {exc}") from None


def taxii_text(value: str) -> str:
    """``format_taxii_timestamp(parse_timestamp(value))``, by rewriting the text.

    Why: the store keys versions by this form; a valid STIX timestamp already is UTC with
    the fraction written out, so padding or truncating it to six digits gives the same
    text without building a datetime. A leap second goes the long way round.
    Raises ``TimestampError`` as ``parse_timestamp`` does.
    """
    match = _STIX_TIMESTAMP.match(value) if isinstance(value, str) else None
    if match is None or match["second"] == "60":
        return format_taxii_timestamp(parse_timestamp(value))
    parse_timestamp(value)  # refuses an impossible date with its reason
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    return f"{value[:19]}.{fraction}Z"


def fraction_digits(value: str) -> int:
    """Number of sub-second digits written in a timestamp string (0 when none).

    Why: STIX requires ``created``/``modified`` to be precise to the millisecond, i.e. at
    least three fraction digits, which is a property of the text, not of the instant.
    """
    match = _STIX_TIMESTAMP.match(value)
    if match is None or match["fraction"] is None:
        return 0
    return len(match["fraction"])


def format_taxii_timestamp(moment: datetime) -> str:
    """Format an instant as TAXII writes ``date_added`` and paging headers.

    Why: TAXII 2.1 examples show microsecond precision (``2016-11-01T03:04:05.000000Z``);
    always writing six digits keeps the string round-trippable into ``added_after``
    without losing the order of objects added within the same millisecond.
    Naive datetimes are refused because their instant is unknown.
    """
    if moment.tzinfo is None:
        raise TimestampError("a naive datetime has no known instant; give a UTC-aware one")
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def format_stix_timestamp(moment: datetime) -> str:
    """Format an instant as a STIX ``created``/``modified`` value (millisecond precision).

    Why: STIX requires millisecond precision for these properties; writing exactly three
    digits matches what most producers emit, so versions compare equal as text too.
    """
    if moment.tzinfo is None:
        raise TimestampError("a naive datetime has no known instant; give a UTC-aware one")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
