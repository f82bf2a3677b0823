"""Tallies under the decision rules a consultation can choose.

A *motion* (adopt this version? yes / no / abstain) is decided by one of the majority
rules; a choice among *options* by a ranked rule (Schulze or instant run-off). Every rule
reads the same :class:`Ballot` list, so :func:`tally_all` can show next to the official
result what every other rule would have given.

No rule guesses: an empty electorate is ``NO_ELIGIBLE_VOTERS``, an exact tie is ``TIE``
(with the tied options), and all weights are exact fractions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

import numpy as np

YES = "yes"
NO = "no"
ABSTAIN = "abstain"
MOTION_CHOICES = frozenset({YES, NO, ABSTAIN})

# The five UN regional groups.
UN_REGIONAL_GROUPS = frozenset({"african", "asia-pacific", "eastern-european", "grulac", "weog"})


class Outcome(StrEnum):
    """What a tally decided."""

    ADOPTED = "adopted"
    REJECTED = "rejected"
    ELECTED = "elected"  # a ranked rule found a single winning option
    TIE = "tie"
    NO_ELIGIBLE_VOTERS = "no_eligible_voters"


class Rule(StrEnum):
    """The decision rules, by the name used in ballot files and settings."""

    SIMPLE_MAJORITY = "simple_majority"
    QUALIFIED_MAJORITY = "qualified_majority"
    ONE_ORGANISATION_ONE_VOTE = "one_organisation_one_vote"
    STAKEHOLDER_GROUPS = "equal_stakeholder_groups"
    REGIONAL_GROUPS = "equal_regional_groups"
    DOUBLE_MAJORITY = "double_majority"
    DEVELOPING_SAFEGUARD = "developing_country_safeguard"
    CONSENSUS = "consensus"
    SCHULZE = "schulze"
    INSTANT_RUNOFF = "instant_runoff"


MOTION_RULES = frozenset(Rule) - {Rule.SCHULZE, Rule.INSTANT_RUNOFF}
RANKED_RULES = frozenset({Rule.SCHULZE, Rule.INSTANT_RUNOFF})


class BallotError(ValueError):
    """A ballot is malformed or a voter voted twice."""


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot.

    ``choice`` is ``yes``, ``no`` or ``abstain`` for a motion; ``ranking`` lists options,
    most preferred first (options left out rank below all listed ones, equal among
    themselves). ``reason`` explains a ``no``: under consensus a ``no`` with a reason is a
    sustained objection. ``developing`` marks a participant from an LDC, LLDC or SIDS;
    ``region`` is the UN regional group (see :data:`UN_REGIONAL_GROUPS`).
    """

    voter_id: str
    organisation_id: str | None = None
    stakeholder_group: str | None = None
    region: str | None = None
    developing: bool = False
    choice: str | None = None
    ranking: tuple[str, ...] = ()
    reason: str | None = None

    def __post_init__(self) -> None:
        if not self.voter_id:
            raise BallotError("a ballot needs a voter id")
        if self.choice is not None and self.choice not in MOTION_CHOICES:
            raise BallotError(
                f"ballot of {self.voter_id}: choice must be yes, no or abstain, got {self.choice!r}"
            )
        if len(set(self.ranking)) != len(self.ranking):
            raise BallotError(f"ballot of {self.voter_id}: an option is ranked twice")
        if self.region is not None and self.region not in UN_REGIONAL_GROUPS:
            raise BallotError(
                f"ballot of {self.voter_id}: unknown UN regional group {self.region!r}"
            )


@dataclass(frozen=True)
class TallyResult:
    """A rule's tally and outcome.

    ``yes`` / ``no``: the weights for and against a motion under the rule (exact
    fractions; units depend on the rule: voters, organisations, groups). ``parts``: the
    sub-tallies a compound rule combines (per group, per region, the two majorities).
    ``winner`` / ``tied``: for ranked rules, or the tied options. ``detail``: a sentence
    saying why.
    """

    rule: Rule
    outcome: Outcome
    eligible: int
    yes: Fraction = Fraction(0)
    no: Fraction = Fraction(0)
    abstain: int = 0
    winner: str | None = None
    tied: tuple[str, ...] = ()
    parts: dict[str, tuple[Fraction, Fraction]] = field(default_factory=dict)
    rounds: tuple[dict[str, int], ...] = ()
    pairwise: dict[str, dict[str, int]] = field(default_factory=dict)
    detail: str = ""


def check_unique_voters(ballots: Sequence[Ballot]) -> None:
    """Refuse a double vote: each voter id may appear once."""
    if len({b.voter_id for b in ballots}) == len(ballots):
        return
    seen: set[str] = set()
    for ballot in ballots:
        if ballot.voter_id in seen:
            raise BallotError(f"voter {ballot.voter_id} has more than one ballot")
        seen.add(ballot.voter_id)


# ---------------------------------------------------------------------------------------
# Motions
# ---------------------------------------------------------------------------------------


def _motion_ballots(ballots: Sequence[Ballot]) -> list[Ballot]:
    return [b for b in ballots if b.choice is not None]


def _decide(
    rule: Rule,
    eligible: int,
    yes: Fraction,
    no: Fraction,
    abstain: int,
    threshold: Fraction | None = None,
    parts: dict[str, tuple[Fraction, Fraction]] | None = None,
    unit: str = "votes",
) -> TallyResult:
    parts = parts or {}
    if eligible == 0 or yes + no == 0:
        return TallyResult(
            rule,
            Outcome.NO_ELIGIBLE_VOTERS,
            eligible,
            yes,
            no,
            abstain,
            parts=parts,
            detail="no yes or no vote was cast by an eligible voter",
        )
    if threshold is not None:
        share = yes / (yes + no)
        outcome = Outcome.ADOPTED if share >= threshold else Outcome.REJECTED
        detail = f"{float(share):.4f} of {unit} cast in favour, {float(threshold):.4f} needed"
    elif yes == no:
        outcome, detail = Outcome.TIE, f"{_fmt(yes)} {unit} for and against"
    else:
        outcome = Outcome.ADOPTED if yes > no else Outcome.REJECTED
        detail = f"{_fmt(yes)} {unit} for, {_fmt(no)} against"
    return TallyResult(rule, outcome, eligible, yes, no, abstain, parts=parts, detail=detail)


def _fmt(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.4f}"


def _headcount(ballots: Iterable[Ballot]) -> tuple[Fraction, Fraction, int]:
    counts = Counter(b.choice for b in ballots)
    return Fraction(counts[YES]), Fraction(counts[NO]), counts[ABSTAIN]


def simple_majority(ballots: Sequence[Ballot]) -> TallyResult:
    """One voter, one vote: adopted when yes votes outnumber no votes (abstentions left
    out); equal numbers are a tie."""
    cast = _motion_ballots(ballots)
    yes, no, abstain = _headcount(cast)
    return _decide(Rule.SIMPLE_MAJORITY, len(cast), yes, no, abstain, unit="voters")


def qualified_majority(
    ballots: Sequence[Ballot], threshold: Fraction = Fraction(2, 3)
) -> TallyResult:
    """One voter, one vote: adopted when yes votes are at least ``threshold`` (a fraction,
    two thirds by default) of the yes and no votes cast."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    cast = _motion_ballots(ballots)
    yes, no, abstain = _headcount(cast)
    return _decide(Rule.QUALIFIED_MAJORITY, len(cast), yes, no, abstain, threshold, unit="voters")


def _equal_weight(
    rule: Rule, ballots: Sequence[Ballot], key: Callable[[Ballot], str | None], unit: str
) -> TallyResult:
    """Each bloc (organisation, stakeholder group, region) weighs 1, shared among its
    members who voted yes or no; ballots outside any bloc are not eligible."""
    cast = [b for b in _motion_ballots(ballots) if key(b)]
    counted = Counter((key(b), b.choice) for b in cast)
    abstain = sum(n for (_, choice), n in counted.items() if choice == ABSTAIN)
    blocs: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (name, choice), n in counted.items():
        if choice == YES:
            blocs[name or ""][0] += n
        elif choice == NO:
            blocs[name or ""][1] += n
    parts: dict[str, tuple[Fraction, Fraction]] = {}
    yes = no = Fraction(0)
    for name, (y, n) in sorted(blocs.items()):
        if y + n == 0:
            continue
        parts[name] = (Fraction(y, y + n), Fraction(n, y + n))
        yes += parts[name][0]
        no += parts[name][1]
    return _decide(rule, len(cast), yes, no, abstain, parts=parts, unit=unit)


def one_organisation_one_vote(ballots: Sequence[Ballot]) -> TallyResult:
    """Each organisation has one vote, split among its members by how they voted (two of
    three members for: 2/3 yes, 1/3 no). Voters with no organisation are not eligible."""
    return _equal_weight(
        Rule.ONE_ORGANISATION_ONE_VOTE, ballots, lambda b: b.organisation_id, "organisations"
    )


def equal_stakeholder_groups(ballots: Sequence[Ballot]) -> TallyResult:
    """Each stakeholder group present weighs the same, whatever its size, its weight split
    by its members' yes and no votes."""
    return _equal_weight(
        Rule.STAKEHOLDER_GROUPS, ballots, lambda b: b.stakeholder_group, "stakeholder groups"
    )


def equal_regional_groups(ballots: Sequence[Ballot]) -> TallyResult:
    """Each UN regional group present weighs the same, its weight split by its members'
    yes and no votes."""
    return _equal_weight(Rule.REGIONAL_GROUPS, ballots, lambda b: b.region, "regional groups")


def _combine(rule: Rule, parts: dict[str, TallyResult], eligible: int) -> TallyResult:
    """All parts must adopt; any part rejecting rejects; otherwise a tie or empty part
    leaves the motion undecided, reported as such."""
    outcomes = {p.outcome for p in parts.values()}
    summary = {name: (p.yes, p.no) for name, p in parts.items()}
    whole = parts["participants"]
    why = "; ".join(f"{name}: {p.outcome.value} ({p.detail})" for name, p in parts.items())
    if Outcome.REJECTED in outcomes:
        outcome = Outcome.REJECTED
    elif Outcome.NO_ELIGIBLE_VOTERS in outcomes:
        outcome = Outcome.NO_ELIGIBLE_VOTERS
    elif Outcome.TIE in outcomes:
        outcome = Outcome.TIE
    else:
        outcome = Outcome.ADOPTED
    return TallyResult(
        rule, outcome, eligible, whole.yes, whole.no, whole.abstain, parts=summary, detail=why
    )


def double_majority(ballots: Sequence[Ballot]) -> TallyResult:
    """Adopted only with a majority of participants and a majority of stakeholder groups
    (a group is for when most of its voters are for; a group split evenly counts neither
    way)."""
    cast = _motion_ballots(ballots)
    people = simple_majority(cast)
    groups: dict[str, list[Ballot]] = defaultdict(list)
    for b in cast:
        if b.stakeholder_group:
            groups[b.stakeholder_group].append(b)
    for_groups = against_groups = 0
    for members in groups.values():
        y, n, _ = _headcount(members)
        for_groups += y > n
        against_groups += n > y
    by_group = _decide(
        Rule.DOUBLE_MAJORITY,
        len(groups),
        Fraction(for_groups),
        Fraction(against_groups),
        0,
        unit="stakeholder groups",
    )
    return _combine(
        Rule.DOUBLE_MAJORITY,
        {"participants": people, "stakeholder_groups": by_group},
        len(cast),
    )


def developing_country_safeguard(ballots: Sequence[Ballot]) -> TallyResult:
    """Adopted only with a majority of all participants and also a majority among
    participants from LDCs, LLDCs and SIDS; with no such participant voting, the safeguard
    cannot be met and the result says so."""
    cast = _motion_ballots(ballots)
    people = simple_majority(cast)
    developing = simple_majority([b for b in cast if b.developing])
    return _combine(
        Rule.DEVELOPING_SAFEGUARD,
        {"participants": people, "developing_countries": developing},
        len(cast),
    )


def consensus(ballots: Sequence[Ballot]) -> TallyResult:
    """Adopted unless a sustained objection stands: a ``no`` that gives a reason. A ``no``
    without a reason is recorded as a concern and does not block. ``no`` counts the
    sustained objections."""
    cast = _motion_ballots(ballots)
    if not cast:
        return TallyResult(Rule.CONSENSUS, Outcome.NO_ELIGIBLE_VOTERS, 0, detail="nobody took part")
    objections = [b for b in cast if b.choice == NO and (b.reason or "").strip()]
    concerns = sum(1 for b in cast if b.choice == NO) - len(objections)
    yes, _, abstain = _headcount(cast)
    if objections:
        outcome = Outcome.REJECTED
        detail = f"{len(objections)} sustained objection(s) with a reason"
    else:
        outcome = Outcome.ADOPTED
        detail = f"no sustained objection; {concerns} concern(s) without a reason"
    return TallyResult(
        Rule.CONSENSUS, outcome, len(cast), yes, Fraction(len(objections)), abstain, detail=detail
    )


# ---------------------------------------------------------------------------------------
# Ranked choice
# ---------------------------------------------------------------------------------------


def _rank_matrix(
    ballots: Sequence[Ballot], options: Sequence[str] | None
) -> tuple[list[str], np.ndarray]:
    """Ballots × options matrix of ranks (0 best; unranked = number of options)."""
    ranked = [b for b in ballots if b.ranking]
    if options is None:
        names = sorted({o for b in ranked for o in b.ranking})
    else:
        names = list(options)
        allowed = set(names)
        for b in ranked:
            unknown = set(b.ranking) - allowed
            if unknown:
                raise BallotError(
                    f"ballot of {b.voter_id} ranks unknown option(s) {', '.join(sorted(unknown))}"
                )
    position = {name: i for i, name in enumerate(names)}
    ranks = np.full((len(ranked), len(names)), len(names), dtype=np.int32)
    flat = [
        (row, position[option], place)
        for row, b in enumerate(ranked)
        for place, option in enumerate(b.ranking)
    ]
    if flat:
        rows, cols, places = np.asarray(flat, dtype=np.int64).T
        ranks[rows, cols] = places
    return names, ranks


def schulze(
    ballots: Sequence[Ballot],
    options: Sequence[str] | None = None,
    ranked: tuple[list[str], np.ndarray] | None = None,
) -> TallyResult:
    """Schulze method: count for each pair how many voters prefer one option to the other,
    find the strongest path (widest bottleneck) between every pair, and elect the option
    whose strongest paths beat or equal every other's. Several such options are a tie.
    ``ranked`` reuses a rank matrix already built from the same ballots."""
    names, ranks = ranked or _rank_matrix(ballots, options)
    if ranks.shape[0] == 0 or not names:
        return TallyResult(Rule.SCHULZE, Outcome.NO_ELIGIBLE_VOTERS, 0, detail="no rankings")
    n = len(names)
    d = np.zeros((n, n), dtype=np.int64)
    for a in range(n):
        d[a] = (ranks[:, [a]] < ranks).sum(axis=0)
    p = np.where(d > d.T, d, 0)
    for i in range(n):  # Floyd–Warshall on bottleneck (widest path) strengths
        p = np.maximum(p, np.minimum(p[:, [i]], p[[i], :]))
    np.fill_diagonal(p, 0)
    winners = [names[a] for a in range(n) if all(p[a, b] >= p[b, a] for b in range(n) if b != a)]
    pairwise = {names[a]: {names[b]: int(d[a, b]) for b in range(n) if b != a} for a in range(n)}
    if len(winners) == 1:
        return TallyResult(
            Rule.SCHULZE,
            Outcome.ELECTED,
            ranks.shape[0],
            winner=winners[0],
            pairwise=pairwise,
            detail=f"{winners[0]} beats every other option by strongest path",
        )
    return TallyResult(
        Rule.SCHULZE,
        Outcome.TIE,
        ranks.shape[0],
        tied=tuple(winners),
        pairwise=pairwise,
        detail="several options are unbeaten by strongest path",
    )


def instant_runoff(ballots: Sequence[Ballot], options: Sequence[str] | None = None) -> TallyResult:
    """Instant run-off: count each ballot for its highest-ranked remaining option; an
    option with more than half of the continuing ballots wins; otherwise the option with
    fewest votes is eliminated and its ballots transfer. Options tied for last are
    eliminated together only when that cannot change the result (their joint total is below
    every other option's); any other tie is reported, not broken by lot. ``ranked`` reuses
    a rank matrix already built from the same ballots."""
    names, ranks = ranked or _rank_matrix(ballots, options)
    if ranks.shape[0] == 0 or not names:
        return TallyResult(Rule.INSTANT_RUNOFF, Outcome.NO_ELIGIBLE_VOTERS, 0, detail="no rankings")
    n_opts = len(names)
    remaining = list(range(n_opts))
    rounds: list[dict[str, int]] = []
    while True:
        sub = ranks[:, remaining]
        best = sub.min(axis=1)
        continuing = best < n_opts
        top = np.asarray(remaining)[sub.argmin(axis=1)[continuing]]
        counts = np.bincount(top, minlength=n_opts)
        tally = {names[i]: int(counts[i]) for i in remaining}
        rounds.append(tally)
        total = int(continuing.sum())
        leader = max(remaining, key=lambda i: counts[i])
        if total and 2 * counts[leader] > total:
            return TallyResult(
                Rule.INSTANT_RUNOFF,
                Outcome.ELECTED,
                ranks.shape[0],
                winner=names[leader],
                rounds=tuple(rounds),
                detail=f"{names[leader]} has {counts[leader]} of {total} continuing ballots",
            )
        low = min(counts[i] for i in remaining)
        lowest = [i for i in remaining if counts[i] == low]
        others = [counts[i] for i in remaining if counts[i] != low]
        if len(lowest) == len(remaining) or (
            len(lowest) > 1 and (not others or low * len(lowest) >= min(others))
        ):
            return TallyResult(
                Rule.INSTANT_RUNOFF,
                Outcome.TIE,
                ranks.shape[0],
                tied=tuple(names[i] for i in lowest),
                rounds=tuple(rounds),
                detail=f"round {len(rounds)}: options tied for elimination at {low} votes",
            )
        remaining = [i for i in remaining if i not in lowest]


# ---------------------------------------------------------------------------------------
# All rules at once
# ---------------------------------------------------------------------------------------


def tally(
    rule: Rule | str,
    ballots: Sequence[Ballot],
    *,
    threshold: Fraction = Fraction(2, 3),
    options: Sequence[str] | None = None,
) -> TallyResult:
    """Tally ``ballots`` under ``rule`` (a :class:`Rule` or its name), refusing double
    votes. ``threshold`` is the qualified-majority share, ``options`` the ranked options."""
    try:
        rule = Rule(rule)
    except ValueError:
        raise ValueError(f"unknown decision rule {rule!r}") from None
    check_unique_voters(ballots)
    return _tally_checked(rule, ballots, threshold, options, None)


def _tally_checked(
    rule: Rule,
    ballots: Sequence[Ballot],
    threshold: Fraction,
    options: Sequence[str] | None,
    ranked: tuple[list[str], np.ndarray] | None,
) -> TallyResult:
    if rule is Rule.QUALIFIED_MAJORITY:
        return qualified_majority(ballots, threshold)
    if rule is Rule.SCHULZE:
        return schulze(ballots, options, ranked)
    if rule is Rule.INSTANT_RUNOFF:
        return instant_runoff(ballots, options, ranked)
    motion: dict[Rule, Callable[[Sequence[Ballot]], TallyResult]] = {
        Rule.SIMPLE_MAJORITY: simple_majority,
        Rule.ONE_ORGANISATION_ONE_VOTE: one_organisation_one_vote,
        Rule.STAKEHOLDER_GROUPS: equal_stakeholder_groups,
        Rule.REGIONAL_GROUPS: equal_regional_groups,
        Rule.DOUBLE_MAJORITY: double_majority,
        Rule.DEVELOPING_SAFEGUARD: developing_country_safeguard,
        Rule.CONSENSUS: consensus,
    }
    return motion[rule](ballots)


def tally_all(
    ballots: Sequence[Ballot],
    *,
    threshold: Fraction = Fraction(2, 3),
    options: Sequence[str] | None = None,
) -> dict[Rule, TallyResult]:
    """Every applicable rule on the same ballots: the motion rules when the ballots carry
    yes/no/abstain choices, the ranked rules when they carry rankings; for showing what the
    other rules would have given."""
    check_unique_voters(ballots)
    rules: list[Rule] = []
    if any(b.choice is not None for b in ballots) or not ballots:
        rules += [r for r in Rule if r in MOTION_RULES]
    ranked = None
    if any(b.ranking for b in ballots) or not ballots:
        rules += [Rule.SCHULZE, Rule.INSTANT_RUNOFF]
        ranked = _rank_matrix(ballots, options)
    return {r: _tally_checked(r, ballots, threshold, options, ranked) for r in rules}
