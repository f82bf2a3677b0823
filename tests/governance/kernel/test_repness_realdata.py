"""Representative and consensus statements against red-dwarf's Pol.is implementation."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cybercommons.governance.kernel.opinion_map import (
    consensus_statements,
    representative_statements,
)
from cybercommons.governance.kernel.polis_agreement import conversation_matrix, polis_groups
from cybercommons.governance.kernel.polis_import import load_conversation

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


# london.youth.policing is left out: two statements tie exactly for fifth consensus place
# and the two implementations order ties differently (by first vote vs by statement id).
@pytest.mark.parametrize(
    "name", ["brexit-consensus", "vtaiwan.uberx", "scoop-hivemind.ubi", "scoop-hivemind.taxes"]
)
def test_repness_and_consensus_select_the_statements_red_dwarf_selects(
    shared_data: Path, name: str
) -> None:
    """Given Pol.is's own groups, both implementations of the Pol.is selection rules pick
    the same statements, in the same direction, for every group and for consensus."""
    from reddwarf.utils.consensus import select_consensus_statements
    from reddwarf.utils.stats import (
        calculate_comment_statistics_dataframes,
        select_representative_statements,
    )

    conversation = load_conversation(shared_data / "polis" / name)
    matrix = conversation_matrix(conversation)
    groups = polis_groups(conversation)
    group_of = np.array([groups.get(int(pid), -1) for pid in matrix.participant_ids])
    rejected = sorted(conversation.rejected_comment_ids)
    ours = representative_statements(matrix.values, group_of, matrix.statement_ids, rejected)
    ours_agree, ours_disagree = consensus_statements(matrix.values, matrix.statement_ids, rejected)

    columns = pd.Index(list(matrix.statement_ids), name="statement_id")
    rows = pd.Index(list(matrix.participant_ids), name="participant_id")
    frame = pd.DataFrame(matrix.values, index=rows, columns=columns)
    clustered = group_of >= 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats, _ = calculate_comment_statistics_dataframes(
            vote_matrix=frame[clustered], cluster_labels=group_of[clustered]
        )
        theirs = select_representative_statements(
            grouped_stats_df=stats, mod_out_statement_ids=rejected, pick_max=5, confidence=0.9
        )
        their_consensus = select_consensus_statements(
            vote_matrix=frame,
            mod_out_statement_ids=rejected,
            pick_max=5,
            confidence=0.9,
            prob_threshold=0.5,
        )
    assert set(ours) == set(theirs)
    for gid, selected in ours.items():
        assert {(r.statement_id, r.repful_for) for r in selected} == {
            (int(s["tid"]), s["repful-for"]) for s in theirs[gid]
        }, gid
    assert {s.statement_id for s in ours_agree} == {int(s["tid"]) for s in their_consensus["agree"]}
    assert {s.statement_id for s in ours_disagree} == {
        int(s["tid"]) for s in their_consensus["disagree"]
    }
