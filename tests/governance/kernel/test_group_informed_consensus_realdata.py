"""Group-informed consensus against the value Pol.is itself exported."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cybercommons.governance.kernel.opinion_map import group_informed_consensus
from cybercommons.governance.kernel.polis_agreement import conversation_matrix, polis_groups
from cybercommons.governance.kernel.polis_import import load_conversation


@pytest.mark.realdata
def test_group_informed_consensus_equals_the_exported_pol_is_values(shared_data: Path) -> None:
    """bg2050's comments.csv carries Pol.is's group-informed consensus per statement; given
    Pol.is's own groups, ours must be the same number for every statement."""
    conversation = load_conversation(shared_data / "polis" / "bg2050-volunteers")
    matrix = conversation_matrix(conversation)
    groups = polis_groups(conversation)
    group_of = np.array([groups.get(int(pid), -1) for pid in matrix.participant_ids])
    agree, _ = group_informed_consensus(matrix.values, group_of)
    exported = {
        c.comment_id: c.group_informed_consensus
        for c in conversation.comments
        if c.group_informed_consensus is not None
    }
    ours = dict(zip(matrix.statement_ids, agree.tolist(), strict=True))
    assert len(exported) > 300
    for statement_id, value in exported.items():
        assert ours[statement_id] == pytest.approx(value, abs=1e-12), statement_id
