"""TLP 2.0 levels, the published marking ids, and who sees what (table tests)."""

from __future__ import annotations

import itertools

import pytest

from cybercommons.security.kernel.tlp import (
    LEVELS_REACHING,
    TLP1_MARKING_IDS,
    TLP2_MARKING_IDS,
    TLP_RANK,
    CollectionReadRights,
    ObjectAudience,
    Tlp,
    TlpError,
    Viewer,
    decide_visibility,
    is_visible,
    marking_definition,
    parse_tlp,
    tlp_for_marking_id,
    tlp_of_marking_definition,
    tlp_of_marking_refs,
)

OWNER, PARTNER, GROUP_MEMBER, NEIGHBOUR, STRANGER = (
    "org-own",
    "org-par",
    "org-grp",
    "org-nb",
    "org-x",
)
COMMUNITY = "api-root-eu"
GROUP = "sg-finance"

AUDIENCE_BY_LEVEL = {
    level: ObjectAudience(
        tlp=level,
        owner_org=OWNER,
        community=COMMUNITY,
        recipient_orgs=frozenset({PARTNER}),
        recipient_groups=frozenset({GROUP}),
    )
    for level in Tlp
}

VIEWERS = {
    "owner": Viewer(frozenset({OWNER}), frozenset(), frozenset({COMMUNITY})),
    "recipient organisation": Viewer(frozenset({PARTNER}), frozenset(), frozenset({COMMUNITY})),
    "recipient group member": Viewer(
        frozenset({GROUP_MEMBER}), frozenset({GROUP}), frozenset({COMMUNITY})
    ),
    "community member": Viewer(frozenset({NEIGHBOUR}), frozenset(), frozenset({COMMUNITY})),
    "outsider": Viewer(frozenset({STRANGER}), frozenset(), frozenset({"api-root-other"})),
    "anonymous": Viewer(),
}

PUBLIC = CollectionReadRights(community=COMMUNITY, public=True)

# Hand-written expectation, one row per viewer, columns CLEAR GREEN AMBER AMBER+STRICT RED.
EXPECTED = {
    "owner": "YYYYY",
    "recipient organisation": "YYYYY",
    "recipient group member": "YYYNY",
    "community member": "YYNNN",
    "outsider": "YNNNN",
    "anonymous": "YNNNN",
}
LEVELS = [Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED]


@pytest.mark.parametrize(("viewer", "level"), list(itertools.product(EXPECTED, range(len(LEVELS)))))
def test_each_level_reaches_exactly_its_audience(viewer: str, level: int) -> None:
    expected = EXPECTED[viewer][level] == "Y"
    decision = decide_visibility(AUDIENCE_BY_LEVEL[LEVELS[level]], PUBLIC, VIEWERS[viewer])
    assert decision.visible is expected, decision.reason


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_nobody_sees_anything_in_a_collection_they_cannot_read(viewer: str) -> None:
    closed = CollectionReadRights(community=COMMUNITY, org_ids=frozenset({"org-other"}))
    for level in Tlp:
        decision = decide_visibility(AUDIENCE_BY_LEVEL[level], closed, VIEWERS[viewer])
        assert not decision.visible
        assert decision.reason == "no read access to the collection"


def test_collection_rights_grant_by_community_organisation_or_group() -> None:
    community_wide = CollectionReadRights(community=COMMUNITY, community_wide=True)
    by_group = CollectionReadRights(community=COMMUNITY, group_ids=frozenset({GROUP}))
    by_org = CollectionReadRights(community=COMMUNITY, org_ids=frozenset({STRANGER}))
    clear = AUDIENCE_BY_LEVEL[Tlp.CLEAR]
    assert is_visible(clear, community_wide, VIEWERS["community member"])
    assert not is_visible(clear, community_wide, VIEWERS["outsider"])
    assert not is_visible(clear, community_wide, VIEWERS["anonymous"])
    assert is_visible(clear, by_group, VIEWERS["recipient group member"])
    assert not is_visible(clear, by_group, VIEWERS["community member"])
    assert is_visible(clear, by_org, VIEWERS["outsider"])


def test_a_collection_level_narrows_but_never_widens_an_object() -> None:
    amber_collection = CollectionReadRights(community=COMMUNITY, public=True, tlp=Tlp.AMBER)
    community_member = VIEWERS["community member"]
    assert not is_visible(AUDIENCE_BY_LEVEL[Tlp.CLEAR], amber_collection, community_member)
    assert is_visible(
        AUDIENCE_BY_LEVEL[Tlp.CLEAR], amber_collection, VIEWERS["recipient organisation"]
    )
    clear_collection = CollectionReadRights(community=COMMUNITY, public=True, tlp=Tlp.CLEAR)
    assert not is_visible(AUDIENCE_BY_LEVEL[Tlp.RED], clear_collection, community_member)


def test_green_reaches_a_named_recipient_outside_the_community() -> None:
    foreign_partner = Viewer(frozenset({PARTNER}), frozenset(), frozenset({"api-root-other"}))
    assert is_visible(AUDIENCE_BY_LEVEL[Tlp.GREEN], PUBLIC, foreign_partner)
    assert not is_visible(AUDIENCE_BY_LEVEL[Tlp.GREEN], PUBLIC, VIEWERS["outsider"])


def mirror_of_the_queryset_rule(
    audience: ObjectAudience, rights: CollectionReadRights, viewer: Viewer
) -> bool:
    """The documented queryset filter, transcribed literally from the module docstring."""
    readable = (
        rights.public
        or (rights.community_wide and rights.community in viewer.community_ids)
        or bool(rights.org_ids & viewer.org_ids)
        or bool(rights.group_ids & viewer.group_ids)
    )
    rank = max(TLP_RANK[audience.tlp], TLP_RANK[rights.tlp])
    eff = next(level for level, value in TLP_RANK.items() if value == rank)
    named_org = bool(audience.recipient_orgs & viewer.org_ids)
    named_group = bool(audience.recipient_groups & viewer.group_ids)
    return readable and (
        audience.owner_org in viewer.org_ids
        or eff == Tlp.CLEAR
        or (eff == Tlp.GREEN and audience.community in viewer.community_ids)
        or (eff in (Tlp.GREEN, Tlp.AMBER, Tlp.RED) and (named_org or named_group))
        or (eff == Tlp.AMBER_STRICT and named_org)
    )


def test_the_documented_queryset_rule_agrees_with_the_function_on_every_case() -> None:
    orgs = [OWNER, PARTNER, STRANGER]
    groups = [GROUP, "sg-other"]
    communities = [COMMUNITY, "api-root-other"]

    def subsets(items: list[str]) -> list[frozenset[str]]:
        return [
            frozenset(combo)
            for size in range(len(items) + 1)
            for combo in itertools.combinations(items, size)
        ]

    viewers = [
        Viewer(o, g, c)
        for o in subsets(orgs)
        for g in subsets(groups)
        for c in subsets(communities)
    ]
    rights_options = [
        CollectionReadRights(community=COMMUNITY, public=p, community_wide=cw, org_ids=ro, tlp=t)
        for p in (False, True)
        for cw in (False, True)
        for ro in (frozenset(), frozenset({STRANGER}))
        for t in (Tlp.CLEAR, Tlp.AMBER)
    ]
    audiences = [
        ObjectAudience(level, OWNER, COMMUNITY, ro, rg)
        for level in Tlp
        for ro in (frozenset(), frozenset({PARTNER}))
        for rg in (frozenset(), frozenset({GROUP}))
    ]
    checked = 0
    for audience, rights, viewer in itertools.product(audiences, rights_options, viewers):
        assert is_visible(audience, rights, viewer) is mirror_of_the_queryset_rule(
            audience, rights, viewer
        ), (audience, rights, viewer)
        checked += 1
    assert checked == len(audiences) * len(rights_options) * len(viewers)


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("TLP:CLEAR", Tlp.CLEAR),
        ("tlp:white", Tlp.CLEAR),
        ("TLP:GREEN", Tlp.GREEN),
        ("amber", Tlp.AMBER),
        ("TLP:AMBER+STRICT", Tlp.AMBER_STRICT),
        ("tlp:amber-strict", Tlp.AMBER_STRICT),
        (" TLP:RED ", Tlp.RED),
    ],
)
def test_it_reads_tlp_labels_as_tools_write_them(label: str, level: Tlp) -> None:
    assert parse_tlp(label) is level


def test_an_unknown_label_is_an_error_not_a_wider_audience() -> None:
    with pytest.raises(TlpError, match="BLUE"):
        parse_tlp("TLP:BLUE")


def test_tlp1_ids_map_onto_tlp2_with_white_as_clear() -> None:
    assert tlp_for_marking_id(TLP1_MARKING_IDS["white"]) is Tlp.CLEAR
    assert tlp_for_marking_id(TLP1_MARKING_IDS["red"]) is Tlp.RED
    assert tlp_for_marking_id(TLP2_MARKING_IDS[Tlp.AMBER_STRICT]) is Tlp.AMBER_STRICT
    assert tlp_for_marking_id("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ec") is None
    assert len(set(TLP2_MARKING_IDS.values()) | set(TLP1_MARKING_IDS.values())) == 9


def test_the_strictest_of_several_markings_wins() -> None:
    refs = [TLP1_MARKING_IDS["green"], TLP2_MARKING_IDS[Tlp.RED], "marking-definition--x"]
    assert tlp_of_marking_refs(refs) is Tlp.RED
    assert tlp_of_marking_refs([]) is Tlp.AMBER
    with pytest.raises(TlpError):
        tlp_of_marking_refs([], default=None)


def test_marking_objects_round_trip_to_their_level() -> None:
    for level in Tlp:
        obj = marking_definition(level)
        assert obj["id"] == TLP2_MARKING_IDS[level]
        assert tlp_of_marking_definition(obj) is level
    tlp1 = {"definition_type": "tlp", "definition": {"tlp": "white"}}
    assert tlp_of_marking_definition(tlp1) is Tlp.CLEAR
    assert tlp_of_marking_definition({"definition_type": "statement"}) is None


@pytest.mark.parametrize(
    ("relation", "viewer"),
    [
        ("anyone", "outsider"),
        ("community member", "community member"),
        ("named organisation", "recipient organisation"),
        ("named sharing group", "recipient group member"),
    ],
)
def test_the_levels_table_for_querysets_matches_the_decision(relation: str, viewer: str) -> None:
    reached = {
        level for level in Tlp if is_visible(AUDIENCE_BY_LEVEL[level], PUBLIC, VIEWERS[viewer])
    }
    assert reached == LEVELS_REACHING[relation]
