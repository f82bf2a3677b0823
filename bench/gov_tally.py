"""Figure: a tally under every decision rule for 100,000 ballots (target: under 1 s).

Ballots carry an organisation, a stakeholder group, a UN regional group, a
developing-country flag, a yes / no / abstain choice (with a reason on some noes) and a
ranking of five options, so every rule runs on the same ballots in one ``tally_all`` call.
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cybercommons.governance.kernel.ballot_file import (
    make_ballot_file,
    recount,
    serialise,
)
from cybercommons.governance.kernel.decision_rules import (
    UN_REGIONAL_GROUPS,
    Ballot,
    Rule,
    tally_all,
)

BALLOTS = 100_000
OPTIONS = ("A", "B", "C", "D", "E")
GROUPS = ("government", "intergovernmental", "industry", "technical", "civil-society", "academia")


def synthetic_ballots(seed: int = 0) -> list[Ballot]:
    """100,000 ballots from 2,000 organisations, skewed towards some options."""
    rng = random.Random(seed)
    regions = sorted(UN_REGIONAL_GROUPS)
    ballots = []
    for i in range(BALLOTS):
        choice = rng.choices(("yes", "no", "abstain"), weights=(55, 40, 5))[0]
        order = list(OPTIONS)
        rng.shuffle(order)
        if rng.random() < 0.3:
            order.remove("C")
            order.insert(0, "C")
        ballots.append(
            Ballot(
                voter_id=f"v{i}",
                organisation_id=f"o{rng.randrange(2000)}",
                stakeholder_group=rng.choice(GROUPS),
                region=rng.choice(regions),
                developing=rng.random() < 0.25,
                choice=choice,
                ranking=tuple(order[: rng.randint(1, 5)]),
                reason="conflicts with article 4" if choice == "no" and i % 5000 == 0 else None,
            )
        )
    return ballots


def main() -> None:
    ballots = synthetic_ballots()
    start = time.perf_counter()
    results = tally_all(ballots, options=OPTIONS)
    elapsed = time.perf_counter() - start
    print(f"tally under every rule, {BALLOTS} ballots: {elapsed:.3f} s (target < 1 s)")
    for rule, result in results.items():
        why = result.why.code.value
        print(f"  {rule.value:30} {result.outcome.value:18} {result.winner or ''} {why}")
    for rule in (Rule.SIMPLE_MAJORITY, Rule.SCHULZE):
        start = time.perf_counter()
        data = serialise(make_ballot_file(rule, ballots, b"bench-secret-0123456789"))
        digest = hashlib.sha256(data).hexdigest()
        written = time.perf_counter() - start
        start = time.perf_counter()
        again = recount(data, expected_sha256=digest)
        counted = time.perf_counter() - start
        print(
            f"  ballot file ({rule.value}): {len(data) / 1e6:.1f} MB, anonymise + write + hash "
            f"{written:.2f} s, recount {counted:.2f} s -> {again.outcome.value} "
            f"{again.winner or ''}"
        )


if __name__ == "__main__":
    main()
