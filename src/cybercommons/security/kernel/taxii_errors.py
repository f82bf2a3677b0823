"""Errors the TAXII 2.1 kernel raises, each carrying what the TAXII error resource needs.

The views turn a ``TaxiiError`` into the error message of TAXII 2.1 section 3.6.1 (title,
description, http_status, details) with the ``application/taxii+json;version=2.1`` type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TaxiiError(Exception):
    """A request the server must refuse: HTTP status, a short title and a precise reason."""

    http_status: int
    title: str
    description: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.http_status} {self.title}: {self.description}"

    def to_error_resource(self) -> dict[str, Any]:
        """The TAXII 2.1 error message body (``http_status`` as a string, as the spec types it)."""
        resource: dict[str, Any] = {
            "title": self.title,
            "description": self.description,
            "http_status": str(self.http_status),
        }
        if self.details:
            resource["details"] = self.details
        return resource


def bad_request(parameter: str, reason: str) -> TaxiiError:
    """A 400 naming the offending URL parameter."""
    return TaxiiError(400, "Invalid filter", f"{parameter}: {reason}", {"parameter": parameter})


def not_acceptable(reason: str) -> TaxiiError:
    """A 406: the ``Accept`` header asks for nothing this server can produce."""
    return TaxiiError(406, "Not Acceptable", reason)


def unsupported_media_type(reason: str) -> TaxiiError:
    """A 415: the request body's ``Content-Type`` is not one this endpoint takes."""
    return TaxiiError(415, "Unsupported Media Type", reason)
