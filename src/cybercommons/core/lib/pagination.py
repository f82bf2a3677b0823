"""Cursor pagination for API lists: opaque, signed, keyset on (sort key, primary key).

A page ends with the sort key and primary key of its last row. The next page starts
strictly after that pair, so rows inserted or deleted between requests never make a row
appear twice or vanish, and a deep page costs as little as the first (no OFFSET). The
cursor is signed with the site's secret so clients cannot forge one that skips a policy
filter or sorts by a column the list does not offer; any change to it is refused with 400.

Any module can use it for its own lists::

    @router.get("/things", response=Page[ThingOut])
    def list_things(request, response: HttpResponse, page: Query[PageParams]):
        return paginate(request, response, queryset, page=page, key="name", name="things")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from ninja import Field, Schema

from cybercommons.core.errors import ServiceError

ItemT = TypeVar("ItemT")
_SALT = "cybercommons.api.cursor"
# A signed cursor is URL-safe base64 with "." and ":" separators, a few dozen characters
# long; anything else is refused before any decoding, and the limit keeps the whole
# request line well under what HTTP servers accept (gunicorn: 4094 bytes).
CURSOR_MAX_LENGTH = 400
CURSOR_PATTERN = r"^[A-Za-z0-9_.:\-]*$"


class InvalidCursor(ServiceError):
    """The cursor was not issued by this server for this list (edited, truncated, reused)."""

    status = 400


class PageParams(Schema):
    """The query parameters every paginated list takes."""

    # Typed without "| None": a query string can omit a parameter but never send a null.
    limit: int = Field(  # type: ignore[assignment]
        None, ge=1, description="Rows per page; larger values are lowered to the server's cap."
    )
    cursor: str = Field(  # type: ignore[assignment]
        None, max_length=CURSOR_MAX_LENGTH, pattern=CURSOR_PATTERN,
        description="The `next` value of the previous page, unchanged.",
    )


class Page(Schema, Generic[ItemT]):
    """One page of a list and the cursor of the next page (null on the last page).

    Subclass it per list (``class ThingPage(Page[ThingOut])``) so the OpenAPI schema gets a
    plain component name.
    """

    items: list[ItemT]
    next: str | None = None


@dataclass(frozen=True)
class _Key:
    """A sort key such as ``"name"`` or ``"-created_at"``, with the primary key as tie-break."""

    field: str
    descending: bool

    @classmethod
    def parse(cls, key: str) -> _Key:
        return cls(field=key.lstrip("-"), descending=key.startswith("-"))

    @property
    def ordering(self) -> list[str]:
        sign = "-" if self.descending else ""
        if self.field == "pk":
            return [sign + "pk"]
        return [sign + self.field, sign + "pk"]

    def after(self, value: Any, pk: Any) -> Q:
        """Rows strictly after (value, pk) in this order."""
        op = "lt" if self.descending else "gt"
        if self.field == "pk":
            return Q(**{f"pk__{op}": pk})
        return Q(**{f"{self.field}__{op}": value}) | Q(**{self.field: value, f"pk__{op}": pk})


def page_size(limit: int | None) -> int:
    """The number of rows to return: the default when absent, never above the cap."""
    cap = int(settings.API_MAX_PAGE_SIZE)
    if limit is None:
        return min(int(settings.API_DEFAULT_PAGE_SIZE), cap)
    return max(1, min(limit, cap))


def _field_value(obj: Model, field: str) -> Any:
    value: Any = obj
    for part in field.split("__"):
        value = getattr(value, part)
    return value


def _encode_value(value: Any) -> Any:
    # JSON keeps strings, numbers and booleans; datetimes travel as tagged ISO strings.
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        parsed = parse_datetime(str(value.get("dt", "")))
        if parsed is None:
            raise InvalidCursor("The cursor is not valid for this list.", field="cursor")
        return parsed
    return value


def encode_cursor(name: str, key: str, obj: Model) -> str:
    """A signed cursor pointing just after ``obj`` in the list ``name`` sorted by ``key``."""
    sort = _Key.parse(key)
    value = None if sort.field == "pk" else _encode_value(_field_value(obj, sort.field))
    payload = {"l": name, "k": key, "v": value, "p": _encode_value(obj.pk)}
    return signing.dumps(payload, salt=_SALT, compress=True)


def decode_cursor(name: str, key: str, cursor: str) -> tuple[Any, Any]:
    """The (sort value, primary key) a cursor points after; InvalidCursor when it is not ours."""
    try:
        payload = signing.loads(cursor, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise InvalidCursor("The cursor is invalid or has been altered; start again without "
                            "one.", field="cursor") from None
    if (not isinstance(payload, dict) or payload.get("l") != name
            or payload.get("k") != key or "p" not in payload):
        raise InvalidCursor("The cursor belongs to another list or another ordering.",
                            field="cursor")
    return _decode_value(payload.get("v")), _decode_value(payload["p"])


def next_link(request: HttpRequest, cursor: str) -> str:
    """The absolute URL of the next page: the same query with the cursor replaced."""
    params = [(k, v) for k, values in request.GET.lists() if k != "cursor" for v in values]
    params.append(("cursor", cursor))
    return request.build_absolute_uri(request.path + "?" + urlencode(params))


def paginate(
    request: HttpRequest,
    response: HttpResponse,
    queryset: QuerySet[Any],
    *,
    page: PageParams,
    key: str,
    name: str,
) -> dict[str, Any]:
    """One page of ``queryset`` sorted by ``key`` then pk, with ``next`` and a Link header.

    ``name`` identifies the list so that a cursor from one list is refused by another.
    ``key`` must be a non-null field (or ``"pk"``); prefix it with ``-`` for descending.
    The queryset must already be filtered by policy; filters given as query parameters
    should be the same on every page (the cursor only remembers the position).
    """
    sort = _Key.parse(key)
    size = page_size(page.limit)
    qs = queryset.order_by(*sort.ordering)
    if page.cursor:
        value, pk = decode_cursor(name, key, page.cursor)
        try:
            qs = qs.filter(sort.after(value, pk))
        except (ValueError, TypeError):
            raise InvalidCursor("The cursor is not valid for this list.",
                                field="cursor") from None
    rows = list(qs[: size + 1])
    cursor = None
    if len(rows) > size:
        rows = rows[:size]
        cursor = encode_cursor(name, key, rows[-1])
        response["Link"] = f'<{next_link(request, cursor)}>; rel="next"'
    return {"items": rows, "next": cursor}
