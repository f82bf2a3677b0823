"""Read a TAXII envelope or STIX bundle while keeping each object's raw JSON text.

The store keeps every object exactly as it was received, so the ``objects`` array is
walked element by element with the kernel's ``load_json_at`` (the JSON decoder's
``raw_decode`` with the hook that notices repeated keys for the validator): each element
is parsed once, and its text is sliced from the request body by the positions the decoder
reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cybercommons.security.kernel.stix_validation import load_json_at

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"


class EnvelopeError(ValueError):
    """The body is not a JSON object with an ``objects`` array; the message says where."""


@dataclass(frozen=True)
class RawObject:
    """One element of the ``objects`` array: its exact text and its parsed value."""

    raw: str
    value: Any


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _expect(text: str, index: int, char: str) -> int:
    index = _skip(text, index)
    if index >= len(text) or text[index] != char:
        found = text[index] if index < len(text) else "the end"
        raise EnvelopeError(f"expected {char!r} at character {index}, found {found!r}")
    return index + 1


def _decode(text: str, index: int) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, index)
    except json.JSONDecodeError as exc:
        raise EnvelopeError(f"malformed JSON: {exc}") from None
    except RecursionError:
        raise EnvelopeError("the JSON is nested too deeply") from None


def read_objects(body: bytes | str, *, require_objects: bool = False
                 ) -> tuple[dict[str, Any], list[RawObject]]:
    """Split a JSON object with an ``objects`` array into its other members and its objects.

    Raises ``EnvelopeError`` when the body is not UTF-8 JSON of that shape (with
    ``require_objects``, also when the ``objects`` property is missing). An element that
    is itself not a JSON object is still returned (the validator refuses it with a reason),
    so one bad element never hides the good ones.
    """
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise EnvelopeError(f"the body is not UTF-8: {exc}") from None
    text = text.removeprefix("\ufeff")
    members: dict[str, Any] = {}
    objects: list[RawObject] = []
    seen_objects = False
    index = _expect(text, 0, "{")
    index = _skip(text, index)
    if index < len(text) and text[index] == "}":
        index += 1
    else:
        while True:
            index = _skip(text, index)
            key, index = _decode(text, index)
            if not isinstance(key, str):
                raise EnvelopeError(f"expected a property name at character {index}")
            index = _expect(text, index, ":")
            index = _skip(text, index)
            if key == "objects":
                if seen_objects:
                    raise EnvelopeError("the objects property appears more than once")
                seen_objects = True
                index = _read_array(text, index, objects)
            else:
                members[key], index = _decode(text, index)
            index = _skip(text, index)
            if index < len(text) and text[index] == ",":
                index += 1
                continue
            index = _expect(text, index, "}")
            break
    if _skip(text, index) != len(text):
        raise EnvelopeError(f"unexpected text after the JSON object at character {index}")
    if "objects" in members:
        raise EnvelopeError("objects must be a list")
    if require_objects and not seen_objects:
        raise EnvelopeError("the objects property is missing")
    return members, objects


def _read_array(text: str, index: int, out: list[RawObject]) -> int:
    if index >= len(text) or text[index] != "[":
        raise EnvelopeError("objects must be a list")
    index = _skip(text, index + 1)
    if index < len(text) and text[index] == "]":
        return index + 1
    while True:
        index = _skip(text, index)
        start = index
        try:
            value, index = load_json_at(text, index)
        except json.JSONDecodeError as exc:
            raise EnvelopeError(f"malformed JSON: {exc}") from None
        except ValueError as exc:
            raise EnvelopeError(str(exc)) from None
        out.append(RawObject(text[start:index], value))
        index = _skip(text, index)
        if index < len(text) and text[index] == ",":
            index += 1
            continue
        return _expect(text, index, "]")
