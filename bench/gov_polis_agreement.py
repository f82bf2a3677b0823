"""Figure: agreement with Pol.is's own groups on the real conversations (ARI table).

For every export in ``<shared data>/polis`` that carries Pol.is's ``group-id``, prints the
adjusted Rand index of our grouping and of ``red-dwarf``'s against Pol.is's, the spread
ratio that tells whether Pol.is's final grouping is reachable from the final votes, and
checks the targets: per conversation at least red-dwarf's ARI minus 0.05; on reachable
conversations a median ARI of at least 0.80.

Both tools get the same votes (the last vote per voter and statement), the same rejected
statements and the same clustered participants (Pol.is's, since it never drops a
participant once clustered, a history the export does not carry).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sklearn.metrics import adjusted_rand_score

from cybercommons.governance.kernel.polis_agreement import (
    REACHABLE_RATIO,
    agreement,
    map_conversation,
    polis_groups,
)
from cybercommons.governance.kernel.polis_import import (
    PolisConversation,
    load_conversation,
)

SEED = 0
MARGIN = 0.05
MEDIAN_TARGET = 0.80


@dataclass(frozen=True)
class Row:
    name: str
    participants: int
    polis_k: int
    our_k: int
    ours: float
    red_dwarf: float | None
    red_dwarf_k: int | None
    ratio: float
    reachable: bool
    seconds: float
    cpu_seconds: float


def red_dwarf_ari(conversation: PolisConversation) -> tuple[float, int]:
    """ARI of red-dwarf's Pol.is pipeline against Pol.is's groups, same inputs as ours."""
    from reddwarf.implementations.polis import run_pipeline

    theirs = polis_groups(conversation)
    votes = [
        {
            "participant_id": v.voter_id,
            "statement_id": v.comment_id,
            "vote": v.vote,
            "modified": v.timestamp_ms,
        }
        for v in conversation.votes
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = run_pipeline(
            votes=votes,
            mod_out_statement_ids=sorted(conversation.rejected_comment_ids),
            keep_participant_ids=sorted(theirs),
            random_state=SEED,
        )
    labels = result.participants_df["cluster_id"].dropna().astype(int).to_dict()
    common = [pid for pid in theirs if pid in labels]
    score = adjusted_rand_score([theirs[p] for p in common], [labels[p] for p in common])
    return float(score), len(set(labels.values()))


def conversations(root: Path) -> list[tuple[str, PolisConversation]]:
    """Every export with Pol.is group ids, by folder name."""
    found = []
    for folder in sorted((root / "polis").iterdir()):
        if (folder / "participants-votes.csv").is_file():
            conversation = load_conversation(folder)
            if polis_groups(conversation):
                found.append((folder.name, conversation))
    return found


def measure(root: Path, with_red_dwarf: bool = True) -> list[Row]:
    """One row per conversation."""
    rows = []
    for name, conversation in conversations(root):
        start, cpu_start = time.perf_counter(), time.process_time()
        ours = agreement(conversation, map_conversation(conversation, seed=SEED), seed=SEED)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        peer, peer_k = red_dwarf_ari(conversation) if with_red_dwarf else (None, None)
        rows.append(
            Row(
                name,
                ours.participants,
                ours.polis_groups,
                ours.our_groups,
                ours.ari,
                peer,
                peer_k,
                ours.spread_ratio,
                ours.reachable,
                seconds,
                cpu_seconds,
            )
        )
    return rows


def main() -> None:
    root = Path(
        os.environ.get("CYBERCOMMONS_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data")
    )
    try:
        import reddwarf  # noqa: F401

        with_peer = True
    except ImportError as exc:
        print(f"red-dwarf not importable ({exc}); its column is left empty")
        with_peer = False
    rows = measure(root, with_peer)
    print(
        f"{'conversation':46} {'n':>5} {'k P/us/rd':>10} {'ARI us':>7} {'ARI rd':>7} "
        f"{'spread':>7} {'reach':>5} {'ok':>3} {'wall s':>6} {'cpu s':>5}"
    )
    for r in rows:
        ok = r.red_dwarf is None or r.ours >= r.red_dwarf - MARGIN
        rd = f"{r.red_dwarf:7.3f}" if r.red_dwarf is not None else "      -"
        ks = f"{r.polis_k}/{r.our_k}/{r.red_dwarf_k or '-'}"
        print(
            f"{r.name:46} {r.participants:5d} {ks:>10} {r.ours:7.3f} {rd} "
            f"{r.ratio:7.3f} {'yes' if r.reachable else 'NO':>5} {'ok' if ok else 'NO':>3} "
            f"{r.seconds:6.2f} {r.cpu_seconds:5.2f}"
        )
    reachable = [r for r in rows if r.reachable]
    median = statistics.median(r.ours for r in reachable)
    print(f"reachable (spread ratio <= {REACHABLE_RATIO}): {len(reachable)} of {len(rows)}")
    print("unreachable:", ", ".join(r.name for r in rows if not r.reachable) or "none")
    print(f"median ARI on reachable: ours {median:.3f} (target >= {MEDIAN_TARGET})", end="")
    if with_peer:
        peer_median = statistics.median(r.red_dwarf or 0.0 for r in reachable)
        print(f", red-dwarf {peer_median:.3f}")
        below = [r.name for r in rows if r.red_dwarf is not None and r.ours < r.red_dwarf - MARGIN]
        print("below red-dwarf minus 0.05:", ", ".join(below) or "none")
    else:
        print()


if __name__ == "__main__":
    main()
