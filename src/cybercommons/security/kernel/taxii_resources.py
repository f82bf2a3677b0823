"""TAXII 2.1 response bodies whose shape the specification fixes (sections 3.7, 5.3, 5.8).

Small builders so no view gets the optional-key rules wrong: ``more`` is written only when
true, ``next`` only with a value, and an empty list is never written ("If there are no …
this key MUST be omitted, and the response is an empty object").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from cybercommons.security.kernel.stix_timestamps import format_taxii_timestamp
from cybercommons.security.kernel.taxii_media_types import STIX_21


def _paged(key: str, items: Sequence[Any], more: bool, next_token: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if more:
        body["more"] = True
        if next_token:
            body["next"] = next_token
    if items:
        body[key] = list(items)
    return body


def envelope(
    objects: Sequence[Mapping[str, Any]], more: bool = False, next_token: str | None = None
) -> dict[str, Any]:
    """The TAXII envelope for Get Objects / Get an Object (section 3.7)."""
    return _paged("objects", objects, more, next_token)


def manifest_record(
    object_id: str, date_added: datetime, version: str, media_type: str = STIX_21
) -> dict[str, Any]:
    """One manifest entry (section 5.3.1); ``version`` is the object's own version string
    (``modified``, else ``created``), ``date_added`` is written with microseconds."""
    return {
        "id": object_id,
        "date_added": format_taxii_timestamp(date_added),
        "version": version,
        "media_type": media_type,
    }


def manifest(
    records: Iterable[Mapping[str, Any]], more: bool = False, next_token: str | None = None
) -> dict[str, Any]:
    """The manifest resource (section 5.3.1) around ``manifest_record`` entries."""
    return _paged("objects", list(records), more, next_token)


def versions(
    version_strings: Sequence[str], more: bool = False, next_token: str | None = None
) -> dict[str, Any]:
    """The versions resource (section 5.8.1)."""
    return _paged("versions", version_strings, more, next_token)
