"""The part of Structured Field Values (RFC 8941) that HTTP message signatures use.

RFC 9421 carries its covered components and parameters in the `Signature-Input` dictionary
and the signatures in the `Signature` dictionary, and the last line of the signature base is
the canonical serialisation of the inner list. Parsing and re-serialising (rather than
copying the sender's text) is what the RFC asks for, so both directions are here.

Values map to Python as: Integer -> int, Decimal -> float, String -> str, Token -> Token,
Byte Sequence -> bytes, Boolean -> bool. Parameters are an ordered dict.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

BareItem = int | float | str | bytes | bool
Parameters = dict[str, BareItem]


class StructuredFieldError(ValueError):
    """A header is not a valid structured field; the message says where."""


class Token(str):
    """An RFC 8941 Token (serialised without quotes), as opposed to a String."""

    __slots__ = ()


@dataclass(frozen=True)
class Item:
    """A bare item with its parameters."""

    value: BareItem
    params: Parameters = field(default_factory=dict)


@dataclass(frozen=True)
class InnerList:
    """A parenthesised list of items with its own parameters."""

    items: list[Item]
    params: Parameters = field(default_factory=dict)


_KEY_RE = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_TOKEN_RE = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")
_NUMBER_RE = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,3})?")
_STRING_RE = re.compile(r'"((?:[ !#-\[\]-~]|\\["\\])*)"')
_UNESCAPE_RE = re.compile(r'\\(["\\])')


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> StructuredFieldError:
        return StructuredFieldError(f"{what} at character {self.pos} of {self.text!r:.120}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self, chars: str) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in chars:
            self.pos += 1

    def key(self) -> str:
        match = _KEY_RE.match(self.text, self.pos)
        if not match:
            raise self.fail("expected a key")
        self.pos = match.end()
        return match.group()

    def bare_item(self) -> BareItem:
        char = self.peek()
        if char == "-" or char.isdigit():
            match = _NUMBER_RE.match(self.text, self.pos)
            if not match:
                raise self.fail("bad number")
            self.pos = match.end()
            number = match.group()
            return float(number) if "." in number else int(number)
        if char == '"':
            return self.string()
        if char == ":":
            end = self.text.find(":", self.pos + 1)
            if end < 0:
                raise self.fail("unterminated byte sequence")
            encoded = self.text[self.pos + 1 : end]
            self.pos = end + 1
            try:
                return base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise self.fail("bad base64 in byte sequence") from exc
        if char == "?":
            flag = self.text[self.pos + 1 : self.pos + 2]
            if flag not in ("0", "1"):
                raise self.fail("bad boolean")
            self.pos += 2
            return flag == "1"
        match = _TOKEN_RE.match(self.text, self.pos)
        if not match:
            raise self.fail("expected an item")
        self.pos = match.end()
        return Token(match.group())

    def string(self) -> str:
        match = _STRING_RE.match(self.text, self.pos)
        if match:  # the common, well-formed case in one step
            self.pos = match.end()
            return _UNESCAPE_RE.sub(r"\1", match.group(1))
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                escaped = self.peek()
                if escaped not in ('"', "\\"):
                    raise self.fail("bad escape in string")
                out.append(escaped)
                self.pos += 1
            elif char == '"':
                return "".join(out)
            elif not " " <= char <= "~":
                raise self.fail("non-printable character in string")
            else:
                out.append(char)
        raise self.fail("unterminated string")

    def params(self) -> Parameters:
        params: Parameters = {}
        while self.peek() == ";":
            self.pos += 1
            self.skip(" ")
            name = self.key()
            value: BareItem = True
            if self.peek() == "=":
                self.pos += 1
                value = self.bare_item()
            params[name] = value
        return params

    def item(self) -> Item:
        value = self.bare_item()
        return Item(value, self.params())

    def inner_list(self) -> InnerList:
        self.pos += 1  # "("
        items: list[Item] = []
        while self.pos < len(self.text):
            self.skip(" ")
            if self.peek() == ")":
                self.pos += 1
                return InnerList(items, self.params())
            items.append(self.item())
            if self.peek() not in (" ", ")"):
                raise self.fail("expected a space or ')' in inner list")
        raise self.fail("unterminated inner list")

    def member(self) -> Item | InnerList:
        return self.inner_list() if self.peek() == "(" else self.item()


def parse_dictionary(text: str) -> dict[str, Item | InnerList]:
    """Parse a Dictionary header value (e.g. Signature-Input, Signature, Content-Digest)."""
    parser = _Parser(text.strip(" \t"))
    members: dict[str, Item | InnerList] = {}
    if not parser.text:
        return members
    while True:
        name = parser.key()
        if parser.peek() == "=":
            parser.pos += 1
            members[name] = parser.member()
        else:
            members[name] = Item(True, parser.params())
        parser.skip(" \t")
        if parser.pos >= len(parser.text):
            return members
        if parser.peek() != ",":
            raise parser.fail("expected ',' between dictionary members")
        parser.pos += 1
        parser.skip(" \t")
        if parser.pos >= len(parser.text):
            raise parser.fail("trailing comma")


def serialize_bare_item(value: BareItem) -> str:
    """Canonical text of a bare item."""
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.1f}"
    if isinstance(value, bytes):
        return ":" + base64.b64encode(value).decode("ascii") + ":"
    if isinstance(value, Token):
        return str(value)
    if any(not " " <= char <= "~" for char in value):
        raise StructuredFieldError(f"a structured-field string must be printable ASCII: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def serialize_params(params: Parameters) -> str:
    """Canonical text of parameters (`;key` for true, `;key=value` otherwise)."""
    return "".join(
        f";{name}" if value is True else f";{name}={serialize_bare_item(value)}"
        for name, value in params.items()
    )


def serialize_item(item: Item) -> str:
    """Canonical text of an item with its parameters."""
    return serialize_bare_item(item.value) + serialize_params(item.params)


def serialize_inner_list(inner: InnerList) -> str:
    """Canonical text of an inner list with its parameters."""
    return (
        "("
        + " ".join(serialize_item(item) for item in inner.items)
        + ")"
        + serialize_params(inner.params)
    )


def serialize_dictionary(members: dict[str, Item | InnerList]) -> str:
    """Canonical text of a dictionary."""
    parts = []
    for name, member in members.items():
        if isinstance(member, InnerList):
            parts.append(f"{name}={serialize_inner_list(member)}")
        elif member.value is True:
            parts.append(name + serialize_params(member.params))
        else:
            parts.append(f"{name}={serialize_item(member)}")
    return ", ".join(parts)
