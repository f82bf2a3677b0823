"""Funders ranked for a project and projects for a funder, with reasons."""

import pytest

from cybercommons.economy.kernel.matching import (
    REASON_CODES,
    Funder,
    FunderType,
    Project,
    Weights,
    match,
    rank_funders,
    rank_projects,
)
from cybercommons.economy.kernel.messages import Message

PROJECT = Project(
    id="p1",
    country="KEN",
    sectors=frozenset({"broadband", "skills"}),
    sdg_targets=frozenset({"9.c", "17.6"}),
    ask_usd=2_000_000,
    regions=frozenset({"M49:202", "LDC"}),
)
BANK = Funder(
    id="bank",
    type=FunderType.DEVELOPMENT_BANK,
    sectors=frozenset({"broadband"}),
    sdg_targets=frozenset({"9.c"}),
    countries=frozenset({"KEN"}),
    ticket_min_usd=1_000_000,
    ticket_max_usd=10_000_000,
)
FOUNDATION = Funder(
    id="foundation",
    type=FunderType.FOUNDATION,
    sectors=frozenset({"skills", "broadband"}),
    sdg_targets=frozenset({"4.4", "9.1"}),
    regions=frozenset({"M49:202"}),
    ticket_max_usd=500_000,
)
EXCLUDING = Funder(id="excl", type=FunderType.COMPANY, excluded=frozenset({"KEN"}))


def test_a_matching_funder_scores_by_hand_with_a_reason_per_component():
    result = match(PROJECT, BANK)
    fits = {c.name: c.fit for c in result.components}
    # geography 1, sector 1/2, sdg (9.c exact, 17.6 other goal) 1/2, ticket 1, type 1
    assert fits == {"geography": 1.0, "sector": 0.5, "sdg": 0.5, "ticket": 1.0, "funder_type": 1.0}
    assert result.score == pytest.approx(100 * (0.30 + 0.125 + 0.075 + 0.20 + 0.10))
    assert result.reasons[0] == Message("match.funder_funds_country", {"country": "KEN"})
    assert result.reasons[1] == Message("match.shared_sectors", {"sectors": ["broadband"]})
    assert result.reasons[2] == Message(
        "match.sdg_overlap", {"same_targets": ["9.c"], "same_goal": []}
    )
    assert result.reasons[3] == Message(
        "match.ask_within_range", {"ask_usd": 2e6, "minimum_usd": 1e6, "maximum_usd": 1e7}
    )


def test_region_eligibility_same_goal_targets_and_a_small_ticket_are_explained():
    result = match(PROJECT, FOUNDATION)
    fits = {c.name: c.fit for c in result.components}
    assert fits["geography"] == 0.8
    assert fits["sector"] == 1.0
    assert fits["sdg"] == pytest.approx(0.25)  # 9.c shares goal 9 with 9.1: half credit
    assert fits["ticket"] == pytest.approx(0.25)
    assert result.reasons[3].code == "match.ask_above_maximum"
    assert result.reasons[3].params["share_covered"] == pytest.approx(0.25)


def test_an_excluding_funder_is_ineligible_listed_last_with_the_reason():
    ranked = rank_funders(PROJECT, [EXCLUDING, FOUNDATION, BANK])
    assert [m.funder_id for m in ranked] == ["bank", "foundation", "excl"]
    assert not ranked[-1].eligible
    assert ranked[-1].score == 0.0
    assert ranked[-1].reasons[0] == Message("match.funder_excludes_country", {"country": "KEN"})


def test_projects_are_ranked_for_a_funder():
    elsewhere = Project("p2", "BRA", frozenset({"broadband"}), frozenset({"9.c"}), 2e6)
    ranked = rank_projects(BANK, [elsewhere, PROJECT])
    assert [m.project_id for m in ranked] == ["p1", "p2"]
    assert ranked[1].reasons[0] == Message("match.funder_not_in_country", {"country": "BRA"})


def test_a_project_that_does_not_seek_a_funder_type_says_so():
    picky = Project(
        "p3",
        "KEN",
        frozenset({"broadband"}),
        frozenset(),
        1e6,
        accepts=frozenset({FunderType.GOVERNMENT}),
    )
    result = match(picky, BANK)
    assert result.reasons[4] == Message(
        "match.project_does_not_seek_type", {"funder_type": "development_bank"}
    )


def test_every_reason_the_kernel_gives_has_a_declared_code():
    elsewhere = Project("p2", "BRA", frozenset(), frozenset(), 0.0)
    for project in (PROJECT, elsewhere):
        for funder in (BANK, FOUNDATION, EXCLUDING):
            assert {m.code for m in match(project, funder).reasons} <= REASON_CODES


def test_weights_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError, match=r"add up to 1\.1"):
        Weights(geography=0.4)
