"""FIRST Traffic Light Protocol 2.0 and who may see a shared object.

Two halves:

* the published STIX identifiers: the five TLP 2.0 marking definitions (the OASIS
  extension-definition based objects) and the four TLP 1.0 ones STIX 2.1 predefines, with
  TLP 1.0 mapped onto 2.0 (WHITE becomes CLEAR);
* the visibility rule as one pure function, so the Django policy, the TAXII views, the
  JSON API and every export can be checked against the same table of cases.

The rule, in words (``decide_visibility`` is its reference implementation):

0. Nothing is visible without read access to the collection holding the object.
1. The owner organisation always sees its own objects.
2. The effective level is the strictest of the object's level and the collection's level.
3. CLEAR: everyone who can read the collection (anonymous readers included).
4. GREEN: members of the object's community (the API root / sharing community), plus the
   named recipients.
5. AMBER: the named recipient organisations and every member organisation of the named
   sharing groups.
6. AMBER+STRICT: the named recipient organisations only; naming a sharing group does not
   extend it, because the group's other members are not "the recipient organisation".
7. RED: the named recipients (organisations, and members of named sharing groups) only;
   community membership never suffices.

AMBER and RED reach the same organisations on this platform; they differ in what the
recipient may do next (AMBER may be passed on inside the recipient's organisation and to
its clients, RED may not), which ``may_redistribute`` states for exports.

Queryset mirror (for ``security/policy.py``), with ``V`` the viewer and ``O`` the object::

    collection readable by V                      -- public, or community-wide and V in the
                                                  -- community, or V's org / group granted
    AND (
         O.owner_org IN V.org_ids
      OR eff_tlp = 'clear'
      OR (eff_tlp = 'green' AND O.community IN V.community_ids)
      OR (eff_tlp IN ('green', 'amber', 'red')
          AND (O.recipient_orgs ∩ V.org_ids ≠ ∅ OR O.recipient_groups ∩ V.group_ids ≠ ∅))
      OR (eff_tlp = 'amber+strict' AND O.recipient_orgs ∩ V.org_ids ≠ ∅)
    )

where ``eff_tlp`` is the stricter of the object's stored level and the collection's level
(store a precomputed ``effective_rank`` column = ``TLP_RANK``, so the filter is an indexed
integer comparison plus two ``EXISTS`` sub-queries on the recipient tables). An unmarked
object takes ``DEFAULT_TLP`` (AMBER) so that a missing marking never widens the audience.
``LEVELS_REACHING`` states the same rule as data: for each relation of the viewer to the
object, the effective levels it reaches (``eff_tlp IN LEVELS_REACHING[relation]``).
The exhaustive test in ``tests/security/kernel/test_tlp.py`` checks this transcription
against ``decide_visibility``; the policy's queryset tests can reuse its cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Tlp(StrEnum):
    """The five TLP 2.0 levels, valued as the ``tlp_2_0`` extension property writes them."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"


# Order of restriction: a higher rank reaches fewer readers.
TLP_RANK: dict[Tlp, int] = {
    Tlp.CLEAR: 0,
    Tlp.GREEN: 1,
    Tlp.AMBER: 2,
    Tlp.AMBER_STRICT: 3,
    Tlp.RED: 4,
}

DEFAULT_TLP = Tlp.AMBER

TLP2_EXTENSION_DEFINITION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"

TLP2_MARKING_IDS: dict[Tlp, str] = {
    Tlp.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    Tlp.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    Tlp.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    Tlp.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    Tlp.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

# STIX 2.1 predefined TLP 1.0 markings, keyed by their 1.0 colour.
TLP1_MARKING_IDS: dict[str, str] = {
    "white": "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
    "green": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
    "amber": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
    "red": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

TLP1_TO_TLP2: dict[str, Tlp] = {
    "white": Tlp.CLEAR,
    "green": Tlp.GREEN,
    "amber": Tlp.AMBER,
    "red": Tlp.RED,
}

_MARKING_ID_TO_TLP: dict[str, Tlp] = {
    **{marking_id: level for level, marking_id in TLP2_MARKING_IDS.items()},
    **{marking_id: TLP1_TO_TLP2[colour] for colour, marking_id in TLP1_MARKING_IDS.items()},
}

_LABELS: dict[str, Tlp] = {
    **{level.value: level for level in Tlp},
    **TLP1_TO_TLP2,
    "amber-strict": Tlp.AMBER_STRICT,
    "amber_strict": Tlp.AMBER_STRICT,
}


# For the queryset filter: which effective levels each relation to an object reaches
# (the owner organisation sees every level and needs no entry).
LEVELS_REACHING: dict[str, frozenset[Tlp]] = {
    "anyone": frozenset({Tlp.CLEAR}),
    "community member": frozenset({Tlp.CLEAR, Tlp.GREEN}),
    "named organisation": frozenset(Tlp),
    "named sharing group": frozenset({Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.RED}),
}


class TlpError(ValueError):
    """A TLP label or marking could not be read; the message names it."""


def stricter(first: Tlp, second: Tlp) -> Tlp:
    """The more restrictive of two levels (the one reaching fewer readers)."""
    return first if TLP_RANK[first] >= TLP_RANK[second] else second


def parse_tlp(label: str) -> Tlp:
    """Read a TLP level from the ways people and tools write it.

    Why: imports carry ``TLP:AMBER+STRICT`` (FIRST), ``tlp:white`` (MISP tags), ``amber``
    (STIX 1.0 ``definition.tlp``). TLP 1.0 WHITE maps to CLEAR. Unknown labels raise
    ``TlpError`` instead of silently falling back to a wider audience.
    """
    text = label.strip().lower()
    if text.startswith("tlp:"):
        text = text[4:]
    text = text.strip().strip('"')
    try:
        return _LABELS[text]
    except KeyError:
        raise TlpError(
            f"{label!r} is not a TLP level (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"
        ) from None


def tlp_for_marking_id(marking_id: str) -> Tlp | None:
    """The level a published TLP marking-definition id stands for, or ``None``.

    Both the TLP 2.0 ids and the STIX 2.1 predefined TLP 1.0 ids are recognised.
    """
    return _MARKING_ID_TO_TLP.get(marking_id)


def is_tlp1_marking_id(marking_id: str) -> bool:
    """Whether an id is one of the four STIX 2.1 predefined TLP 1.0 markings."""
    return marking_id in TLP1_MARKING_IDS.values()


def tlp_of_marking_definition(obj: Mapping[str, Any]) -> Tlp | None:
    """The TLP level a marking-definition object declares, or ``None`` when it is not TLP.

    Reads the TLP 2.0 extension (``tlp_2_0``) and the TLP 1.0 form
    (``definition_type: tlp``, ``definition.tlp``). Raises ``TlpError`` when the object
    says it is TLP but carries an unknown value.
    """
    extensions = obj.get("extensions")
    if isinstance(extensions, Mapping):
        extension = extensions.get(TLP2_EXTENSION_DEFINITION_ID)
        if isinstance(extension, Mapping) and "tlp_2_0" in extension:
            return parse_tlp(str(extension["tlp_2_0"]))
    if obj.get("definition_type") == "tlp":
        definition = obj.get("definition")
        if not isinstance(definition, Mapping) or not isinstance(definition.get("tlp"), str):
            raise TlpError("a TLP marking-definition needs definition.tlp")
        return parse_tlp(definition["tlp"])
    return None


def tlp_of_marking_refs(marking_refs: Iterable[str], default: Tlp | None = DEFAULT_TLP) -> Tlp:
    """The effective level of an object from its ``object_marking_refs``.

    Why: an object may carry several TLP markings (e.g. after a merge); the strictest wins,
    so adding a marking can only narrow the audience. Non-TLP markings are ignored. With
    no TLP marking the ``default`` applies (AMBER unless the caller says otherwise);
    ``default=None`` turns a missing marking into ``TlpError``.
    """
    found: Tlp | None = None
    for ref in marking_refs:
        level = tlp_for_marking_id(ref)
        if level is not None:
            found = level if found is None else stricter(found, level)
    if found is not None:
        return found
    if default is None:
        raise TlpError("the object carries no TLP marking")
    return default


def marking_id(level: Tlp) -> str:
    """The TLP 2.0 marking-definition id to put in ``object_marking_refs`` for a level."""
    return TLP2_MARKING_IDS[level]


def marking_definition(level: Tlp) -> dict[str, Any]:
    """The published TLP 2.0 marking-definition object for a level, ready to serialise.

    Why: exported bundles should carry the marking objects they reference so a receiver
    without the TLP 2.0 extension installed still sees the level by name.
    """
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_MARKING_IDS[level],
        "created": TLP2_CREATED,
        "name": "TLP:" + level.value.upper(),
        "extensions": {
            TLP2_EXTENSION_DEFINITION_ID: {
                "extension_type": "property-extension",
                "tlp_2_0": level.value,
            }
        },
    }


@dataclass(frozen=True)
class ObjectAudience:
    """What the visibility rule needs to know about one stored object.

    ``community`` is the API root / sharing community the object was shared in;
    recipients are organisation ids and sharing-group ids (opaque strings).
    """

    tlp: Tlp
    owner_org: str
    community: str
    recipient_orgs: frozenset[str] = field(default_factory=frozenset)
    recipient_groups: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CollectionReadRights:
    """Who may read a collection at all, and the collection's own TLP level.

    ``public``: anyone, including anonymous clients; ``community_wide``: every member of
    the collection's community; otherwise the listed organisations and sharing groups.
    """

    community: str
    public: bool = False
    community_wide: bool = False
    org_ids: frozenset[str] = field(default_factory=frozenset)
    group_ids: frozenset[str] = field(default_factory=frozenset)
    tlp: Tlp = Tlp.CLEAR


@dataclass(frozen=True)
class Viewer:
    """The reader: their organisations, sharing groups and communities (all ids).

    An anonymous reader is ``Viewer()``.
    """

    org_ids: frozenset[str] = field(default_factory=frozenset)
    group_ids: frozenset[str] = field(default_factory=frozenset)
    community_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class VisibilityDecision:
    """The answer and the rule that produced it (for audit logs and test messages)."""

    visible: bool
    reason: str

    def __bool__(self) -> bool:
        return self.visible


def can_read_collection(rights: CollectionReadRights, viewer: Viewer) -> bool:
    """Whether the viewer may read the collection at all (rule 0)."""
    return (
        rights.public
        or (rights.community_wide and rights.community in viewer.community_ids)
        or not rights.org_ids.isdisjoint(viewer.org_ids)
        or not rights.group_ids.isdisjoint(viewer.group_ids)
    )


def decide_visibility(
    audience: ObjectAudience, rights: CollectionReadRights, viewer: Viewer
) -> VisibilityDecision:
    """Decide whether ``viewer`` may see an object, with the deciding rule.

    Why one function: the policy module, its queryset filter and the exporters must agree
    case by case; the table tests run against this and the filter is checked against it.
    """
    if not can_read_collection(rights, viewer):
        return VisibilityDecision(False, "no read access to the collection")
    if audience.owner_org in viewer.org_ids:
        return VisibilityDecision(True, "owner organisation")
    level = stricter(audience.tlp, rights.tlp)
    named_org = not audience.recipient_orgs.isdisjoint(viewer.org_ids)
    named_group = not audience.recipient_groups.isdisjoint(viewer.group_ids)
    if level is Tlp.CLEAR:
        return VisibilityDecision(True, "TLP:CLEAR is public")
    if level is Tlp.GREEN:
        if audience.community in viewer.community_ids:
            return VisibilityDecision(True, "TLP:GREEN reaches the community")
        if named_org or named_group:
            return VisibilityDecision(True, "TLP:GREEN named recipient")
        return VisibilityDecision(False, "TLP:GREEN outside the community")
    if level is Tlp.AMBER_STRICT:
        if named_org:
            return VisibilityDecision(True, "TLP:AMBER+STRICT recipient organisation")
        return VisibilityDecision(False, "TLP:AMBER+STRICT reaches recipient organisations only")
    # AMBER and RED: named organisations and members of named sharing groups.
    if named_org or named_group:
        return VisibilityDecision(True, f"TLP:{level.value.upper()} named recipient")
    return VisibilityDecision(False, f"TLP:{level.value.upper()} not a named recipient")


def is_visible(audience: ObjectAudience, rights: CollectionReadRights, viewer: Viewer) -> bool:
    """Shorthand for ``decide_visibility(...).visible``."""
    return decide_visibility(audience, rights, viewer).visible


def may_redistribute(level: Tlp) -> str:
    """How far a recipient may pass information on (FIRST TLP 2.0), for export notices.

    Returns one of ``"world"``, ``"community"``, ``"organisation-and-clients"``,
    ``"organisation"``, ``"nobody"``.
    """
    return {
        Tlp.CLEAR: "world",
        Tlp.GREEN: "community",
        Tlp.AMBER: "organisation-and-clients",
        Tlp.AMBER_STRICT: "organisation",
        Tlp.RED: "nobody",
    }[level]
