"""TAXII 2.1 media types: ``Accept`` negotiation (406) and ``Content-Type`` checks (415).

From the TAXII 2.1 specification (section 1.6.8 "Content Negotiation" and the per-endpoint
tables): TAXII resources are ``application/taxii+json;version=2.1``; STIX content is
``application/stix+json;version=2.1``. A media type without ``version`` means "the latest
version the server supports". A server that cannot produce any type the client accepts
answers 406; a POST body in a type the endpoint does not take is refused with 415.

``Accept`` is read per RFC 9110: comma-separated media ranges, ``*/*`` and ``type/*``
wildcards, ``q`` weights (``q=0`` means "not acceptable"); type, subtype and parameter
names are case-insensitive and the version may be quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cybercommons.security.kernel.taxii_errors import not_acceptable, unsupported_media_type

TAXII_21 = "application/taxii+json;version=2.1"
STIX_21 = "application/stix+json;version=2.1"

# What each kind of endpoint can produce, best first.
TAXII_RESPONSE_TYPES: tuple[str, ...] = (TAXII_21,)


@dataclass(frozen=True)
class MediaType:
    """A parsed media type or range: ``type/subtype`` plus parameters (names lower-cased)."""

    type: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()
    quality: float = 1.0

    def param(self, name: str) -> str | None:
        """The value of one parameter, or ``None``."""
        return next((value for key, value in self.params if key == name), None)


def parse_media_type(text: str) -> MediaType:
    """Parse one media type (``type/subtype;name=value...``); raises ``ValueError``."""
    parts = [part.strip() for part in text.split(";")]
    full_type = parts[0].lower()
    main, slash, sub = full_type.partition("/")
    if not slash or not main or not sub:
        raise ValueError(f"{text.strip()!r} is not a media type")
    params: list[tuple[str, str]] = []
    quality = 1.0
    for part in parts[1:]:
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals:
            raise ValueError(f"parameter {part!r} has no value")
        name, value = name.strip().lower(), value.strip().strip('"')
        if name == "q":
            try:
                quality = float(value)
            except ValueError:
                raise ValueError(f"q={value!r} is not a number") from None
            if not 0.0 <= quality <= 1.0:
                raise ValueError(f"q={value!r} is outside 0..1")
        else:
            params.append((name, value))
    return MediaType(main, sub, tuple(params), quality)


def _matches(media_range: MediaType, offered: MediaType) -> int:
    """How specifically a range matches an offered type (-1: no match)."""
    if media_range.type == "*":
        return 0 if media_range.subtype == "*" else -1
    if media_range.type != offered.type:
        return -1
    if media_range.subtype == "*":
        return 1
    if media_range.subtype != offered.subtype:
        return -1
    wanted = media_range.param("version")
    if wanted is None:
        return 2  # no version: the latest the server supports
    return 3 if wanted == offered.param("version") else -1


def negotiate(accept: str | None, offered: Sequence[str] = TAXII_RESPONSE_TYPES) -> str:
    """Pick the media type to answer with, or raise ``TaxiiError`` 406.

    Why: every TAXII endpoint must check ``Accept`` before doing any work. ``offered`` is
    what this endpoint can produce, best (newest) first; the result is one of them, to be
    sent back as ``Content-Type``. A missing header is refused because TAXII clients MUST
    send one.
    """
    if accept is None or not accept.strip():
        raise not_acceptable(f"the Accept header is required; this endpoint produces {offered[0]}")
    try:
        ranges = [parse_media_type(item) for item in accept.split(",") if item.strip()]
    except ValueError as exc:
        raise not_acceptable(f"the Accept header cannot be read: {exc}") from None
    candidates = [parse_media_type(item) for item in offered]
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for position, candidate in enumerate(candidates):
        # The most specific matching range decides this candidate's weight (RFC 9110).
        specificity, quality = -1, 0.0
        for media_range in ranges:
            score = _matches(media_range, candidate)
            if score > specificity:
                specificity, quality = score, media_range.quality
        if specificity < 0 or quality <= 0.0:
            continue
        rank = (quality, specificity, -position)
        if best is None or rank > best:
            best, chosen = rank, offered[position]
    if chosen is None:
        raise not_acceptable(
            f"none of the accepted media types ({accept.strip()}) can be produced; "
            f"this endpoint produces {', '.join(offered)}"
        )
    return chosen


def negotiate_taxii(accept: str | None, *, stix_accept_defined: bool = False) -> str:
    """Check ``Accept`` for a TAXII 2.1 endpoint; return the response ``Content-Type``.

    Every TAXII 2.1 response is ``application/taxii+json;version=2.1``. The manifest
    endpoint (section 5.3) also lists ``application/stix+json;version=2.1`` among its
    Accept values, and "requests with media types … defined for that Endpoint MUST NOT
    result in an HTTP 406", so it passes ``stix_accept_defined=True``.
    """
    offered = (TAXII_21, STIX_21) if stix_accept_defined else (TAXII_21,)
    negotiate(accept, offered)
    return TAXII_21


def check_content_type(content_type: str | None, accepted: Sequence[str] = (TAXII_21,)) -> str:
    """Check the ``Content-Type`` of a request body; return the accepted type or raise 415.

    A type without ``version`` is read as the latest version (the first of ``accepted``
    with that type); extra parameters such as ``charset`` are ignored.
    """
    if content_type is None or not content_type.strip():
        raise unsupported_media_type(f"the Content-Type header is required: send {accepted[0]}")
    try:
        given = parse_media_type(content_type)
    except ValueError as exc:
        raise unsupported_media_type(f"the Content-Type cannot be read: {exc}") from None
    for item in accepted:
        candidate = parse_media_type(item)
        if (given.type, given.subtype) != (candidate.type, candidate.subtype):
            continue
        version = given.param("version")
        if version is None or version == candidate.param("version"):
            return item
    raise unsupported_media_type(
        f"{content_type.strip()} is not accepted here; send {', '.join(accepted)}"
    )
