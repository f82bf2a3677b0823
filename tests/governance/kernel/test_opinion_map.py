"""The Pol.is math on hand-checkable inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from cybercommons.governance.kernel.opinion_map import (
    GroupCountState,
    OpinionMapError,
    TwoLevelClustering,
    VoteMatrix,
    choose_group_count,
    compute_opinion_map,
    impute_column_means,
    in_conversation,
    mean_silhouettes,
    power_iteration_pca,
    prop_test,
    smooth_group_count,
    sparsity_aware_projection,
    spread_ratio,
    tightest_grouping,
    two_prop_test,
    votes_pca,
    within_group_spread,
)

NAN = math.nan


def two_camps(seed: int = 1, per_camp: int = 30) -> tuple[VoteMatrix, list[int]]:
    """Camp 0 agrees with statements 0-9 and disagrees with 10-19, camp 1 the reverse;
    everyone agrees with statement 20; a fifth of the votes are missing."""
    rng = np.random.default_rng(seed)
    rows = []
    camps = []
    for camp in (0, 1):
        for _ in range(per_camp):
            sign = 1.0 if camp == 0 else -1.0
            row = np.r_[np.full(10, sign), np.full(10, -sign), [1.0]]
            flip = rng.random(21) < 0.1
            row[flip & (np.arange(21) < 20)] *= -1
            row[rng.random(21) < 0.2] = NAN
            rows.append(row)
            camps.append(camp)
    values = np.vstack(rows)
    values[:, 20] = 1.0
    matrix = VoteMatrix(tuple(range(len(rows))), tuple(range(21)), values)
    return matrix, camps


def test_the_vote_matrix_keeps_the_last_vote_and_first_appearance_order() -> None:
    matrix = VoteMatrix.from_votes([("p2", "s1", 1), ("p1", "s2", -1), ("p2", "s1", 0)])
    assert matrix.participant_ids == ("p2", "p1")
    assert matrix.statement_ids == ("s1", "s2")
    assert matrix.values[0, 0] == 0.0
    assert math.isnan(matrix.values[1, 0])


def test_a_vote_outside_agree_disagree_pass_is_refused() -> None:
    with pytest.raises(OpinionMapError, match="must be 1, -1 or 0"):
        VoteMatrix.from_votes([("p", "s", 2)])


def test_an_empty_matrix_is_refused() -> None:
    with pytest.raises(OpinionMapError, match="empty"):
        compute_opinion_map(VoteMatrix((), (), np.zeros((0, 0))))


def test_participants_join_after_seven_votes_and_the_most_active_fill_up_to_fifteen() -> None:
    values = np.full((20, 10), NAN)
    for i in range(20):
        values[i, : i % 10] = 1.0  # participant i voted on i % 10 statements
    chosen = in_conversation(values)
    counts = (~np.isnan(values)).sum(axis=1)
    assert chosen[counts >= 7].all()
    assert chosen.sum() == 15
    assert chosen[counts >= 3].all()
    assert not chosen[counts <= 1].any()


def test_few_statements_lower_the_threshold_to_all_of_them() -> None:
    values = np.array([[1.0, -1.0], [1.0, NAN]] * 10)
    chosen = in_conversation(values)
    assert chosen[::2].all()
    assert chosen.sum() == 15


def test_missing_votes_are_replaced_by_the_statement_mean() -> None:
    values = np.array([[1.0, NAN], [NAN, NAN], [0.0, -1.0]])  # column 2: only a -1
    assert impute_column_means(values).tolist() == [[1.0, -1.0], [0.5, -1.0], [0.0, -1.0]]


def test_power_iteration_finds_the_principal_axes() -> None:
    rng = np.random.default_rng(3)
    data = rng.normal(size=(50, 6)) * np.array([5.0, 3.0, 1.0, 0.5, 0.2, 0.1])
    center, comps = power_iteration_pca(data, 2, seed=0)
    _, _, vt = np.linalg.svd(data - data.mean(axis=0), full_matrices=False)
    assert np.allclose(center, data.mean(axis=0))
    assert np.allclose(np.abs(comps @ vt[:2].T), np.eye(2), atol=1e-6)


def test_a_sparse_voter_is_scaled_out_by_the_share_of_votes_cast() -> None:
    comps = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    center = np.zeros(4)
    full = np.array([[1.0, 1.0, 0.0, 0.0]])
    half = np.array([[1.0, 1.0, NAN, NAN]])
    assert sparsity_aware_projection(full, center, comps).tolist() == [[1.0, 1.0]]
    assert np.allclose(sparsity_aware_projection(half, center, comps), [[2**0.5, 2**0.5]])


def test_the_group_count_changes_only_after_winning_several_updates_in_a_row() -> None:
    state = smooth_group_count(GroupCountState(), 2, k_buffer=3)
    assert state.smoothed_k == 2
    shown = []
    for best in (3, 3, 2, 3, 3, 3):
        state = smooth_group_count(state, best, k_buffer=3)
        shown.append(state.smoothed_k)
    assert shown == [2, 2, 2, 2, 2, 3]
    assert GroupCountState.from_dict(state.as_dict()) == state


def test_silhouettes_are_averaged_over_the_runs_for_the_counts_every_run_tried() -> None:
    def run(scores: dict[int, float]) -> TwoLevelClustering:
        return TwoLevelClustering(np.zeros(1, np.intp), np.zeros((1, 2)), {}, scores)

    means = mean_silhouettes([run({2: 0.30, 3: 0.40}), run({2: 0.50, 3: 0.20, 4: 0.9})])
    assert means == pytest.approx({2: 0.40, 3: 0.30})


def test_a_larger_group_count_must_beat_a_smaller_one_by_more_than_a_tie() -> None:
    # football-concussions-like: 2, 3 and 5 groups score within a hundredth of each other
    assert choose_group_count({2: 0.308, 3: 0.307, 4: 0.252, 5: 0.312}) == 2
    # a clear lead wins
    assert choose_group_count({2: 0.384, 3: 0.425, 4: 0.336}) == 3
    assert choose_group_count({2: 0.30, 3: 0.35}, tie=0.06) == 2


def test_the_tightest_grouping_refines_a_two_level_one_on_the_participants() -> None:
    points = np.array([[0.0, 0], [1, 0], [2, 0], [10, 0], [11, 0], [12, 0], [13, 0]])
    # a two-level run put participant 3 (x = 10) with the left group: spread 64.75
    loose = np.array([0, 0, 0, 0, 1, 1, 1])
    assert within_group_spread(points, loose) == pytest.approx(62.75 + 2)
    best = tightest_grouping(points, [loose], 2)
    # k-means on the participants moves it right: spread 2 + 5 = 7; larger group first
    assert best.tolist() == [1, 1, 1, 0, 0, 0, 0]
    assert within_group_spread(points, best) == pytest.approx(7.0)


def test_the_tightest_grouping_keeps_the_smallest_spread_among_candidates() -> None:
    points = np.array([[0.0, 0], [0, 1], [5, 0], [5, 1]])
    across = np.array([0, 1, 0, 1])  # spread 4 × 6.25 = 25
    apart = np.array([0, 0, 1, 1])  # spread 4 × 0.25 = 1
    assert within_group_spread(points, across) == pytest.approx(25.0)
    assert tightest_grouping(points, [across, apart], 2).tolist() == [0, 0, 1, 1]


def test_proportion_tests_match_hand_computation() -> None:
    assert prop_test(np.array([3.0]), np.array([5.0]))[0] == pytest.approx(
        2 * math.sqrt(6) * (4 / 6 - 0.5)
    )
    # succ 9/10 in the group vs 1/10 outside, each count +1
    p1, p2, pooled = 10 / 11, 2 / 11, 12 / 22
    expected = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (2 / 11))
    z = two_prop_test(np.array([9.0]), np.array([1.0]), np.array([10.0]), np.array([10.0]))
    assert z[0] == pytest.approx(expected)
    assert two_prop_test(np.array([4.0]), np.array([4.0]), np.array([4.0]), np.array([4.0]))[0] == 0


def test_two_camps_become_two_groups() -> None:
    matrix, camps = two_camps()
    result = compute_opinion_map(matrix, seed=7)
    assert result.group_count == 2
    assert adjusted_rand_score(camps, result.group_of) == 1.0
    assert result.in_conv.all()


def test_each_group_is_represented_by_the_statements_it_agrees_with_more_than_the_rest() -> None:
    matrix, camps = two_camps()
    result = compute_opinion_map(matrix, seed=7)
    camp0_group = int(result.group_of[camps.index(0)])
    rep = result.repness[camp0_group]
    assert rep
    assert 1 <= len(rep) <= 5
    for statement in rep:
        number = int(statement.statement_id)
        if statement.repful_for == "agree":
            assert number < 10
        else:
            assert 10 <= number < 20
        assert statement.repness > 1.0


def test_the_statement_every_group_agrees_with_has_the_highest_group_informed_consensus() -> None:
    matrix, _ = two_camps()
    result = compute_opinion_map(matrix, seed=7)
    assert int(np.argmax(result.group_informed_consensus_agree)) == 20
    assert result.consensus_agree[0].statement_id == 20


def test_a_rejected_statement_is_never_representative_or_consensus() -> None:
    matrix, _ = two_camps()
    result = compute_opinion_map(matrix, seed=7, moderated_out={20, 0})
    listed = {r.statement_id for reps in result.repness.values() for r in reps}
    listed |= {c.statement_id for c in result.consensus_agree}
    assert not listed & {0, 20}


def test_the_same_seed_gives_the_same_map() -> None:
    matrix, _ = two_camps(per_camp=80)
    first = compute_opinion_map(matrix, seed=3)
    second = compute_opinion_map(matrix, seed=3)
    assert np.array_equal(first.group_of, second.group_of)
    assert np.array_equal(first.projection, second.projection)


def test_the_smoother_state_holds_the_shown_group_count_between_updates() -> None:
    matrix, _ = two_camps()
    held = GroupCountState(last_k=4, last_k_count=1, smoothed_k=4)
    result = compute_opinion_map(matrix, seed=7, state=held, k_buffer=3)
    assert result.state == GroupCountState(last_k=2, last_k_count=1, smoothed_k=4)
    assert result.group_count == 4
    again = compute_opinion_map(matrix, seed=7, state=result.state, k_buffer=2)
    assert again.group_count == 2


def test_the_spread_ratio_tells_a_best_grouping_from_a_scrambled_one() -> None:
    rng = np.random.default_rng(0)
    points = np.r_[rng.normal(0, 1, (50, 2)), rng.normal(8, 1, (50, 2))]
    good = np.r_[np.zeros(50, int), np.ones(50, int)]
    assert spread_ratio(points, good) == pytest.approx(1.0, abs=0.01)
    assert spread_ratio(points, rng.permutation(good)) > 5


def test_the_sparse_vote_pca_equals_pca_of_the_imputed_matrix() -> None:
    matrix, _ = two_camps(per_camp=40)
    center, comps = votes_pca(matrix.values, 2, seed=0)
    dense_center, dense_comps = power_iteration_pca(impute_column_means(matrix.values), 2, 0)
    assert np.allclose(center, dense_center)
    assert np.allclose(comps, dense_comps, atol=1e-6)


def test_participants_in_the_conversation_stay_in_at_the_next_update() -> None:
    matrix, _ = two_camps()
    first = compute_opinion_map(matrix, seed=7)
    sparse_votes = matrix.values.copy()
    sparse_votes[0, 1:] = NAN  # participant 0 now has a single vote
    later = VoteMatrix(matrix.participant_ids, matrix.statement_ids, sparse_votes)
    assert not compute_opinion_map(later, seed=7).in_conv[0]
    kept = compute_opinion_map(later, seed=7, previous_in_conv=first.in_conv_ids())
    assert kept.in_conv[0]
