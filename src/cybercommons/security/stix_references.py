"""The STIX ids one object refers to, for the references table behind the object graph.

Every property named ``*_ref`` or ``*_refs`` holds identifiers (STIX 2.1 section 3.3),
at the top level or inside extensions and nested structures, and a relationship's
``source_ref``/``target_ref`` are the edges of the graph. Marking references are left
out on purpose: the markings are shown on their own, and a single TLP marking id
referenced by every object would make the table as large as the store for no question
anyone asks of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*--[0-9a-fA-F-]{36}$")
_MARKING_KEYS = frozenset({"object_marking_refs", "marking_ref"})
# Deep nesting is not STIX; stop well before Python's recursion limit on hostile input.
_MAX_DEPTH = 12
_CONTAINERS = (dict, list)
MAX_ID_LENGTH = 300


def referenced_ids(obj: dict[str, Any], raw: str | None = None) -> set[str]:
    """The ids ``obj`` names in its ``*_ref``/``*_refs`` properties (markings excluded).

    With ``raw``, the object's JSON text, an object whose text has neither ``_ref`` nor an
    escape (a key written with ``\\u`` escapes needs a backslash) names nothing, and is
    not walked.
    """
    if raw is not None and "_ref" not in raw and "\\" not in raw:
        return set()
    return {ref for ref in _walk(obj, 0) if ref != obj.get("id")}


def _walk(value: Any, depth: int) -> Iterator[str]:
    # Only dicts and lists are descended into: a scalar can hold no reference.
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _MARKING_KEYS:
                continue
            if key.endswith("_ref"):
                yield from _ids([item])
            elif key.endswith("_refs") and isinstance(item, list):
                yield from _ids(item)
            elif isinstance(item, _CONTAINERS):
                yield from _walk(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, _CONTAINERS):
                yield from _walk(item, depth + 1)


def _ids(values: list[Any]) -> Iterator[str]:
    for value in values:
        if isinstance(value, str) and len(value) <= MAX_ID_LENGTH and _ID.match(value):
            yield value
