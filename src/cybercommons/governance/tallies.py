"""Between stored ballots and the kernel: kernel ballots, tallies as JSON, the ballot file.

The kernel works on plain ballots; this module builds them from participants' ballots and
turns its results into JSON that pages, the API and the decision record share.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from cybercommons.governance.kernel import ballot_file as kernel_file
from cybercommons.governance.kernel import decision_rules as rules
from cybercommons.governance.models import Ballot, Process


def kernel_ballots(ballots: Iterable[Ballot]) -> list[rules.Ballot]:
    """The kernel's view of stored ballots: the voter is the participant, never the user."""
    out = []
    for ballot in ballots:
        p = ballot.participant
        out.append(rules.Ballot(
            voter_id=str(p.pk),
            organisation_id=str(p.organisation_id) if p.organisation_id else None,
            stakeholder_group=p.stakeholder_group or None,
            region=p.region or None,
            developing=p.developing,
            choice=ballot.choice or None,
            ranking=tuple(ballot.ranking or ()),
            reason=ballot.reason or None,
        ))
    return out


def process_ballots(process: Process) -> list[rules.Ballot]:
    """Every stored ballot of a process as kernel ballots, read as plain rows (a tally of
    100,000 ballots must not build 100,000 model instances)."""
    rows = Ballot.objects.filter(process=process).order_by("pk").values_list(
        "participant_id", "participant__organisation_id", "participant__stakeholder_group",
        "participant__region", "participant__developing", "choice", "ranking", "reason")
    return [
        rules.Ballot(voter_id=str(pid), organisation_id=str(org) if org else None,
                     stakeholder_group=group or None, region=region or None,
                     developing=developing, choice=choice or None,
                     ranking=tuple(ranking or ()), reason=reason or None)
        for pid, org, group, region, developing, choice, ranking, reason in rows.iterator(
            chunk_size=5000)
    ]


def threshold_of(process: Process) -> Fraction:
    try:
        value = Fraction(process.threshold)
    except (ValueError, ZeroDivisionError):
        return Fraction(2, 3)
    return value if 0 < value <= 1 else Fraction(2, 3)


def _fraction(value: Fraction) -> dict[str, Any]:
    return {"fraction": str(value), "value": float(value)}


def result_json(result: rules.TallyResult) -> dict[str, Any]:
    """A tally as JSON: exact fractions kept as "a/b" strings beside their float value."""
    return {
        "rule": result.rule.value,
        "outcome": result.outcome.value,
        "eligible": result.eligible,
        "yes": _fraction(result.yes),
        "no": _fraction(result.no),
        "abstain": result.abstain,
        "winner": result.winner,
        "tied": list(result.tied),
        "parts": {name: {"yes": _fraction(y), "no": _fraction(n)}
                  for name, (y, n) in result.parts.items()},
        "rounds": [dict(r) for r in result.rounds],
        "pairwise": result.pairwise,
        "why": result.why.as_dict(),
    }


def tally_process(process: Process, ballots: list[rules.Ballot]
                  ) -> tuple[rules.TallyResult, dict[rules.Rule, rules.TallyResult]]:
    """The tally under the process's rule and under every other applicable rule."""
    options = list(process.options) if process.is_ranked else None
    threshold = threshold_of(process)
    official = rules.tally(process.decision_rule, ballots, threshold=threshold, options=options)
    others = rules.tally_all(ballots, threshold=threshold, options=options)
    return official, others


def ballot_file_bytes(process: Process, ballots: list[rules.Ballot]) -> tuple[bytes, str]:
    """The anonymised, canonical ballot file and its SHA-256."""
    made = kernel_file.make_ballot_file(
        process.decision_rule, ballots, process.ballot_secret.encode(),
        threshold=threshold_of(process),
        options=list(process.options) if process.is_ranked else None,
    )
    return kernel_file.serialise(made), kernel_file.sha256_of(made)
