"""Validate STIX 2.1 objects against the specification's rules, one object at a time.

Each object yields a list of readable ``Problem`` s (field + reason); an empty list of
errors means the object may be stored. A bundle is validated object by object so one bad
object never blocks its neighbours. Indicator patterns are checked with ``stix2-patterns``
(``check_pattern`` also serves the live check of the indicator form).

What is checked: the common properties each kind requires (SDO, SCO, SRO incl. sighting,
marking-definition, language-content, extension-definition, custom objects), ``type``
syntax, ``id`` = ``<type>--<RFC 4122 UUID>`` with matching type, ``spec_version`` "2.1",
timestamps in the STIX form (UTC ``Z``, millisecond precision for ``created``/``modified``,
``modified`` >= ``created``, not in the future beyond a skew), ``*_ref``/``*_refs`` syntax and
their target types where the specification fixes them, property names, empty lists, the
type-specific rules that most often break (indicator, location, malware, observed-data,
sighting, relationship, marking-definition with the TLP ids), hashes, and duplicate keys
in the raw JSON text.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from stix2patterns.validator import run_validator

from cybercommons.security.kernel import stix_kinds as kinds
from cybercommons.security.kernel.stix_timestamps import (
    TimestampError,
    parse_timestamp,
)
from cybercommons.security.kernel.tlp import (
    TLP1_MARKING_IDS,
    TLP2_EXTENSION_DEFINITION_ID,
    TlpError,
    marking_id,
    tlp_of_marking_definition,
)

Severity = Literal["error", "warning"]

_TYPE_CHARS = re.compile(r"^[a-z0-9-]+$")
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
_PROPERTY_NAME = re.compile(r"^[a-zA-Z0-9_]+$")
_RELATIONSHIP_TYPE = re.compile(r"^[a-z0-9-]+$")
_PREDEFINED_EXTENSION_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*-ext$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_PATTERN_POSITION = re.compile(r"line (\d+):(\d+)")
# The commonest pattern shape, [<observable>:<property> = '<literal>'], recognised without
# the ANTLR parser (about 50 times faster); anything else goes to stix2-patterns. Only
# string escapes the grammar allows (\' and \\) are accepted.
_SIMPLE_COMPARISON = re.compile(
    r"^\[(?P<type>[a-z0-9-]+):(?P<path>value|name|hashes\.(?:'(?P<quoted>[A-Za-z0-9-]+)'"
    r"|(?P<bare>[A-Za-z0-9]+))) = '(?P<literal>(?:[^'\\]|\\['\\])*)'\]$"
)
# Hash lengths the pattern validator enforces (names upper-cased, without '-').
_PATTERN_HASH_LENGTHS = {
    "MD5": 32,
    "SHA1": 40,
    "SHA224": 56,
    "SHA256": 64,
    "SHA384": 96,
    "SHA512": 128,
    "SHA3224": 56,
    "SHA3256": 64,
    "SHA3384": 96,
    "SHA3512": 128,
    "RIPEMD160": 40,
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an object: where (dotted path) and why, in plain words."""

    field: str
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class ValidationOptions:
    """Knobs of the validator.

    ``now``: the reference instant for "in the future" (default: the current UTC time);
    ``max_future_skew``: how far ahead of ``now`` ``created``/``modified`` may lie (clock
    drift between sharing partners); ``allow_custom``: accept custom object types
    (ATT&CK's ``x-mitre-*``) as long as they carry the common properties.
    """

    now: datetime | None = None
    max_future_skew: timedelta = timedelta(minutes=5)
    allow_custom: bool = True


@dataclass(frozen=True)
class ObjectResult:
    """The verdict on one object of a bundle or envelope (``index`` is its position)."""

    index: int
    id: str | None
    type: str | None
    version: str | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that make the object unacceptable."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def ok(self) -> bool:
        """Whether the object may be stored (warnings do not block)."""
        return not self.errors


@dataclass(frozen=True)
class BundleResult:
    """Problems with the container itself plus one ``ObjectResult`` per object."""

    problems: tuple[Problem, ...]
    objects: tuple[ObjectResult, ...] = field(default_factory=tuple)

    @property
    def valid_objects(self) -> tuple[ObjectResult, ...]:
        """The objects that passed."""
        return tuple(result for result in self.objects if result.ok)

    @property
    def invalid_objects(self) -> tuple[ObjectResult, ...]:
        """The objects that failed, each with its reasons."""
        return tuple(result for result in self.objects if not result.ok)


@dataclass(frozen=True)
class PatternCheck:
    """Result of checking a STIX pattern: ``ok`` or a message with its 1-based position."""

    ok: bool
    message: str = ""
    line: int | None = None
    column: int | None = None


class _KeyTrackingDict(dict[str, Any]):
    """A dict that remembers which keys its JSON text repeated.

    ``repeats_nowhere`` is set on a parsed top-level value when no object anywhere
    inside its text repeated a key, so the validator need not walk it to find out.
    """

    duplicate_keys: tuple[str, ...] = ()
    repeats_nowhere: bool = False


# Per thread: whether the parse under way has met a repeated key.
_PARSE_STATE = threading.local()


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _KeyTrackingDict:
    # Built in C (the last of equal keys wins, as in json.loads); the keys are only
    # walked again when the dict came out shorter than the pairs, i.e. a key repeated.
    result = _KeyTrackingDict(pairs)
    if len(result) != len(pairs):
        _PARSE_STATE.repeated = True
        seen: set[str] = set()
        duplicates = []
        for key, _value in pairs:
            if key in seen:
                duplicates.append(key)
            seen.add(key)
        result.duplicate_keys = tuple(duplicates)
    return result


_TRACKING_DECODER = json.JSONDecoder(object_pairs_hook=_pairs_hook)


def load_json(raw: str | bytes) -> Any:
    """Parse JSON text, remembering duplicated keys for the validator to report.

    Why: ``json.loads`` keeps the last of two equal keys silently, so the stored raw text
    and the indexed fields would disagree. Raises ``ValueError`` on malformed JSON.
    """
    _PARSE_STATE.repeated = False
    try:
        value = json.loads(raw, object_pairs_hook=_pairs_hook)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    return _mark_clean(value)


def _mark_clean(value: Any) -> Any:
    if isinstance(value, _KeyTrackingDict) and not _PARSE_STATE.repeated:
        value.repeats_nowhere = True
    return value


def load_json_at(text: str, index: int) -> tuple[Any, int]:
    """Parse the JSON value starting at ``text[index]`` as ``load_json`` would.

    Returns the value and the index just past it, so a reader can slice the value's exact
    text out of a larger document while parsing it only once. Raises ``ValueError`` on
    malformed JSON (``json.JSONDecodeError``) or nesting too deep.
    """
    _PARSE_STATE.repeated = False
    try:
        value, end = _TRACKING_DECODER.raw_decode(text, index)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    return _mark_clean(value), end


def _duplicate_key_problems(value: Any, path: str) -> Iterator[Problem]:
    # Only dicts can repeat keys, so scalars are never descended into.
    if isinstance(value, dict):
        for key in getattr(value, "duplicate_keys", ()):
            yield Problem(_join(path, key), "property appears more than once in the JSON text")
        for key, child in value.items():
            if isinstance(child, _CONTAINERS):
                yield from _duplicate_key_problems(child, _join(path, key))
    elif isinstance(value, list):
        for position, child in enumerate(value):
            if isinstance(child, _CONTAINERS):
                yield from _duplicate_key_problems(child, f"{path}[{position}]")


_CONTAINERS = (dict, list)
_SCALARS = (str, int, float)


def _may_hold_references(value: object) -> bool:
    """Whether a value can contain ``*_ref`` properties (a dict or list, not a scalar)."""
    if isinstance(value, _CONTAINERS):
        return True
    return value is not None and not isinstance(value, _SCALARS) and isinstance(value, Mapping)


@lru_cache(maxsize=4096)
def _is_property_name(name: str) -> bool:
    return _PROPERTY_NAME.match(name) is not None


def _fraction_digits_of_valid(value: str) -> int:
    """Sub-second digits of a string ``parse_timestamp`` accepted (``fraction_digits``).

    Its form is fixed up to the seconds (19 characters), then ``.digits`` and ``Z``.
    """
    return len(value) - 21 if len(value) > 20 and value[19] == "." else 0


_NO_REFERENCES_INSIDE = frozenset({"pattern", "contents", "schema"})


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def check_pattern(pattern: str) -> PatternCheck:
    """Check a STIX 2.1 pattern's syntax, returning the first error and its position.

    Why: the indicator form checks the pattern live while it is typed, and the message
    must point at the offending column. Line and column are 1-based.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        return PatternCheck(False, "the pattern is empty", 1, 1)
    fast = _check_simple_comparison(pattern)
    if fast is not None:
        return fast
    try:
        errors = run_validator(pattern, stix_version="2.1")
    except Exception as exc:  # the ANTLR runtime can raise on odd input
        return PatternCheck(False, f"the pattern could not be parsed: {exc}")
    if not errors:
        return PatternCheck(True)
    message = str(errors[0])
    message = message.removeprefix("FAIL: ")
    position = _PATTERN_POSITION.search(message)
    if position is None:
        return PatternCheck(False, message)
    # The parser reports 0-based columns.
    return PatternCheck(False, message, int(position[1]), int(position[2]) + 1)


def _check_simple_comparison(pattern: str) -> PatternCheck | None:
    """Decide a single-comparison pattern without ANTLR, or ``None`` to use the parser."""
    match = _SIMPLE_COMPARISON.match(pattern)
    if match is None or match["type"] not in kinds.SCO_TYPES:
        return None
    algorithm = match["quoted"] or match["bare"]
    if algorithm is None:
        return PatternCheck(True)
    length = _PATTERN_HASH_LENGTHS.get(algorithm.upper().replace("-", ""))
    if length is None:
        return None
    literal = match["literal"]
    if len(literal) == length and _HEX.match(literal):
        return PatternCheck(True)
    return PatternCheck(False, f"'{literal}' is not a valid {algorithm} hash")


def collect_references(obj: Mapping[str, Any]) -> set[str]:
    """Every identifier an object refers to through ``*_ref`` / ``*_refs`` (at any depth).

    Why: STIX allows references to objects the receiver does not hold, so a dangling
    reference is not a validation error; the store uses this to report (or fetch) the
    unknown ones without refusing the object.
    """
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for key, child in value.items():
                if isinstance(key, str) and key.endswith("_ref") and isinstance(child, str):
                    found.add(child)
                elif isinstance(key, str) and key.endswith("_refs") and isinstance(child, list):
                    found.update(item for item in child if isinstance(item, str))
                else:
                    walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(obj)
    found.discard("")
    return found


def object_kind(type_name: str) -> str:
    """Which family a type belongs to: ``sdo``, ``sro``, ``sco``, ``meta`` or ``custom``."""
    if type_name in kinds.SDO_TYPES:
        return "sdo"
    if type_name in kinds.SRO_TYPES:
        return "sro"
    if type_name in kinds.SCO_TYPES:
        return "sco"
    if type_name in kinds.META_TYPES:
        return "meta"
    return "custom"


def object_version(obj: Mapping[str, Any]) -> str | None:
    """The version key of an object: ``modified``, else ``created``, else ``None`` (SCOs)."""
    value = obj.get("modified", obj.get("created"))
    return value if isinstance(value, str) else None


def validate_type_name(type_name: object) -> str | None:
    """Why a ``type`` value is not valid STIX syntax, or ``None`` when it is."""
    if not isinstance(type_name, str):
        return "must be a string"
    return _type_name_problem(type_name)


# A feed repeats a handful of type names and property names in every object: their
# verdicts are remembered (bounded), so each distinct name is checked once.
@lru_cache(maxsize=4096)
def _type_name_problem(type_name: str) -> str | None:
    if not 3 <= len(type_name) <= 250:
        return "must be 3 to 250 characters long"
    if not _TYPE_CHARS.match(type_name):
        return "may contain only lowercase a-z, digits 0-9 and hyphens"
    if "--" in type_name:
        return "must not contain two hyphens in a row"
    if not type_name[0].isalpha():
        return "must start with a letter"
    return None


def validate_identifier(value: object, expected_types: Iterable[str] | None = None) -> str | None:
    """Why a value is not a STIX identifier (``<type>--<UUID>``), or ``None`` when it is.

    ``expected_types`` restricts the type part (e.g. ``created_by_ref`` must name an
    identity).
    """
    if not isinstance(value, str):
        return "must be an identifier string"
    type_part, separator, uuid_part = value.partition("--")
    if not separator:
        return f"{value!r} is not of the form <type>--<UUID>"
    type_problem = validate_type_name(type_part)
    if type_problem:
        return f"{value!r}: the type part {type_problem}"
    if not _UUID.match(uuid_part):
        return f"{value!r}: {uuid_part!r} is not an RFC 4122 UUID"
    if expected_types is not None:
        allowed = sorted(expected_types)
        if type_part not in allowed:
            shown = ", ".join(allowed) if len(allowed) <= 6 else "a cyber-observable type"
            return f"{value!r} must refer to {shown}"
    return None


class _Checker:
    """Collects the problems of one object; one method per group of rules."""

    def __init__(self, obj: Mapping[str, Any], options: ValidationOptions) -> None:
        self.obj = obj
        self.options = options
        self.now = options.now or datetime.now(UTC)
        self.problems: list[Problem] = []
        type_name = obj.get("type")
        self.type_name: str = type_name if isinstance(type_name, str) else ""
        self.kind = object_kind(self.type_name)

    def add(self, where: str, reason: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(where, reason, severity))

    def run(self) -> list[Problem]:
        self.check_type_and_id()
        self.check_required()
        self.check_spec_version()
        self.check_property_names()
        self.check_timestamps()
        self.check_common_properties()
        self.check_references(self.obj, "")
        self.check_extensions()
        specific = getattr(self, "check_" + self.type_name.replace("-", "_"), None)
        if specific is not None:
            specific()
        return self.problems

    def check_type_and_id(self) -> None:
        type_name = self.obj.get("type")
        if type_name is None:
            self.add("type", "is required")
        else:
            problem = validate_type_name(type_name)
            if problem:
                self.add("type", problem)
        if type_name == "bundle":
            self.add("type", "a bundle cannot be stored as an object")
        elif self.kind == "custom" and not self.options.allow_custom and self.type_name:
            self.add("type", f"{self.type_name!r} is not a STIX 2.1 object type")
        identifier = self.obj.get("id")
        if identifier is None:
            self.add("id", "is required")
            return
        problem = validate_identifier(identifier)
        if problem:
            self.add("id", problem)
        elif self.type_name and not identifier.startswith(self.type_name + "--"):
            self.add("id", f"type part does not match the object's type {self.type_name!r}")

    def required_common(self) -> tuple[str, ...]:
        if self.kind in {"sdo", "sro"}:
            return kinds.SDO_SRO_COMMON_REQUIRED
        if self.kind == "sco":
            return kinds.SCO_COMMON_REQUIRED
        if self.kind == "meta":
            return kinds.META_COMMON_REQUIRED[self.type_name]
        # A custom object looks like an SDO when it carries created/modified, else an SCO.
        if "created" in self.obj or "modified" in self.obj:
            return kinds.SDO_SRO_COMMON_REQUIRED
        return (*kinds.SCO_COMMON_REQUIRED, "spec_version")

    def check_required(self) -> None:
        for name in self.required_common():
            if name in {"type", "id"} or name in self.obj:
                continue  # type and id are reported by check_type_and_id
            hint = " (an object without it is STIX 2.0, not 2.1)" if name == "spec_version" else ""
            self.add(name, "is required" + hint)
        for name in kinds.TYPE_REQUIRED.get(self.type_name, ()):
            if name not in self.obj:
                self.add(name, "is required")
        for group in kinds.TYPE_AT_LEAST_ONE.get(self.type_name, ()):
            if not any(name in self.obj for name in group):
                self.add(" / ".join(group), "at least one of these is required")

    def check_spec_version(self) -> None:
        if "spec_version" in self.obj and self.obj["spec_version"] != "2.1":
            self.add("spec_version", f'must be "2.1", not {self.obj["spec_version"]!r}')

    def check_property_names(self) -> None:
        for name in self.obj:
            if not isinstance(name, str) or not _is_property_name(name):
                self.add(str(name), "property names may contain only a-z, A-Z, 0-9 and _")
            elif len(name) > 250:
                self.add(name[:40] + "…", "property names may be at most 250 characters")
            value = self.obj[name]
            if isinstance(value, list) and not value:
                self.add(name, "a list property must not be empty")

    def timestamp(self, name: str) -> datetime | None:
        value = self.obj.get(name)
        if value is None:
            return None
        try:
            return parse_timestamp(value)
        except TimestampError as exc:
            self.add(name, str(exc))
            return None

    def check_timestamps(self) -> None:
        names = {"created", "modified"} if self.kind == "custom" else kinds.TIMESTAMP_PROPERTIES
        parsed = {name: self.timestamp(name) for name in names if name in self.obj}
        for name in ("created", "modified"):
            moment = parsed.get(name)
            if moment is None:
                continue
            if _fraction_digits_of_valid(self.obj[name]) < 3:
                self.add(name, "must be precise to the millisecond (at least 3 fraction digits)")
            if moment > self.now + self.options.max_future_skew:
                self.add(name, f"lies in the future ({self.obj[name]})")
        for earlier, later, strict in kinds.TIMESTAMP_ORDER:
            first, second = parsed.get(earlier), parsed.get(later)
            if first is None or second is None:
                continue
            if second < first or (strict and second == first):
                relation = "later than" if strict else "the same as or later than"
                self.add(later, f"must be {relation} {earlier}")

    def check_common_properties(self) -> None:
        obj = self.obj
        if "revoked" in obj and not isinstance(obj["revoked"], bool):
            self.add("revoked", "must be true or false")
        if "defanged" in obj and not isinstance(obj["defanged"], bool):
            self.add("defanged", "must be true or false")
        if "confidence" in obj:
            value = obj["confidence"]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                self.add("confidence", "must be an integer from 0 to 100")
        if "labels" in obj and not _is_string_list(obj["labels"]):
            self.add("labels", "must be a list of strings")
        if "lang" in obj and not isinstance(obj["lang"], str):
            self.add("lang", "must be a language code string")
        references = obj.get("external_references")
        if references is not None:
            self.check_external_references(references)
        markings = obj.get("granular_markings")
        if markings is not None:
            self.check_granular_markings(markings)
        if "hashes" in obj:
            self.check_hashes(obj["hashes"], "hashes")

    def check_external_references(self, references: object) -> None:
        if not isinstance(references, list):
            self.add("external_references", "must be a list")
            return
        for position, reference in enumerate(references):
            where = f"external_references[{position}]"
            if not isinstance(reference, Mapping):
                self.add(where, "must be an object")
                continue
            if not isinstance(reference.get("source_name"), str):
                self.add(where + ".source_name", "is required")
            if not any(key in reference for key in ("description", "url", "external_id")):
                self.add(where, "needs at least one of description, url, external_id")
            if reference.get("source_name") in {"cve", "capec"} and "external_id" not in reference:
                self.add(where + ".external_id", "is required for cve and capec references")
            if "hashes" in reference:
                self.check_hashes(reference["hashes"], where + ".hashes")

    def check_granular_markings(self, markings: object) -> None:
        if not isinstance(markings, list):
            self.add("granular_markings", "must be a list")
            return
        for position, marking in enumerate(markings):
            where = f"granular_markings[{position}]"
            if not isinstance(marking, Mapping):
                self.add(where, "must be an object")
                continue
            if ("marking_ref" in marking) == ("lang" in marking):
                self.add(where, "needs exactly one of marking_ref and lang")
            selectors = marking.get("selectors")
            if not _is_string_list(selectors) or not selectors:
                self.add(where + ".selectors", "must be a non-empty list of strings")

    def check_hashes(self, hashes: object, where: str) -> None:
        if not isinstance(hashes, Mapping) or not hashes:
            self.add(where, "must be a non-empty dictionary of algorithm to hash value")
            return
        for algorithm, value in hashes.items():
            if not isinstance(value, str):
                self.add(f"{where}.{algorithm}", "hash value must be a string")
                continue
            length = kinds.HASH_HEX_LENGTHS.get(algorithm)
            if length is not None and (len(value) != length or not _HEX.match(value)):
                self.add(f"{where}.{algorithm}", f"must be {length} hexadecimal characters")

    def check_references(self, value: Any, path: str) -> None:
        if isinstance(value, Mapping):
            for key, child in value.items():
                if not isinstance(key, str):
                    continue
                if key.endswith("_ref"):
                    self.check_ref(_join(path, key), key, child)
                elif key.endswith("_refs"):
                    where = _join(path, key)
                    if not isinstance(child, list):
                        self.add(where, "must be a list of identifiers")
                        continue
                    if not child:
                        self.add(where, "must not be empty")
                    for position, item in enumerate(child):
                        self.check_ref(f"{where}[{position}]", key, item)
                elif key not in _NO_REFERENCES_INSIDE and _may_hold_references(child):
                    self.check_references(child, _join(path, key))
        elif isinstance(value, list):
            for position, child in enumerate(value):
                if isinstance(child, _SCALARS):
                    continue  # the common list of strings: nothing to descend into
                if _may_hold_references(child):
                    self.check_references(child, f"{path}[{position}]")

    def check_ref(self, where: str, key: str, value: object) -> None:
        problem = validate_identifier(value, kinds.REF_TARGETS.get(key))
        if problem:
            # The specification fixes the syntax of its own reference properties; a custom
            # (x_) one follows its producer's rules, e.g. ATT&CK leaves "" on deprecated
            # objects, so it is reported without rejecting the object.
            severity: Severity = "warning" if key.startswith("x_") else "error"
            self.add(where, problem, severity)

    def check_extensions(self) -> None:
        extensions = self.obj.get("extensions")
        if extensions is None:
            return
        if not isinstance(extensions, Mapping) or not extensions:
            self.add("extensions", "must be a non-empty dictionary")
            return
        for key, extension in extensions.items():
            where = f"extensions.{key}"
            if key.startswith("extension-definition--"):
                problem = validate_identifier(key)
                if problem:
                    self.add(where, problem)
                if isinstance(extension, Mapping):
                    extension_type = extension.get("extension_type")
                    if extension_type is not None and extension_type not in kinds.EXTENSION_TYPES:
                        self.add(where + ".extension_type", f"unknown value {extension_type!r}")
            elif not _PREDEFINED_EXTENSION_KEY.match(key):
                self.add(where, "extension keys are extension-definition ids or names ending -ext")
            if not isinstance(extension, Mapping):
                self.add(where, "must be a dictionary")

    # Type-specific rules (called by name from ``run``).

    def check_indicator(self) -> None:
        pattern_type = self.obj.get("pattern_type")
        pattern = self.obj.get("pattern")
        if pattern_type == "stix" and isinstance(pattern, str):
            result = check_pattern(pattern)
            if not result.ok:
                self.add("pattern", result.message)
        elif pattern is not None and not isinstance(pattern, str):
            self.add("pattern", "must be a string")

    def check_malware(self) -> None:
        is_family = self.obj.get("is_family")
        if "is_family" in self.obj and not isinstance(is_family, bool):
            self.add("is_family", "must be true or false")
        if is_family is True and "name" not in self.obj:
            self.add("name", "is required when is_family is true")

    def check_location(self) -> None:
        obj = self.obj
        has_latitude, has_longitude = "latitude" in obj, "longitude" in obj
        if not ("region" in obj or "country" in obj or (has_latitude and has_longitude)):
            self.add("region / country / latitude+longitude", "at least one is required")
        if has_latitude != has_longitude:
            self.add("latitude / longitude", "must be given together")
        if "precision" in obj and not (has_latitude and has_longitude):
            self.add("precision", "requires latitude and longitude")
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = obj.get(name)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not -limit <= value <= limit
            ):
                self.add(name, f"must be a number from -{limit} to {limit}")

    def check_observed_data(self) -> None:
        count = self.obj.get("number_observed")
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 999_999_999
        ):
            self.add("number_observed", "must be an integer from 1 to 999,999,999")
        if ("object_refs" in self.obj) == ("objects" in self.obj):
            self.add("object_refs / objects", "exactly one of these is required")

    def check_sighting(self) -> None:
        count = self.obj.get("count")
        if count is not None and (
            isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 999_999_999
        ):
            self.add("count", "must be an integer from 0 to 999,999,999")
        target = self.obj.get("sighting_of_ref")
        if isinstance(target, str):
            target_type = target.partition("--")[0]
            if target_type in kinds.SCO_TYPES | kinds.NOT_REFERENCEABLE_BY_RELATIONSHIP:
                self.add("sighting_of_ref", "must refer to a STIX domain object")

    def check_relationship(self) -> None:
        relationship_type = self.obj.get("relationship_type")
        if relationship_type is not None and (
            not isinstance(relationship_type, str)
            or not _RELATIONSHIP_TYPE.match(relationship_type)
        ):
            self.add("relationship_type", "may contain only lowercase a-z, 0-9 and hyphens")
        for name in ("source_ref", "target_ref"):
            target = self.obj.get(name)
            if (
                isinstance(target, str)
                and target.partition("--")[0] in kinds.NOT_REFERENCEABLE_BY_RELATIONSHIP
            ):
                self.add(name, "must refer to a domain or cyber-observable object")

    def check_marking_definition(self) -> None:
        obj = self.obj
        has_definition = "definition_type" in obj or "definition" in obj
        if not has_definition and "extensions" not in obj:
            self.add("definition_type / extensions", "a marking needs a definition or extension")
        if ("definition_type" in obj) != ("definition" in obj):
            self.add("definition / definition_type", "must be given together")
        if obj.get("definition_type") == "statement":
            definition = obj.get("definition")
            if not isinstance(definition, Mapping) or not isinstance(
                definition.get("statement"), str
            ):
                self.add("definition.statement", "a statement marking needs a statement string")
        try:
            level = tlp_of_marking_definition(obj)
        except TlpError as exc:
            self.add("definition", str(exc))
            return
        if level is None:
            return
        identifier = obj.get("id")
        extensions = obj.get("extensions")
        uses_tlp2 = isinstance(extensions, Mapping) and TLP2_EXTENSION_DEFINITION_ID in extensions
        if uses_tlp2:
            expected = {marking_id(level)}
        else:
            expected = {
                marking_id_value
                for colour, marking_id_value in TLP1_MARKING_IDS.items()
                if colour == obj["definition"]["tlp"].lower()
            }
        if identifier not in expected:
            self.add(
                "id",
                f"a TLP:{level.value.upper()} marking must use the published id "
                + " or ".join(sorted(expected)),
            )

    def check_language_content(self) -> None:
        contents = self.obj.get("contents")
        if contents is not None and (
            not isinstance(contents, Mapping)
            or not contents
            or not all(isinstance(value, Mapping) for value in contents.values())
        ):
            self.add("contents", "must map language codes to dictionaries of translations")

    def check_extension_definition(self) -> None:
        types = self.obj.get("extension_types")
        if types is not None and (
            not _is_string_list(types) or not set(types) <= kinds.EXTENSION_TYPES or not types
        ):
            allowed = ", ".join(sorted(kinds.EXTENSION_TYPES))
            self.add("extension_types", "must list values from " + allowed)

    def check_report(self) -> None:
        if "object_refs" in self.obj and not self.obj["object_refs"]:
            self.add("object_refs", "a report must refer to at least one object")


def _is_string_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def validate_object(
    obj: object, raw: str | bytes | None = None, options: ValidationOptions | None = None
) -> list[Problem]:
    """Validate one STIX 2.1 object; return its problems (empty when fully valid).

    Why both forms: ``obj`` is what gets indexed, ``raw`` is what gets stored verbatim.
    When ``raw`` is given it is parsed again to find duplicated keys (which the parsed
    dict hides) and to make sure both describe the same object.
    """
    options = options or ValidationOptions()
    problems: list[Problem] = []
    if raw is not None:
        try:
            reparsed = load_json(raw)
        except ValueError as exc:
            return [Problem("(json)", f"malformed JSON: {exc}")]
        try:
            problems.extend(_duplicate_key_problems(reparsed, ""))
        except RecursionError:
            return [Problem("(object)", "the object is nested too deeply")]
        if reparsed != obj:
            problems.append(Problem("(json)", "the raw text and the parsed object differ"))
    elif isinstance(obj, _KeyTrackingDict) and not obj.repeats_nowhere:
        # Parsed by load_json (e.g. inside a bundle): it knows its repeated keys.
        problems.extend(_duplicate_key_problems(obj, ""))
    if not isinstance(obj, Mapping):
        return [*problems, Problem("(object)", "a STIX object must be a JSON object")]
    try:
        problems.extend(_Checker(obj, options).run())
    except RecursionError:
        # Hostile input: refuse it as a problem rather than crash the whole request.
        return [*problems, Problem("(object)", "the object is nested too deeply")]
    return problems


def _result(index: int, obj: object, problems: list[Problem]) -> ObjectResult:
    mapping = obj if isinstance(obj, Mapping) else {}
    identifier = mapping.get("id")
    type_name = mapping.get("type")
    return ObjectResult(
        index=index,
        id=identifier if isinstance(identifier, str) else None,
        type=type_name if isinstance(type_name, str) else None,
        version=object_version(mapping),
        problems=tuple(problems),
    )


def validate_objects(
    objects: Iterable[object], options: ValidationOptions | None = None
) -> Iterator[ObjectResult]:
    """Validate a stream of objects (a TAXII envelope's ``objects``), one result each.

    Why a generator: large uploads are validated and stored in a single pass.
    """
    options = options or ValidationOptions()
    for index, obj in enumerate(objects):
        yield _result(index, obj, validate_object(obj, options=options))


def validate_bundle(
    bundle: object, raw: str | bytes | None = None, options: ValidationOptions | None = None
) -> BundleResult:
    """Validate a STIX 2.1 bundle: the container's own problems and one result per object.

    A malformed container (not JSON, not a bundle, no ``objects`` list) yields container
    problems and no object results; otherwise every object gets its own verdict.
    """
    if raw is not None:
        try:
            bundle = load_json(raw)
        except ValueError as exc:
            return BundleResult((Problem("(json)", f"malformed JSON: {exc}"),))
    if not isinstance(bundle, Mapping):
        return BundleResult((Problem("(bundle)", "a bundle must be a JSON object"),))
    problems: list[Problem] = []
    if bundle.get("type") != "bundle":
        problems.append(Problem("type", 'must be "bundle"'))
    identifier = bundle.get("id")
    id_problem = validate_identifier(identifier, ["bundle"])
    if id_problem:
        problems.append(Problem("id", id_problem))
    if "spec_version" in bundle:
        problems.append(
            Problem("spec_version", "a STIX 2.1 bundle has no spec_version (STIX 2.0)", "warning")
        )
    objects = bundle.get("objects", [])
    if not isinstance(objects, list):
        problems.append(Problem("objects", "must be a list"))
        return BundleResult(tuple(problems))
    return BundleResult(tuple(problems), tuple(validate_objects(objects, options)))
