"""How closely our opinion map reproduces the groups Pol.is itself exported.

For a conversation with Pol.is's ``group-id`` per participant we compute:

- the adjusted Rand index (ARI) between Pol.is's groups and ours, over the participants
  Pol.is clustered;
- the *spread ratio*: the within-group spread of Pol.is's groups in our map over the best
  k-means spread with the same number of groups. Pol.is recomputes groups as votes arrive
  and holds its group count for several updates, so some exported groupings are not what
  any clustering of the final votes gives; a ratio above :data:`REACHABLE_RATIO` marks
  such a conversation as *unreachable*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .opinion_map import OpinionMap, VoteMatrix, compute_opinion_map, spread_ratio
from .polis_import import PolisConversation

# A grouping whose spread is within 10 % of the best k-means one is one that k-means on
# the final votes can land on; the exports measured sit either below 1.06 or above 1.3.
REACHABLE_RATIO = 1.10


def _ari(a: Any, b: Any) -> float:
    """Adjusted Rand index (scikit-learn, imported on first use: it is slow to import)."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


@dataclass(frozen=True)
class Agreement:
    """Agreement of our grouping with Pol.is's on one conversation (unitless)."""

    participants: int
    polis_groups: int
    our_groups: int
    ari: float
    spread_ratio: float

    @property
    def reachable(self) -> bool:
        """Whether Pol.is's grouping is close to a best k-means grouping of the final votes."""
        return self.spread_ratio <= REACHABLE_RATIO


def polis_groups(conversation: PolisConversation) -> dict[int, int]:
    """Participant id → Pol.is group id, for the participants Pol.is clustered."""
    return {
        p.participant_id: p.group_id for p in conversation.participants if p.group_id is not None
    }


def conversation_matrix(conversation: PolisConversation) -> VoteMatrix:
    """The counted votes of a conversation as a vote matrix."""
    return VoteMatrix.from_votes((v.voter_id, v.comment_id, v.vote) for v in conversation.votes)


def map_conversation(conversation: PolisConversation, seed: int = 0) -> OpinionMap:
    """Our opinion map of an exported conversation, with Pol.is's clustered participants
    kept in the conversation (Pol.is never drops someone once in, a history the export
    does not carry)."""
    return compute_opinion_map(
        conversation_matrix(conversation),
        moderated_out=conversation.rejected_comment_ids,
        previous_in_conv=polis_groups(conversation),
        seed=seed,
    )


def agreement(conversation: PolisConversation, opinion_map: OpinionMap, seed: int = 0) -> Agreement:
    """ARI and spread ratio of ``opinion_map`` against Pol.is's exported groups."""
    theirs = polis_groups(conversation)
    ours = opinion_map.groups()
    common = [pid for pid in theirs if pid in ours]
    if len(common) < 2:
        raise ValueError("fewer than two participants are grouped by both Pol.is and us")
    index = {pid: i for i, pid in enumerate(opinion_map.participant_ids)}
    labels = np.array([theirs[pid] for pid in common])
    points = opinion_map.projection[[index[pid] for pid in common]]
    return Agreement(
        participants=len(common),
        polis_groups=len(set(labels.tolist())),
        our_groups=opinion_map.group_count,
        ari=float(_ari(labels, [ours[pid] for pid in common])),
        spread_ratio=spread_ratio(points, labels, seed),
    )
