"""The Pol.is opinion map: who agrees with whom, and on what.

Follows the published Pol.is method (compdemocracy/polis, ``math/``), step by step:

1. a participants × statements vote matrix (1 agree, -1 disagree, 0 pass, NaN not voted);
   statements the moderators rejected are zeroed out;
2. participants are *in the conversation* once they voted on at least ``min(7, statements)``
   statements; if that leaves fewer than 15, the most active voters are added up to 15;
3. PCA (two components) on the matrix with missing votes replaced by the statement's mean
   vote: the axes Pol.is's power iteration converges to, computed on the sparse centred
   votes (:func:`votes_pca`);
4. each participant is projected using only the statements they voted on, scaled by
   ``sqrt(statements / votes cast)`` so that sparse voters are not pulled to the centre;
5. k-means into (up to) 100 base clusters over in-conversation participants;
6. weighted k-means of the base-cluster centres into k groups for k = 2 … min(5, 2 + bases/12),
   scored by silhouette (on base-cluster centres, unweighted, as Pol.is does); steps 5 and
   6 run from several seeds, each k's silhouette is averaged over them, and the smallest k
   within :data:`SILHOUETTE_TIE` of the best wins (:func:`choose_group_count`); a new k
   replaces the current one only after winning ``k_buffer`` updates in a row
   (:class:`GroupCountState`);
7. for that k, the tightest grouping of the participants (smallest within-group sum of
   squares) among the seeded two-level groupings, their refinement by k-means on the
   participants, and k-means from the lexicographically smallest distinct points
   (:func:`tightest_grouping`): the groups are compared on participants, so their
   objective decides, while the two-level runs keep choosing k;
8. representative statements per group (repness: agree / disagree proportion tests and
   two-proportion tests against the rest), the overall consensus statements and the
   group-informed consensus (product over groups of the Laplace-smoothed agree rate).

Everything is deterministic given ``seed``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import linalg as splinalg
from threadpoolctl import threadpool_limits

Z_90 = 1.2816  # one-sided 90 % critical value Pol.is uses for every significance test
GREEDY_IN_CONV = 15
MIN_VOTES_IN_CONV = 7


class OpinionMapError(ValueError):
    """The votes cannot be mapped (no statements, no participants, bad values)."""


@dataclass(frozen=True)
class VoteMatrix:
    """Votes as a dense float matrix: rows are participants, columns statements.

    Cells hold 1.0 (agree), -1.0 (disagree), 0.0 (pass) or NaN (no vote).
    """

    participant_ids: tuple[int | str, ...]
    statement_ids: tuple[int | str, ...]
    values: NDArray[np.float64]

    @classmethod
    def from_votes(
        cls,
        votes: Iterable[tuple[int | str, int | str, int]],
        statement_ids: Sequence[int | str] | None = None,
    ) -> VoteMatrix:
        """Build from (participant id, statement id, vote) triples, the last triple winning.

        Participants and statements keep their order of first appearance (Pol.is's row
        order), unless ``statement_ids`` fixes the columns.
        """
        rows: dict[int | str, int] = {}
        cols: dict[int | str, int] = {}
        if statement_ids is not None:
            cols = {tid: i for i, tid in enumerate(statement_ids)}
        r_idx: list[int] = []
        c_idx: list[int] = []
        vals: list[float] = []
        for pid, tid, vote in votes:
            if vote not in (1, -1, 0):
                raise OpinionMapError(f"vote of {pid!r} on {tid!r} must be 1, -1 or 0: {vote!r}")
            if tid not in cols:
                if statement_ids is not None:
                    continue
                cols[tid] = len(cols)
            r_idx.append(rows.setdefault(pid, len(rows)))
            c_idx.append(cols[tid])
            vals.append(float(vote))
        values = np.full((len(rows), len(cols)), np.nan)
        values[np.asarray(r_idx, dtype=np.intp), np.asarray(c_idx, dtype=np.intp)] = vals
        return cls(tuple(rows), tuple(cols), values)


@dataclass(frozen=True)
class GroupCountState:
    """What the group-count smoother remembers between updates (plain data, persist it).

    ``last_k``: the best k of the previous update; ``last_k_count``: how many updates in a
    row it has been best; ``smoothed_k``: the group count currently shown.
    """

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        """Plain dict for storage."""
        return {
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
        }

    @classmethod
    def from_dict(cls, data: dict[str, int | None] | None) -> GroupCountState:
        """Inverse of :meth:`as_dict`; ``None`` gives the initial state."""
        if not data:
            return cls()
        return cls(data.get("last_k"), int(data.get("last_k_count") or 0), data.get("smoothed_k"))


def smooth_group_count(state: GroupCountState, best_k: int, k_buffer: int) -> GroupCountState:
    """Advance the smoother: a new best k is shown only once it has been best ``k_buffer``
    updates in a row; the first update shows its best k at once."""
    count = state.last_k_count + 1 if state.last_k == best_k else 1
    shown = best_k if count >= k_buffer or state.smoothed_k is None else state.smoothed_k
    return GroupCountState(last_k=best_k, last_k_count=count, smoothed_k=shown)


@dataclass(frozen=True)
class RepStatement:
    """A statement that represents a group: the group agrees (or disagrees) with it more
    than the others do. Probabilities are Laplace-smoothed, tests are z-scores."""

    statement_id: int | str
    repful_for: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    """A statement most participants agree (or disagree) with, significantly."""

    statement_id: int | str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass
class OpinionMap:
    """Result of :func:`compute_opinion_map`.

    ``projection``: (participants × 2) coordinates; ``group_of``: group index per
    participant, -1 for those not in the conversation; ``base_of``: base cluster per
    participant (-1 likewise); ``group_informed_consensus``: per statement, product over
    groups of P(agree) (and of P(disagree)).
    """

    participant_ids: tuple[int | str, ...]
    statement_ids: tuple[int | str, ...]
    projection: NDArray[np.float64]
    in_conv: NDArray[np.bool_]
    base_of: NDArray[np.intp]
    base_centers: NDArray[np.float64]
    group_of: NDArray[np.intp]
    group_count: int
    silhouettes: dict[int, float]
    state: GroupCountState
    components: NDArray[np.float64]
    center: NDArray[np.float64]
    repness: dict[int, list[RepStatement]] = field(default_factory=dict)
    consensus_agree: list[ConsensusStatement] = field(default_factory=list)
    consensus_disagree: list[ConsensusStatement] = field(default_factory=list)
    group_informed_consensus_agree: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    group_informed_consensus_disagree: NDArray[np.float64] = field(
        default_factory=lambda: np.zeros(0)
    )

    def in_conv_ids(self) -> list[int | str]:
        """Participants in the conversation: pass them as ``previous_in_conv`` next time,
        since Pol.is never drops a participant once in."""
        return [
            pid for pid, inside in zip(self.participant_ids, self.in_conv, strict=True) if inside
        ]

    def groups(self) -> dict[int | str, int]:
        """Participant id → group index, for participants in the conversation."""
        return {
            pid: int(g)
            for pid, g in zip(self.participant_ids, self.group_of, strict=True)
            if g >= 0
        }


# ---------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------


def in_conversation(
    values: NDArray[np.float64], previous: NDArray[np.bool_] | None = None
) -> NDArray[np.bool_]:
    """Who is clustered: at least min(7, statements) votes cast (passes count), topped up
    with the most active voters to 15; once in, a participant stays in (``previous``)."""
    n_cols = values.shape[1]
    counts = np.count_nonzero(~np.isnan(values), axis=1)
    chosen = counts >= min(MIN_VOTES_IN_CONV, n_cols)
    if previous is not None:
        chosen[: len(previous)] |= previous
    missing = GREEDY_IN_CONV - int(chosen.sum())
    if missing > 0:
        # Stable sort keeps earlier participants first among equal counts.
        order = np.argsort(-counts, kind="stable")
        extra = [i for i in order if not chosen[i]][:missing]
        chosen[extra] = True
    return chosen


def impute_column_means(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Replace each missing vote by the statement's mean vote (0 if nobody voted on it)."""
    voted = ~np.isnan(values)
    counts = voted.sum(axis=0)
    sums = np.where(voted, values, 0.0).sum(axis=0)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    return np.where(voted, values, means)


def _power_iteration(centred: Any, n_comps: int, seed: int, iters: int) -> NDArray[np.float64]:
    """First ``n_comps`` eigenvectors of centredᵀ·centred by power iteration with
    deflation; ``centred`` is any matrix with ``@`` (dense or sparse)."""
    rng = np.random.default_rng(seed)
    n_cols = centred.shape[1]
    comps: list[NDArray[np.float64]] = []
    for _ in range(min(n_comps, *centred.shape)):
        vec = rng.random(n_cols)
        for prev in comps:
            vec -= (vec @ prev) * prev
        vec /= np.linalg.norm(vec) or 1.0
        for _step in range(iters):
            product = centred.T @ (centred @ vec)
            for prev in comps:  # deflation: stay orthogonal to the axes already found
                product -= (product @ prev) * prev
            norm = float(np.linalg.norm(product))
            if norm == 0.0:
                break
            product /= norm
            moved = float(np.abs(product - vec).max())
            vec = product
            if moved < 1e-10:
                break
        if vec[np.argmax(np.abs(vec))] < 0:
            vec = -vec
        comps.append(vec)
    while len(comps) < n_comps:
        comps.append(np.zeros(n_cols))
    return np.vstack(comps)


def power_iteration_pca(
    data: NDArray[np.float64], n_comps: int, seed: int, iters: int = 1000
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Centre ``data`` and find its first ``n_comps`` principal axes by power iteration with
    deflation (as Pol.is does, iterated to convergence). Returns (centre, components as
    rows of unit length); each axis's sign is fixed so that its largest-magnitude entry is
    positive, which keeps maps stable between updates."""
    center = data.mean(axis=0)
    return center, _power_iteration(data - center, n_comps, seed, iters)


def votes_pca(
    values: NDArray[np.float64], n_comps: int, seed: int, iters: int = 1000
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """PCA of the vote matrix with missing votes imputed by the statement mean, as Pol.is
    does, computed without building the dense imputed matrix: imputing the column mean
    leaves the mean unchanged, so once centred every imputed cell is zero and the centred
    matrix is as sparse as the votes. Same result as :func:`power_iteration_pca` on
    :func:`impute_column_means`, in a fraction of the time for sparse votes."""
    voted = ~np.isnan(values)
    counts = voted.sum(axis=0)
    sums = np.where(voted, values, 0.0).sum(axis=0)
    center = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    rows, cols = np.nonzero(voted)
    centred = sparse.csr_matrix(
        (values[rows, cols] - center[cols], (rows, cols)), shape=values.shape
    )
    return center, _lanczos_axes(centred, n_comps, seed, iters)


def _lanczos_axes(
    centred: sparse.csr_matrix, n_comps: int, seed: int, iters: int
) -> NDArray[np.float64]:
    """The same axes as power iteration converges to, by Lanczos (ARPACK), which needs
    far fewer products when the leading eigenvalues are close; small matrices go to the
    power iteration directly."""
    n_cols = centred.shape[1]
    if min(centred.shape) <= 4 * n_comps + 8:
        return _power_iteration(centred, n_comps, seed, iters)
    gram = splinalg.LinearOperator(
        (n_cols, n_cols), matvec=lambda v: centred.T @ (centred @ v), dtype=np.float64
    )
    v0 = np.random.default_rng(seed).random(n_cols)
    eigvals, eigvecs = splinalg.eigsh(gram, k=n_comps, which="LA", v0=v0, tol=1e-10)
    comps = eigvecs[:, np.argsort(-eigvals)].T.copy()
    for row in comps:
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    return comps


def sparsity_aware_projection(
    values: NDArray[np.float64], center: NDArray[np.float64], comps: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Project each participant with only the votes they cast (centred), then scale by
    sqrt(statements / votes cast) so that the projection of a sparse voter is not shrunk
    towards the centre. Unitless PCA coordinates, (participants × components)."""
    voted = ~np.isnan(values)
    deltas = np.where(voted, values - center, 0.0)
    raw = deltas @ comps.T
    n_votes = np.maximum(voted.sum(axis=1), 1)
    scale = np.sqrt(values.shape[1] / n_votes)
    return raw * scale[:, None]


def _weighted_kmeans(
    points: NDArray[np.float64],
    weights: NDArray[np.float64],
    k: int,
    seed: int,
    n_init: int,
    init: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.intp], NDArray[np.float64], float]:
    """k-means (Lloyd) with k-means++ starts, or from the given ``init`` centres."""
    from sklearn.cluster import KMeans

    start: Any = "k-means++" if init is None else init
    runs = n_init if init is None else 1
    model = KMeans(n_clusters=k, init=start, n_init=runs, random_state=seed, max_iter=300)
    # 2-D points are cheap; OpenMP threads only contend with each other on a busy host.
    with threadpool_limits(limits=1, user_api="openmp"):
        labels = model.fit_predict(points, sample_weight=weights)
    return labels.astype(np.intp), model.cluster_centers_, float(model.inertia_)


def base_clusters(
    points: NDArray[np.float64], base_k: int, seed: int
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Partition the in-conversation participants' projections into at most ``base_k``
    base clusters (fewer if there are fewer distinct points). Returns (label per point,
    centres); centres are ordered by first appearance of their first member, so labels
    are stable for a given input."""
    distinct = np.unique(points, axis=0)
    k = min(base_k, len(distinct))
    if k <= 1:
        return np.zeros(len(points), dtype=np.intp), points.mean(axis=0, keepdims=True)
    labels, centres, _ = _weighted_kmeans(points, np.ones(len(points)), k, seed, n_init=1)
    used, first = np.unique(labels, return_index=True)
    order = used[np.argsort(first)]
    remap = np.full(k, -1, dtype=np.intp)
    remap[order] = np.arange(len(order))
    return remap[labels], centres[order]


def silhouette(distances: NDArray[np.float64], labels: NDArray[np.intp]) -> float:
    """Mean silhouette over items (base-cluster centres), unweighted as in Pol.is; a member
    alone in its cluster scores 0."""
    groups, index, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    if len(groups) < 2:
        return 0.0
    members = np.zeros((len(labels), len(groups)))
    members[np.arange(len(labels)), index] = 1.0
    # Mean distance from every item to every group; an item's own group leaves it out
    # (its distance to itself is 0, so only the count changes).
    totals = distances @ members
    own_size = sizes[index] - 1
    rows = np.arange(len(labels))
    a = np.divide(totals[rows, index], own_size, out=np.zeros(len(labels)), where=own_size > 0)
    means = totals / sizes
    means[rows, index] = np.inf
    b = means.min(axis=1)
    denom = np.maximum(a, b)
    scores = np.divide(b - a, denom, out=np.zeros(len(labels)), where=denom > 0)
    scores[own_size == 0] = 0.0
    return float(scores.mean())


def max_group_count(n_base: int, max_k: int) -> int:
    """Largest k tried: min(max_k, 2 + bases // 12), as Pol.is limits it for small maps."""
    return min(max_k, 2 + n_base // 12)


def group_clusterings(
    centres: NDArray[np.float64], weights: NDArray[np.float64], max_k: int, seed: int
) -> tuple[dict[int, NDArray[np.intp]], dict[int, float]]:
    """Cluster the base-cluster centres (weighted by member count) for each k in 2..max
    and score each clustering by silhouette. Returns (labels per k, silhouette per k)."""
    n_base = len(centres)
    diff = centres[:, None, :] - centres[None, :, :]
    distances = np.sqrt((diff**2).sum(axis=2))
    labelings: dict[int, NDArray[np.intp]] = {}
    scores: dict[int, float] = {}
    top = min(max_group_count(n_base, max_k), n_base)
    for k in range(2, top + 1):
        labels, _, _ = _weighted_kmeans(centres, weights, k, seed, n_init=10)
        labelings[k] = _canonical_labels(labels, centres, weights)
        scores[k] = silhouette(distances, labelings[k])
    return labelings, scores


def _canonical_labels(
    labels: NDArray[np.intp], centres: NDArray[np.float64], weights: NDArray[np.float64]
) -> NDArray[np.intp]:
    """Number groups by size (largest first) so that ids do not depend on k-means order."""
    groups = np.unique(labels)
    sizes = [
        (-weights[labels == g].sum(), float(centres[labels == g, 0].mean()), g) for g in groups
    ]
    remap = np.full(int(labels.max()) + 1, -1, dtype=np.intp)
    for new, (_, _, g) in enumerate(sorted(sizes)):
        remap[g] = new
    return remap[labels]


# Silhouettes closer than this are a tie: across restarts the silhouette of one k moves by
# several hundredths, so a smaller lead says nothing about which count fits better.
SILHOUETTE_TIE = 0.01


@dataclass(frozen=True)
class TwoLevelClustering:
    """One seeded run of Pol.is's two-level clustering: base clusters of participants,
    then, for each k tried, groups of base clusters and their silhouette."""

    base_labels: NDArray[np.intp]
    base_centres: NDArray[np.float64]
    groupings: dict[int, NDArray[np.intp]]
    silhouettes: dict[int, float]

    def participant_groups(self, k: int) -> NDArray[np.intp]:
        """The k-group grouping, as a group per participant."""
        return self.groupings[k][self.base_labels]


def two_level_clustering(
    points: NDArray[np.float64], base_k: int, max_k: int, seed: int
) -> TwoLevelClustering:
    """Base clusters of ``points``, then weighted groups of them for k = 2 … max (none
    when fewer than two base clusters exist)."""
    labels, centres = base_clusters(points, base_k, seed)
    if len(centres) < 2:
        return TwoLevelClustering(labels, centres, {}, {})
    weights = np.bincount(labels, minlength=len(centres)).astype(float)
    groupings, scores = group_clusterings(centres, weights, max_k, seed)
    return TwoLevelClustering(labels, centres, groupings, scores)


def mean_silhouettes(runs: Sequence[TwoLevelClustering]) -> dict[int, float]:
    """Per k tried by every run, the silhouette averaged over the runs: one run's score
    depends on where its base clusters happened to fall."""
    common = set.intersection(*(set(run.silhouettes) for run in runs)) if runs else set()
    return {k: float(np.mean([run.silhouettes[k] for run in runs])) for k in sorted(common)}


def choose_group_count(scores: dict[int, float], tie: float = SILHOUETTE_TIE) -> int:
    """The smallest k whose silhouette is within ``tie`` of the best. Pol.is reaches the
    same preference through its history: every conversation starts at two groups (few
    base clusters allow no more) and a new count must win several updates in a row, so a
    count that only ties the current one never replaces it."""
    top = max(scores.values())
    return min(k for k, score in scores.items() if score >= top - tie)


def tightest_grouping(
    points: NDArray[np.float64], candidates: Sequence[NDArray[np.intp]], k: int
) -> NDArray[np.intp]:
    """Of the candidate k-groupings of the participants, each also refined by k-means on
    the participants, plus k-means started from the lexicographically smallest distinct
    points, the one with the smallest within-group spread (the k-means objective on the
    participants, on which groupings are compared), numbered canonically."""
    pool = list(candidates)
    for labels in candidates:
        groups = np.unique(labels)
        if len(groups) == k:
            centres = np.vstack([points[labels == g].mean(axis=0) for g in groups])
            pool.append(_weighted_kmeans(points, np.ones(len(points)), k, 0, 1, centres)[0])
    distinct = np.unique(points, axis=0)
    if len(distinct) >= k:
        pool.append(_weighted_kmeans(points, np.ones(len(points)), k, 0, 1, distinct[:k])[0])
    spreads = [within_group_spread(points, labels) for labels in pool]
    best = pool[int(np.argmin(spreads))]
    return _canonical_labels(best, points, np.ones(len(points)))


# ---------------------------------------------------------------------------------------
# Statement statistics
# ---------------------------------------------------------------------------------------


def prop_test(successes: NDArray[np.float64], trials: NDArray[np.float64]) -> NDArray[np.float64]:
    """One-proportion z-score against 1/2, with the +1 prior Pol.is adds to both counts."""
    s = successes + 1.0
    n = trials + 1.0
    return 2.0 * np.sqrt(n) * (s / n - 0.5)


def two_prop_test(
    succ_in: NDArray[np.float64],
    succ_out: NDArray[np.float64],
    pop_in: NDArray[np.float64],
    pop_out: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Two-proportion z-score (group vs rest), +1 prior on every count; 0 when the pooled
    proportion is 1 (the test is undefined there)."""
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, pop_in + 1.0, pop_out + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    var = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    return np.where(pooled >= 1.0, 0.0, z)


@dataclass(frozen=True)
class _Counts:
    na: NDArray[np.float64]
    nd: NDArray[np.float64]
    ns: NDArray[np.float64]


def _counts(values: NDArray[np.float64]) -> _Counts:
    return _Counts(
        na=(values == 1).sum(axis=0).astype(float),
        nd=(values == -1).sum(axis=0).astype(float),
        ns=(~np.isnan(values)).sum(axis=0).astype(float),
    )


def _finalise(stats: dict[str, float], tid: int | str, best_agree: bool = False) -> RepStatement:
    if stats["rat"] > stats["rdt"]:
        keys = ("na", "pa", "pat", "ra", "rat", "agree")
    else:
        keys = ("nd", "pd", "pdt", "rd", "rdt", "disagree")
    return RepStatement(
        statement_id=tid,
        repful_for=keys[5],
        n_success=int(stats[keys[0]]),
        n_trials=int(stats["ns"]),
        p_success=stats[keys[1]],
        p_test=stats[keys[2]],
        repness=stats[keys[3]],
        repness_test=stats[keys[4]],
        best_agree=best_agree,
    )


def _beats_best_agree(s: dict[str, float], best: dict[str, float] | None) -> bool:
    if s["na"] == 0 and s["nd"] == 0:
        return False
    if best is not None and best["ra"] > 1.0:
        return s["ra"] * s["rat"] * s["pa"] * s["pat"] > (
            best["ra"] * best["rat"] * best["pa"] * best["pat"]
        )
    if best is not None:
        return s["pa"] * s["pat"] > best["pa"] * best["pat"]
    return s["pat"] > Z_90 or (s["ra"] > 1.0 and s["pa"] > 0.5)


def representative_statements(
    values: NDArray[np.float64],
    group_of: NDArray[np.intp],
    statement_ids: Sequence[int | str],
    excluded: Iterable[int | str] = (),
    pick_max: int = 5,
) -> dict[int, list[RepStatement]]:
    """Pol.is repness: for each group, the statements on which it differs most from the
    rest. A statement qualifies when both its agree (or disagree) rate is significantly
    above 1/2 and significantly above the rest's rate (z > 1.2816); up to ``pick_max`` are
    kept, ordered by repness × test × probability × test, the best agree statement first
    and agrees before disagrees. A group with none gets its single best statement."""
    skip = set(excluded)
    result: dict[int, list[RepStatement]] = {}
    groups = sorted(int(g) for g in np.unique(group_of) if g >= 0)
    counts = {g: _counts(values[group_of == g]) for g in groups}
    zero = np.zeros(values.shape[1])
    total = _Counts(
        sum((c.na for c in counts.values()), zero),
        sum((c.nd for c in counts.values()), zero),
        sum((c.ns for c in counts.values()), zero),
    )
    for g in groups:
        c = counts[g]
        rest = _Counts(total.na - c.na, total.nd - c.nd, total.ns - c.ns)
        pa = (1 + c.na) / (2 + c.ns)
        pd = (1 + c.nd) / (2 + c.ns)
        table = {
            "na": c.na,
            "nd": c.nd,
            "ns": c.ns,
            "pa": pa,
            "pd": pd,
            "pat": prop_test(c.na, c.ns),
            "pdt": prop_test(c.nd, c.ns),
            "ra": pa / ((1 + rest.na) / (2 + rest.ns)),
            "rd": pd / ((1 + rest.nd) / (2 + rest.ns)),
            "rat": two_prop_test(c.na, rest.na, c.ns, rest.ns),
            "rdt": two_prop_test(c.nd, rest.nd, c.ns, rest.ns),
        }
        sufficient: list[RepStatement] = []
        best: RepStatement | None = None
        best_agree: tuple[int | str, dict[str, float]] | None = None
        for j, tid in enumerate(statement_ids):
            if tid in skip:
                continue
            s = {key: float(col[j]) for key, col in table.items()}
            if (s["rat"] > Z_90 and s["pat"] > Z_90) or (s["rdt"] > Z_90 and s["pdt"] > Z_90):
                sufficient.append(_finalise(s, tid))
            if not sufficient and (best is None or max(s["rat"], s["rdt"]) > best.repness_test):
                best = _finalise(s, tid)
            if _beats_best_agree(s, best_agree[1] if best_agree else None):
                best_agree = (tid, s)
        head: list[RepStatement] = []
        if best_agree is not None:
            head = [_finalise(best_agree[1], best_agree[0], best_agree=True)]
        elif best is not None:
            head = [best]
        if not sufficient:
            result[g] = head
            continue
        head_ids = {h.statement_id for h in head if h.best_agree}
        ranked = sorted(
            (r for r in sufficient if r.statement_id not in head_ids),
            key=lambda r: -(r.repness * r.repness_test * r.p_success * r.p_test),
        )
        picked = (head if head_ids else []) + ranked
        picked = picked[:pick_max]
        result[g] = [r for r in picked if r.repful_for == "agree"] + [
            r for r in picked if r.repful_for == "disagree"
        ]
    return result


def consensus_statements(
    values: NDArray[np.float64],
    statement_ids: Sequence[int | str],
    excluded: Iterable[int | str] = (),
    pick_max: int = 5,
) -> tuple[list[ConsensusStatement], list[ConsensusStatement]]:
    """Statements with which a significant majority of all voters agree (resp. disagree):
    P > 1/2 and z > 1.2816, top ``pick_max`` by P × z. Returns (agree, disagree)."""
    skip = set(excluded)
    c = _counts(values)
    out: list[list[ConsensusStatement]] = []
    for n_succ in (c.na, c.nd):
        p = (1 + n_succ) / (2 + c.ns)
        z = prop_test(n_succ, c.ns)
        keep = [
            j
            for j, tid in enumerate(statement_ids)
            if tid not in skip and p[j] > 0.5 and z[j] > Z_90
        ]
        keep.sort(key=lambda j: -(p[j] * z[j]))
        out.append(
            [
                ConsensusStatement(
                    statement_ids[j], int(n_succ[j]), int(c.ns[j]), float(p[j]), float(z[j])
                )
                for j in keep[:pick_max]
            ]
        )
    return out[0], out[1]


def group_informed_consensus(
    values: NDArray[np.float64], group_of: NDArray[np.intp]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per statement, the product over groups of (agrees + 1) / (votes + 2), and the same
    for disagrees: high only when every group leans the same way. Values in (0, 1)."""
    agree = np.ones(values.shape[1])
    disagree = np.ones(values.shape[1])
    for g in np.unique(group_of):
        if g < 0:
            continue
        c = _counts(values[group_of == g])
        agree *= (c.na + 1.0) / (c.ns + 2.0)
        disagree *= (c.nd + 1.0) / (c.ns + 2.0)
    return agree, disagree


# ---------------------------------------------------------------------------------------
# The whole map
# ---------------------------------------------------------------------------------------


def compute_opinion_map(
    matrix: VoteMatrix,
    *,
    moderated_out: Iterable[int | str] = (),
    state: GroupCountState | None = None,
    previous_in_conv: Iterable[int | str] = (),
    seed: int = 0,
    base_k: int = 100,
    max_k: int = 5,
    k_buffer: int = 4,
    force_k: int | None = None,
    restarts: int = 10,
) -> OpinionMap:
    """Run the Pol.is pipeline on a vote matrix.

    ``moderated_out``: rejected statement ids (zeroed for the geometry, left out of the
    representative and consensus lists). ``state``: the group-count smoother's state from
    the previous update (the returned map carries the new one). ``previous_in_conv``:
    participant ids already in the conversation. ``force_k`` skips the silhouette choice.
    ``restarts``: how many seeded two-level clusterings to run (their silhouettes are
    averaged to choose k; their groupings are candidates for the tightest one).
    """
    raw = np.asarray(matrix.values, dtype=float)
    n_rows, n_cols = raw.shape
    if n_rows == 0 or n_cols == 0:
        raise OpinionMapError("the vote matrix is empty: no participants or no statements")
    finite = raw[~np.isnan(raw)]
    if finite.size and not np.isin(finite, (-1.0, 0.0, 1.0)).all():
        raise OpinionMapError("votes must be 1, -1, 0 or missing")
    excluded = set(moderated_out)
    rating = raw.copy()
    for j, tid in enumerate(matrix.statement_ids):
        if tid in excluded:
            rating[:, j] = 0.0
    previous = set(previous_in_conv)
    prev_mask = np.array([pid in previous for pid in matrix.participant_ids], dtype=bool)
    in_conv = in_conversation(raw, prev_mask if previous else None)

    center, comps = votes_pca(rating, 2, seed)
    projection = sparsity_aware_projection(rating, center, comps)

    members = np.flatnonzero(in_conv)
    points = projection[members]
    state = state or GroupCountState()
    runs = [
        two_level_clustering(points, base_k, max_k, seed + restart)
        for restart in range(max(1, restarts))
    ]
    scores = mean_silhouettes(runs)
    if not scores:  # fewer than two distinct positions: one group
        k, new_state = 1, state
        chosen = runs[0]
        members_group = np.zeros(len(points), dtype=np.intp)
    else:
        best_k = choose_group_count(scores)
        new_state = smooth_group_count(state, best_k, k_buffer)
        k = force_k if force_k is not None else (new_state.smoothed_k or best_k)
        if k not in scores:
            k = best_k
        chosen = min(runs, key=lambda run: within_group_spread(points, run.participant_groups(k)))
        members_group = tightest_grouping(points, [run.participant_groups(k) for run in runs], k)

    base_of = np.full(n_rows, -1, dtype=np.intp)
    base_of[members] = chosen.base_labels
    group_of = np.full(n_rows, -1, dtype=np.intp)
    group_of[members] = members_group

    rep = representative_statements(rating, group_of, matrix.statement_ids, excluded)
    cons_a, cons_d = consensus_statements(rating, matrix.statement_ids, excluded)
    gic_a, gic_d = group_informed_consensus(raw, group_of)
    return OpinionMap(
        participant_ids=matrix.participant_ids,
        statement_ids=matrix.statement_ids,
        projection=projection,
        in_conv=in_conv,
        base_of=base_of,
        base_centers=chosen.base_centres,
        group_of=group_of,
        group_count=k,
        silhouettes=scores,
        state=new_state,
        components=comps,
        center=center,
        repness=rep,
        consensus_agree=cons_a,
        consensus_disagree=cons_d,
        group_informed_consensus_agree=gic_a,
        group_informed_consensus_disagree=gic_d,
    )


def within_group_spread(points: NDArray[np.float64], labels: NDArray[np.intp]) -> float:
    """Sum of squared distances of points to their group's mean (k-means objective, in
    squared projection units); how tight a grouping is in the map."""
    total = 0.0
    for g in np.unique(labels):
        block = points[labels == g]
        total += float(((block - block.mean(axis=0)) ** 2).sum())
    return total


def best_kmeans_spread(
    points: NDArray[np.float64], k: int, seed: int = 0, n_init: int = 50
) -> float:
    """The lowest within-group spread k-means finds for ``k`` groups (many restarts)."""
    if k < 2 or len(points) <= k:
        return 0.0
    _, _, inertia = _weighted_kmeans(points, np.ones(len(points)), k, seed, n_init)
    return inertia


def spread_ratio(points: NDArray[np.float64], labels: NDArray[np.intp], seed: int = 0) -> float:
    """Reachability of a given grouping from the final votes: its within-group spread over
    the best k-means spread with the same number of groups (≥ 1; near 1 means some
    clustering of these votes reproduces it, far above 1 means none does)."""
    k = len(np.unique(labels))
    best = best_kmeans_spread(points, k, seed)
    if best <= 0.0:
        return math.inf if within_group_spread(points, labels) > 0 else 1.0
    return within_group_spread(points, labels) / best
