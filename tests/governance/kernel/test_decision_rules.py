"""Hand-computed tallies for every decision rule."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from cybercommons.governance.kernel.decision_rules import (
    Ballot,
    BallotError,
    Outcome,
    Rule,
    Why,
    WhyCode,
    consensus,
    developing_country_safeguard,
    double_majority,
    equal_regional_groups,
    equal_stakeholder_groups,
    instant_runoff,
    one_organisation_one_vote,
    qualified_majority,
    schulze,
    simple_majority,
    tally,
    tally_all,
)


def motion(
    voter: str,
    choice: str,
    *,
    org: str | None = None,
    group: str | None = None,
    region: str | None = None,
    developing: bool = False,
    reason: str | None = None,
) -> Ballot:
    return Ballot(voter, org, group, region, developing, choice, reason=reason)


def ranked(voter: str, order: str) -> Ballot:
    return Ballot(voter, ranking=tuple(order))


# Six voters: four from industry (three yes, one no), two from government (both no).
BALANCE = [
    motion("a", "yes", org="acme", group="industry", region="weog"),
    motion("b", "yes", org="acme", group="industry", region="weog"),
    motion("c", "yes", org="bolt", group="industry", region="weog"),
    motion("d", "no", org="bolt", group="industry", region="african", developing=True),
    motion("e", "no", org="gov1", group="government", region="african", developing=True),
    motion("f", "no", org="gov2", group="government", region="asia_pacific"),
]


def test_simple_majority_adopts_when_yes_outnumbers_no_and_ignores_abstentions() -> None:
    ballots = [motion("a", "yes"), motion("b", "yes"), motion("c", "no"), motion("d", "abstain")]
    result = simple_majority(ballots)
    assert result.outcome is Outcome.ADOPTED
    assert (result.yes, result.no, result.abstain) == (2, 1, 1)


def test_simple_majority_reports_an_even_split_as_a_tie() -> None:
    assert simple_majority(BALANCE).outcome is Outcome.TIE


def test_a_tally_with_no_ballots_reports_no_eligible_voters() -> None:
    for rule in Rule:
        assert tally(rule, []).outcome is Outcome.NO_ELIGIBLE_VOTERS, rule


def test_only_abstentions_count_as_no_eligible_votes() -> None:
    result = simple_majority([motion("a", "abstain")])
    assert result.outcome is Outcome.NO_ELIGIBLE_VOTERS


def test_qualified_majority_needs_two_thirds_of_votes_cast() -> None:
    two_of_three = [motion("a", "yes"), motion("b", "yes"), motion("c", "no")]
    assert qualified_majority(two_of_three).outcome is Outcome.ADOPTED
    three_of_five = [*two_of_three, motion("d", "yes"), motion("e", "no")]
    assert qualified_majority(three_of_five).outcome is Outcome.REJECTED
    assert qualified_majority(three_of_five, Fraction(3, 5)).outcome is Outcome.ADOPTED


def test_one_organisation_one_vote_splits_each_organisation_by_its_members() -> None:
    # acme 1 yes; bolt 1/2 yes 1/2 no; gov1 1 no; gov2 1 no -> 3/2 for, 5/2 against
    result = one_organisation_one_vote(BALANCE)
    assert (result.yes, result.no) == (Fraction(3, 2), Fraction(5, 2))
    assert result.outcome is Outcome.REJECTED
    assert result.parts["bolt"] == (Fraction(1, 2), Fraction(1, 2))


def test_voters_without_an_organisation_are_not_counted_per_organisation() -> None:
    result = one_organisation_one_vote([motion("a", "yes"), motion("b", "no", org="x")])
    assert result.eligible == 1
    assert result.outcome is Outcome.REJECTED


def test_equal_stakeholder_groups_weigh_a_small_group_like_a_large_one() -> None:
    # industry 3/4 yes, government 0 yes -> 3/4 for, 5/4 against
    result = equal_stakeholder_groups(BALANCE)
    assert (result.yes, result.no) == (Fraction(3, 4), Fraction(5, 4))
    assert result.outcome is Outcome.REJECTED


def test_equal_regional_groups_give_each_un_region_one_weight() -> None:
    # weog 1 yes; african 0; asia_pacific 0 -> 1 for, 2 against
    result = equal_regional_groups(BALANCE)
    assert (result.yes, result.no) == (1, 2)
    assert result.outcome is Outcome.REJECTED
    ballots = [motion("a", "yes", region="weog"), motion("b", "no", region="grulac")]
    assert equal_regional_groups(ballots).outcome is Outcome.TIE


def test_double_majority_needs_both_participants_and_stakeholder_groups() -> None:
    # Participants 3 for, 2 against; groups: industry for, civil society and academia
    # against: the participants adopt, the groups reject.
    ballots = [
        motion("a", "yes", group="industry"),
        motion("b", "yes", group="industry"),
        motion("c", "yes", group="industry"),
        motion("d", "no", group="civil-society"),
        motion("e", "no", group="academia"),
    ]
    result = double_majority(ballots)
    assert result.outcome is Outcome.REJECTED
    assert result.parts["participants"] == (3, 2)
    assert result.parts["stakeholder_groups"] == (1, 2)
    ballots[3] = motion("d", "yes", group="civil-society")
    assert double_majority(ballots).outcome is Outcome.ADOPTED


def test_developing_country_safeguard_blocks_when_developing_participants_are_against() -> None:
    ballots = [
        motion("a", "yes"),
        motion("b", "yes"),
        motion("c", "yes"),
        motion("d", "no", developing=True),
        motion("e", "yes", developing=True),
        motion("f", "no", developing=True),
        motion("g", "no", developing=True),
    ]
    result = developing_country_safeguard(ballots)
    assert simple_majority(ballots).outcome is Outcome.ADOPTED
    assert result.outcome is Outcome.REJECTED
    assert result.parts["developing_countries"] == (1, 3)


def test_developing_country_safeguard_without_developing_voters_is_reported() -> None:
    result = developing_country_safeguard([motion("a", "yes"), motion("b", "yes")])
    assert result.outcome is Outcome.NO_ELIGIBLE_VOTERS
    parts = {p["part"]: p for p in result.why.params["parts"]}
    assert result.why.code is WhyCode.ALL_PARTS
    assert parts["developing_countries"]["outcome"] == "no_eligible_voters"
    assert parts["developing_countries"]["why"].code is WhyCode.NO_VOTES
    assert parts["participants"]["why"] == Why(
        WhyCode.FOR_AND_AGAINST, {"yes": 2, "no": 0, "unit": "voters"})


def test_consensus_is_blocked_only_by_an_objection_with_a_reason() -> None:
    ballots = [motion("a", "yes"), motion("b", "no"), motion("c", "abstain")]
    assert consensus(ballots).outcome is Outcome.ADOPTED
    ballots.append(motion("d", "no", reason="breaks article 3"))
    result = consensus(ballots)
    assert result.outcome is Outcome.REJECTED
    assert result.no == 1


def test_schulze_elects_the_published_example_winner() -> None:
    # The 45-voter example of Schulze's method: E wins.
    profile = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    ballots = [ranked(f"{order}{i}", order) for count, order in profile for i in range(count)]
    result = schulze(ballots)
    assert result.outcome is Outcome.ELECTED
    assert result.winner == "E"
    assert result.pairwise["A"]["B"] == 20
    assert result.pairwise["B"]["A"] == 25


def test_schulze_reports_a_condorcet_cycle_of_equal_strength_as_a_tie() -> None:
    ballots = [ranked("1", "ABC"), ranked("2", "BCA"), ranked("3", "CAB")]
    result = schulze(ballots)
    assert result.outcome is Outcome.TIE
    assert set(result.tied) == {"A", "B", "C"}


def test_instant_runoff_transfers_the_eliminated_options_ballots() -> None:
    # A 4, B 3, C 2 -> C out, its ballots go to B -> B 5 of 9.
    ballots = [ranked(f"a{i}", "AB") for i in range(4)]
    ballots += [ranked(f"b{i}", "BC") for i in range(3)]
    ballots += [ranked(f"c{i}", "CB") for i in range(2)]
    result = instant_runoff(ballots)
    assert result.outcome is Outcome.ELECTED
    assert result.winner == "B"
    assert result.rounds == ({"A": 4, "B": 3, "C": 2}, {"A": 4, "B": 5})


def test_instant_runoff_reports_a_final_tie_instead_of_drawing_lots() -> None:
    ballots = [ranked("1", "A"), ranked("2", "B")]
    result = instant_runoff(ballots)
    assert result.outcome is Outcome.TIE
    assert set(result.tied) == {"A", "B"}


def test_instant_runoff_eliminates_tied_last_options_together_when_harmless() -> None:
    # C and D tie at 1 each; together (2) they are below B's 3, so both go at once and
    # their ballots move to B: A 4, B 5.
    ballots = [ranked(f"a{i}", "A") for i in range(4)]
    ballots += [ranked(f"b{i}", "B") for i in range(3)]
    ballots += [ranked("c", "CB"), ranked("d", "DB")]
    result = instant_runoff(ballots)
    assert result.rounds[1] == {"A": 4, "B": 5}
    assert result.winner == "B"


def test_a_second_ballot_from_the_same_voter_is_refused() -> None:
    with pytest.raises(BallotError, match="more than one ballot"):
        tally(Rule.SIMPLE_MAJORITY, [motion("a", "yes"), motion("a", "no")])


def test_a_malformed_ballot_is_refused_with_the_reason() -> None:
    with pytest.raises(BallotError, match="choice must be yes, no or abstain"):
        motion("a", "maybe")
    with pytest.raises(BallotError, match="unknown UN regional group"):
        motion("a", "yes", region="atlantis")
    with pytest.raises(BallotError, match="ranked twice"):
        Ballot("a", ranking=("A", "A"))


def test_tally_all_shows_how_the_rules_differ_on_the_same_ballots() -> None:
    results = tally_all(BALANCE)
    assert results[Rule.SIMPLE_MAJORITY].outcome is Outcome.TIE
    assert results[Rule.STAKEHOLDER_GROUPS].outcome is Outcome.REJECTED
    assert results[Rule.CONSENSUS].outcome is Outcome.ADOPTED
    assert Rule.SCHULZE not in results


def test_ranked_ballots_are_tallied_by_both_ranked_rules_at_once() -> None:
    # 3 A>B>C, 2 B>C>A, 2 C>B>A: IRV drops B or C? B 2 and C 2 tie for last and together
    # (4) exceed A's 3, so the run-off reports the tie; Schulze elects B (B beats A 4-3 and
    # C 5-2).
    ballots = [ranked(f"a{i}", "ABC") for i in range(3)]
    ballots += [ranked(f"b{i}", "BCA") for i in range(2)]
    ballots += [ranked(f"c{i}", "CBA") for i in range(2)]
    results = tally_all(ballots)
    assert set(results) == {Rule.SCHULZE, Rule.INSTANT_RUNOFF}
    assert results[Rule.SCHULZE].winner == "B"
    assert results[Rule.INSTANT_RUNOFF].outcome is Outcome.TIE
    assert set(results[Rule.INSTANT_RUNOFF].tied) == {"B", "C"}


def test_a_ranking_of_an_unknown_option_is_refused() -> None:
    with pytest.raises(BallotError, match="unknown option"):
        tally(Rule.SCHULZE, [ranked("a", "AZ")], options=["A", "B"])


def test_an_unknown_rule_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown decision rule"):
        tally("lottery", [])


def test_results_explain_themselves_with_codes_and_plain_parameters() -> None:
    qualified = qualified_majority([motion("a", "yes"), motion("b", "yes"), motion("c", "no")])
    assert qualified.why == Why(WhyCode.SHARE_AGAINST_THRESHOLD,
                                {"share": 2 / 3, "threshold": 2 / 3, "unit": "voters"})
    by_group = equal_stakeholder_groups(BALANCE)
    assert by_group.why.code is WhyCode.FOR_AND_AGAINST
    assert by_group.why.params == {"yes": 0.75, "no": 1.25, "unit": "stakeholder_groups"}
    objected = consensus([motion("a", "yes"), motion("b", "no", reason="art. 3")])
    assert objected.why == Why(WhyCode.SUSTAINED_OBJECTIONS, {"count": 1})
    runoff = instant_runoff([ranked("a", "xy"), ranked("b", "xy"), ranked("c", "yx")])
    assert runoff.why == Why(WhyCode.RUNOFF_MAJORITY,
                             {"winner": "x", "votes": 2, "continuing": 3})


def test_every_explanation_is_plain_json_with_no_sentence() -> None:
    ballots = [*BALANCE, motion("z", "no", region="african", developing=True)]
    for result in tally_all(ballots).values():
        data = result.why.as_dict()
        assert json.loads(json.dumps(data)) == data
        assert data["code"] in set(WhyCode)
        assert " " not in data["code"]
