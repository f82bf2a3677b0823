"""Tallies under the decision rules a consultation can choose.

A *motion* (adopt this version? yes / no / abstain) is decided by one of the majority
rules; a choice among *options* by a ranked rule (Schulze or instant run-off). Every rule
reads the same :class:`Ballot` list, so :func:`tally_all` can show next to the official
result what every other rule would have given.

No rule guesses: an empty electorate is ``NO_ELIGIBLE_VOTERS``, an exact tie is ``TIE``
(with the tied options), and all weights are exact fractions.

Each result says why through a :class:`Why`: a code and its parameters, never a sentence,
so the reader's language is chosen where the result is shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

import numpy as np

YES = "yes"
NO = "no"
ABSTAIN = "abstain"
MOTION_CHOICES = frozenset({YES, NO, ABSTAIN})

# The five UN regional groups, by the codes the platform stores for countries (so ballots
# are built from stored participants without any renaming).
UN_REGIONAL_GROUPS = frozenset({"african", "asia_pacific", "eastern_european", "grulac", "weog"})


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


class Unit(StrEnum):
    """What a rule counts: the unit of its ``yes`` and ``no`` weights."""

    VOTERS = "voters"
    ORGANISATIONS = "organisations"
    STAKEHOLDER_GROUPS = "stakeholder_groups"
    REGIONAL_GROUPS = "regional_groups"


class WhyCode(StrEnum):
    """Why a tally came out as it did. The parameters each code carries are listed here;
    numbers are ints, or floats for shares and split weights (units: see :class:`Unit`)."""

    NO_VOTES = "no_votes"  # no eligible voter voted yes or no
    SHARE_AGAINST_THRESHOLD = "share_against_threshold"  # share, threshold (0..1), unit
    EVEN = "even"  # count (weight on each side), unit
    FOR_AND_AGAINST = "for_and_against"  # yes, no (weights), unit
    ALL_PARTS = "all_parts"  # parts: [{"part", "outcome", "why"}], every part must adopt
    NOBODY_TOOK_PART = "nobody_took_part"
    SUSTAINED_OBJECTIONS = "sustained_objections"  # count
    NO_SUSTAINED_OBJECTION = "no_sustained_objection"  # concerns (no without a reason)
    NO_RANKINGS = "no_rankings"
    STRONGEST_PATH_WINNER = "strongest_path_winner"  # winner
    STRONGEST_PATH_TIE = "strongest_path_tie"  # tied (option names)
    RUNOFF_MAJORITY = "runoff_majority"  # winner, votes, continuing (ballots)
    RUNOFF_TIE = "runoff_tie"  # round, votes, tied (option names)


@dataclass(frozen=True)
class Why:
    """The reason for an outcome as a code and plain parameters (see :class:`WhyCode`)."""

    code: WhyCode
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: ``{"code": str, "params": {...}}``; nested reasons of
        the parts of a compound rule become dicts as well."""
        params = dict(self.params)
        if "parts" in params:
            params["parts"] = [
                {**part, "why": part["why"].as_dict() if isinstance(part["why"], Why)
                 else part["why"]}
                for part in params["parts"]
            ]
        return {"code": self.code.value, "params": params}


def _number(value: Fraction) -> int | float:
    """A weight as plain data: an int when whole, else a float."""
    return value.numerator if value.denominator == 1 else float(value)


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
    ``winner`` / ``tied``: for ranked rules, or the tied options. ``why``: the reason,
    as a code with parameters.
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
    why: Why = field(default_factory=lambda: Why(WhyCode.NO_VOTES))


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


@dataclass(frozen=True)
class BallotColumns:
    """The ballots as columns (one array entry per ballot), built once so that every rule
    is a few array operations, even for 100,000 ballots.

    ``choice``: 1 yes, -1 no, 0 abstain, -9 no motion choice; ``org`` / ``group`` /
    ``region``: codes into the matching ``*_names`` (-1 when absent); ``objection``: a
    ``no`` that gives a reason.
    """

    choice: np.ndarray
    org: np.ndarray
    group: np.ndarray
    region: np.ndarray
    developing: np.ndarray
    objection: np.ndarray
    org_names: tuple[str, ...]
    group_names: tuple[str, ...]
    region_names: tuple[str, ...]

    @classmethod
    def from_ballots(cls, ballots: Sequence[Ballot]) -> BallotColumns:
        """Encode ballots column by column."""
        codes = {YES: 1, NO: -1, ABSTAIN: 0, None: -9}

        def encode(values: list[str | None]) -> tuple[np.ndarray, tuple[str, ...]]:
            names: dict[str, int] = {}
            coded = [
                -1 if v is None or v == "" else names.setdefault(v, len(names)) for v in values
            ]
            return np.asarray(coded, dtype=np.int64), tuple(names)

        org, org_names = encode([b.organisation_id for b in ballots])
        group, group_names = encode([b.stakeholder_group for b in ballots])
        region, region_names = encode([b.region for b in ballots])
        choice = np.asarray([codes[b.choice] for b in ballots], dtype=np.int8)
        objection = np.asarray(
            [b.choice == NO and bool((b.reason or "").strip()) for b in ballots], dtype=bool
        )
        developing = np.asarray([b.developing for b in ballots], dtype=bool)
        return cls(
            choice, org, group, region, developing, objection, org_names, group_names, region_names
        )


Ballots = Sequence[Ballot] | BallotColumns


def _columns(ballots: Ballots) -> BallotColumns:
    return ballots if isinstance(ballots, BallotColumns) else BallotColumns.from_ballots(ballots)


def _decide(
    rule: Rule,
    eligible: int,
    yes: Fraction,
    no: Fraction,
    abstain: int,
    threshold: Fraction | None = None,
    parts: dict[str, tuple[Fraction, Fraction]] | None = None,
    unit: Unit = Unit.VOTERS,
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
            why=Why(WhyCode.NO_VOTES),
        )
    if threshold is not None:
        share = yes / (yes + no)
        outcome = Outcome.ADOPTED if share >= threshold else Outcome.REJECTED
        why = Why(WhyCode.SHARE_AGAINST_THRESHOLD, {
            "share": float(share), "threshold": float(threshold), "unit": unit.value})
    elif yes == no:
        outcome = Outcome.TIE
        why = Why(WhyCode.EVEN, {"count": _number(yes), "unit": unit.value})
    else:
        outcome = Outcome.ADOPTED if yes > no else Outcome.REJECTED
        why = Why(WhyCode.FOR_AND_AGAINST,
                  {"yes": _number(yes), "no": _number(no), "unit": unit.value})
    return TallyResult(rule, outcome, eligible, yes, no, abstain, parts=parts, why=why)


def _headcount(choice: np.ndarray) -> tuple[int, Fraction, Fraction, int]:
    """(ballots with a motion choice, yes, no, abstain) among ``choice``."""
    yes = int((choice == 1).sum())
    no = int((choice == -1).sum())
    abstain = int((choice == 0).sum())
    return yes + no + abstain, Fraction(yes), Fraction(no), abstain


def _majority(rule: Rule, choice: np.ndarray, threshold: Fraction | None = None) -> TallyResult:
    cast, yes, no, abstain = _headcount(choice)
    return _decide(rule, cast, yes, no, abstain, threshold, unit=Unit.VOTERS)


def simple_majority(ballots: Ballots) -> TallyResult:
    """One voter, one vote: adopted when yes votes outnumber no votes (abstentions left
    out); equal numbers are a tie."""
    return _majority(Rule.SIMPLE_MAJORITY, _columns(ballots).choice)


def qualified_majority(ballots: Ballots, threshold: Fraction = Fraction(2, 3)) -> TallyResult:
    """One voter, one vote: adopted when yes votes are at least ``threshold`` (a fraction,
    two thirds by default) of the yes and no votes cast."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    return _majority(Rule.QUALIFIED_MAJORITY, _columns(ballots).choice, threshold)


def _bloc_counts(
    codes: np.ndarray, choice: np.ndarray, n_blocs: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Per bloc (yes count, no count), plus eligible ballots and abstentions."""
    inside = (codes >= 0) & (choice != -9)
    yes = np.bincount(codes[inside & (choice == 1)], minlength=n_blocs)
    no = np.bincount(codes[inside & (choice == -1)], minlength=n_blocs)
    return yes, no, int(inside.sum()), int((inside & (choice == 0)).sum())


def _equal_weight(
    rule: Rule, codes: np.ndarray, names: tuple[str, ...], choice: np.ndarray, unit: Unit
) -> TallyResult:
    """Each bloc (organisation, stakeholder group, region) weighs 1, shared among its
    members who voted yes or no; ballots outside any bloc are not eligible."""
    yes_n, no_n, eligible, abstain = _bloc_counts(codes, choice, len(names))
    parts: dict[str, tuple[Fraction, Fraction]] = {}
    yes = no = Fraction(0)
    for i in np.flatnonzero(yes_n + no_n):
        y, n = int(yes_n[i]), int(no_n[i])
        parts[names[i]] = (Fraction(y, y + n), Fraction(n, y + n))
        yes += parts[names[i]][0]
        no += parts[names[i]][1]
    return _decide(rule, eligible, yes, no, abstain, parts=dict(sorted(parts.items())), unit=unit)


def one_organisation_one_vote(ballots: Ballots) -> TallyResult:
    """Each organisation has one vote, split among its members by how they voted (two of
    three members for: 2/3 yes, 1/3 no). Voters with no organisation are not eligible."""
    c = _columns(ballots)
    return _equal_weight(
        Rule.ONE_ORGANISATION_ONE_VOTE, c.org, c.org_names, c.choice, Unit.ORGANISATIONS
    )


def equal_stakeholder_groups(ballots: Ballots) -> TallyResult:
    """Each stakeholder group present weighs the same, whatever its size, its weight split
    by its members' yes and no votes."""
    c = _columns(ballots)
    return _equal_weight(
        Rule.STAKEHOLDER_GROUPS, c.group, c.group_names, c.choice, Unit.STAKEHOLDER_GROUPS
    )


def equal_regional_groups(ballots: Ballots) -> TallyResult:
    """Each UN regional group present weighs the same, its weight split by its members'
    yes and no votes."""
    c = _columns(ballots)
    return _equal_weight(
        Rule.REGIONAL_GROUPS, c.region, c.region_names, c.choice, Unit.REGIONAL_GROUPS
    )


def _combine(rule: Rule, parts: dict[str, TallyResult], eligible: int) -> TallyResult:
    """All parts must adopt; any part rejecting rejects; otherwise a tie or empty part
    leaves the motion undecided, reported as such."""
    outcomes = {p.outcome for p in parts.values()}
    summary = {name: (p.yes, p.no) for name, p in parts.items()}
    whole = parts["participants"]
    why = Why(WhyCode.ALL_PARTS, {"parts": [
        {"part": name, "outcome": p.outcome.value, "why": p.why} for name, p in parts.items()]})
    if Outcome.REJECTED in outcomes:
        outcome = Outcome.REJECTED
    elif Outcome.NO_ELIGIBLE_VOTERS in outcomes:
        outcome = Outcome.NO_ELIGIBLE_VOTERS
    elif Outcome.TIE in outcomes:
        outcome = Outcome.TIE
    else:
        outcome = Outcome.ADOPTED
    return TallyResult(
        rule, outcome, eligible, whole.yes, whole.no, whole.abstain, parts=summary, why=why
    )


def double_majority(ballots: Ballots) -> TallyResult:
    """Adopted only with a majority of participants and a majority of stakeholder groups
    (a group is for when most of its voters are for; a group split evenly counts neither
    way)."""
    c = _columns(ballots)
    people = _majority(Rule.SIMPLE_MAJORITY, c.choice)
    yes_n, no_n, _, _ = _bloc_counts(c.group, c.choice, len(c.group_names))
    voting_groups = int(((yes_n + no_n) > 0).sum())
    by_group = _decide(
        Rule.DOUBLE_MAJORITY,
        voting_groups,
        Fraction(int((yes_n > no_n).sum())),
        Fraction(int((no_n > yes_n).sum())),
        0,
        unit=Unit.STAKEHOLDER_GROUPS,
    )
    return _combine(
        Rule.DOUBLE_MAJORITY,
        {"participants": people, "stakeholder_groups": by_group},
        people.eligible,
    )


def developing_country_safeguard(ballots: Ballots) -> TallyResult:
    """Adopted only with a majority of all participants and also a majority among
    participants from LDCs, LLDCs and SIDS; with no such participant voting, the safeguard
    cannot be met and the result says so."""
    c = _columns(ballots)
    people = _majority(Rule.SIMPLE_MAJORITY, c.choice)
    developing = _majority(Rule.SIMPLE_MAJORITY, c.choice[c.developing])
    return _combine(
        Rule.DEVELOPING_SAFEGUARD,
        {"participants": people, "developing_countries": developing},
        people.eligible,
    )


def consensus(ballots: Ballots) -> TallyResult:
    """Adopted unless a sustained objection stands: a ``no`` that gives a reason. A ``no``
    without a reason is recorded as a concern and does not block. ``no`` counts the
    sustained objections."""
    c = _columns(ballots)
    cast, yes, no, abstain = _headcount(c.choice)
    if cast == 0:
        return TallyResult(Rule.CONSENSUS, Outcome.NO_ELIGIBLE_VOTERS, 0,
                           why=Why(WhyCode.NOBODY_TOOK_PART))
    objections = int(c.objection.sum())
    concerns = int(no) - objections
    if objections:
        outcome = Outcome.REJECTED
        why = Why(WhyCode.SUSTAINED_OBJECTIONS, {"count": objections})
    else:
        outcome = Outcome.ADOPTED
        why = Why(WhyCode.NO_SUSTAINED_OBJECTION, {"concerns": concerns})
    return TallyResult(
        Rule.CONSENSUS, outcome, cast, yes, Fraction(objections), abstain, why=why
    )


# ---------------------------------------------------------------------------------------
# Ranked choice
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankTable:
    """Distinct rankings as a matrix of ranks (0 best; unranked options get the number of
    options) with how many ballots gave each: few options make few distinct rankings, so
    100,000 ballots become a small weighted table."""

    names: tuple[str, ...]
    ranks: np.ndarray
    weights: np.ndarray

    @property
    def ballots(self) -> int:
        """Ballots that rank at least one option."""
        return int(self.weights.sum())

    @classmethod
    def from_ballots(
        cls, ballots: Sequence[Ballot], options: Sequence[str] | None = None
    ) -> RankTable:
        """Group identical rankings and check every ranked option is a known one."""
        distinct = Counter(b.ranking for b in ballots if b.ranking)
        if options is None:
            names = sorted({o for ranking in distinct for o in ranking})
        else:
            names = list(options)
            allowed = set(names)
            for ranking in distinct:
                unknown = set(ranking) - allowed
                if unknown:
                    voter = next(b.voter_id for b in ballots if b.ranking == ranking)
                    raise BallotError(
                        f"ballot of {voter} ranks unknown option(s) {', '.join(sorted(unknown))}"
                    )
        position = {name: i for i, name in enumerate(names)}
        ranks = np.full((len(distinct), len(names)), len(names), dtype=np.int32)
        weights = np.zeros(len(distinct), dtype=np.int64)
        for row, (ranking, count) in enumerate(distinct.items()):
            weights[row] = count
            for place, option in enumerate(ranking):
                ranks[row, position[option]] = place
        return cls(tuple(names), ranks, weights)


def schulze(
    ballots: Sequence[Ballot],
    options: Sequence[str] | None = None,
    ranked: RankTable | None = None,
) -> TallyResult:
    """Schulze method: count for each pair how many voters prefer one option to the other,
    find the strongest path (widest bottleneck) between every pair, and elect the option
    whose strongest paths beat or equal every other's. Several such options are a tie.
    ``ranked`` reuses a rank table already built from the same ballots."""
    table = ranked or RankTable.from_ballots(ballots, options)
    names, ranks, w = table.names, table.ranks, table.weights
    if table.ballots == 0 or not names:
        return TallyResult(Rule.SCHULZE, Outcome.NO_ELIGIBLE_VOTERS, 0,
                           why=Why(WhyCode.NO_RANKINGS))
    n = len(names)
    d = np.zeros((n, n), dtype=np.int64)
    for a in range(n):
        d[a] = (w[:, None] * (ranks[:, [a]] < ranks)).sum(axis=0)
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
            table.ballots,
            winner=winners[0],
            pairwise=pairwise,
            why=Why(WhyCode.STRONGEST_PATH_WINNER, {"winner": winners[0]}),
        )
    return TallyResult(
        Rule.SCHULZE,
        Outcome.TIE,
        table.ballots,
        tied=tuple(winners),
        pairwise=pairwise,
        why=Why(WhyCode.STRONGEST_PATH_TIE, {"tied": list(winners)}),
    )


def instant_runoff(
    ballots: Sequence[Ballot],
    options: Sequence[str] | None = None,
    ranked: RankTable | None = None,
) -> TallyResult:
    """Instant run-off: count each ballot for its highest-ranked remaining option; an
    option with more than half of the continuing ballots wins; otherwise the option with
    fewest votes is eliminated and its ballots transfer. Options tied for last are
    eliminated together only when that cannot change the result (their joint total is below
    every other option's); any other tie is reported, not broken by lot. ``ranked`` reuses
    a rank table already built from the same ballots."""
    table = ranked or RankTable.from_ballots(ballots, options)
    names, ranks, w = table.names, table.ranks, table.weights
    if table.ballots == 0 or not names:
        return TallyResult(Rule.INSTANT_RUNOFF, Outcome.NO_ELIGIBLE_VOTERS, 0,
                           why=Why(WhyCode.NO_RANKINGS))
    n_opts = len(names)
    remaining = list(range(n_opts))
    rounds: list[dict[str, int]] = []
    while True:
        sub = ranks[:, remaining]
        continuing = sub.min(axis=1) < n_opts
        top = np.asarray(remaining)[sub.argmin(axis=1)[continuing]]
        counts = np.bincount(top, weights=w[continuing], minlength=n_opts).astype(np.int64)
        tally = {names[i]: int(counts[i]) for i in remaining}
        rounds.append(tally)
        total = int(w[continuing].sum())
        leader = max(remaining, key=lambda i: counts[i])
        if total and 2 * counts[leader] > total:
            return TallyResult(
                Rule.INSTANT_RUNOFF,
                Outcome.ELECTED,
                table.ballots,
                winner=names[leader],
                rounds=tuple(rounds),
                why=Why(WhyCode.RUNOFF_MAJORITY, {"winner": names[leader],
                                                  "votes": int(counts[leader]),
                                                  "continuing": total}),
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
                table.ballots,
                tied=tuple(names[i] for i in lowest),
                rounds=tuple(rounds),
                why=Why(WhyCode.RUNOFF_TIE, {"round": len(rounds), "votes": int(low),
                                             "tied": [names[i] for i in lowest]}),
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
    return _tally_checked(rule, ballots, threshold, options)


def _tally_checked(
    rule: Rule,
    ballots: Sequence[Ballot],
    threshold: Fraction,
    options: Sequence[str] | None,
    columns: BallotColumns | None = None,
    ranked: RankTable | None = None,
) -> TallyResult:
    if rule is Rule.SCHULZE:
        return schulze(ballots, options, ranked)
    if rule is Rule.INSTANT_RUNOFF:
        return instant_runoff(ballots, options, ranked)
    cols = columns or BallotColumns.from_ballots(ballots)
    if rule is Rule.QUALIFIED_MAJORITY:
        return qualified_majority(cols, threshold)
    motion: dict[Rule, Callable[[BallotColumns], TallyResult]] = {
        Rule.SIMPLE_MAJORITY: simple_majority,
        Rule.ONE_ORGANISATION_ONE_VOTE: one_organisation_one_vote,
        Rule.STAKEHOLDER_GROUPS: equal_stakeholder_groups,
        Rule.REGIONAL_GROUPS: equal_regional_groups,
        Rule.DOUBLE_MAJORITY: double_majority,
        Rule.DEVELOPING_SAFEGUARD: developing_country_safeguard,
        Rule.CONSENSUS: consensus,
    }
    return motion[rule](cols)


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
        ranked = RankTable.from_ballots(ballots, options)
    columns = BallotColumns.from_ballots(ballots)
    return {r: _tally_checked(r, ballots, threshold, options, columns, ranked) for r in rules}
