"""The PDQ matching index returns exactly what a brute-force scan returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybercommons.exchange.kernel.hash_index import (
    HashIndexError,
    Match,
    PdqIndex,
    brute_force_matches,
    hashes_to_bytes,
)
from cybercommons.exchange.kernel.hash_list import read_hash_list


def _flip_bits(hash_bytes: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    bits = np.unpackbits(hash_bytes)
    bits[rng.choice(256, size=count, replace=False)] ^= 1
    return np.packbits(bits)


def _haystack(seed: int, size: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    """Random hashes, with near-duplicates of each query at 0-48 bits planted among them."""
    rng = np.random.default_rng(seed)
    hashes = rng.integers(0, 256, size=(size, 32), dtype=np.uint8)
    query_hashes = rng.integers(0, 256, size=(queries, 32), dtype=np.uint8)
    for q in range(queries):
        for distance in (0, 5, 15, 16, 17, 30, 31, 32, 33, 47, 48):
            row = int(rng.integers(0, size))
            hashes[row] = _flip_bits(query_hashes[q], distance, rng)
    return hashes, query_hashes


def test_it_finds_a_hash_at_exactly_the_threshold_and_not_one_bit_beyond() -> None:
    base = "0" * 64
    at_31 = "f" * 7 + "e" + "0" * 56  # 31 bits set
    at_32 = "f" * 8 + "0" * 56
    index = PdqIndex.build([(1, at_31), (2, at_32), (3, base)], min_indexed=1)
    assert index.query(base) == [Match(3, 0), Match(1, 31)]
    assert index.query(base, threshold=32) == [Match(3, 0), Match(1, 31), Match(2, 32)]
    assert index.query(base, threshold=0) == [Match(3, 0)]


def test_it_finds_a_match_whose_bits_differ_in_every_word() -> None:
    # 31 bits spread so that no 16-bit word is equal: the case the radius-1 probe covers
    query = np.zeros(32, dtype=np.uint8)
    near = query.copy()
    for word in range(16):
        near[2 * word] = 0b1000_0000
    for word in range(15):
        near[2 * word + 1] = 0b0000_0001
    ids = np.array([10])
    index = PdqIndex.from_arrays(ids, near.reshape(1, 32), min_indexed=1)
    assert index.query_bytes(query) == [Match(10, 31)]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    threshold=st.integers(0, 90),
    size=st.integers(1, 3000),
)
def test_it_agrees_with_brute_force_on_random_lists(seed: int, threshold: int, size: int) -> None:
    hashes, queries = _haystack(seed, size, 3)
    ids = np.arange(size, dtype=np.int64) * 7 + 3
    index = PdqIndex.from_arrays(ids, hashes, threshold=threshold, min_indexed=1)
    for query in queries:
        expected = brute_force_matches(ids, hashes, query, threshold)
        assert index.query_bytes(query) == expected


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    operations=st.lists(st.tuples(st.booleans(), st.integers(0, 199)), max_size=120),
)
def test_it_stays_exact_through_additions_and_removals(
    seed: int, operations: list[tuple[bool, int]]
) -> None:
    hashes, queries = _haystack(seed, 200, 2)
    hexes = [row.tobytes().hex() for row in hashes]
    index = PdqIndex.build([(i, hexes[i]) for i in range(100)], min_indexed=16)
    present = set(range(100))
    for is_add, entry_id in operations:
        if is_add and entry_id not in present:
            index.add(entry_id, hexes[entry_id])
            present.add(entry_id)
        elif not is_add and entry_id in present:
            index.remove(entry_id)
            present.discard(entry_id)
    assert len(index) == len(present)
    live = np.array(sorted(present), dtype=np.int64)
    for query in queries:
        expected = brute_force_matches(live, hashes[live], query, 31)
        assert index.query_bytes(query) == expected


def test_it_refuses_a_duplicate_id() -> None:
    index = PdqIndex.build([(1, "0" * 64)])
    with pytest.raises(HashIndexError, match="already in the index"):
        index.add(1, "f" * 64)
    with pytest.raises(HashIndexError, match="duplicate entry id 5"):
        PdqIndex.build([(5, "0" * 64), (5, "1" * 64)])


def test_it_refuses_to_remove_an_unknown_id() -> None:
    index = PdqIndex.build([(1, "0" * 64)])
    index.remove(1)
    with pytest.raises(HashIndexError, match="not in the index"):
        index.remove(1)
    assert index.query("0" * 64) == []


@pytest.mark.parametrize("bad", ["0" * 63, "z" * 64, ""])
def test_it_refuses_a_malformed_query(bad: str) -> None:
    with pytest.raises(HashIndexError):
        PdqIndex.build([(1, "0" * 64)]).query(bad)


@pytest.mark.parametrize("threshold", [-1, 257, 3.5, True])
def test_it_refuses_a_threshold_outside_0_to_256_bits(threshold: object) -> None:
    with pytest.raises(HashIndexError, match="threshold"):
        PdqIndex(threshold=threshold)  # type: ignore[arg-type]


def test_it_merges_pending_additions_into_the_tables() -> None:
    hashes, queries = _haystack(3, 400, 1)
    hexes = [row.tobytes().hex() for row in hashes]
    index = PdqIndex(min_indexed=16)
    index.add_many((i, hexes[i]) for i in range(400))
    index.compact()
    ids = np.arange(400)
    assert index.query_bytes(queries[0]) == brute_force_matches(ids, hashes, queries[0])


@pytest.mark.realdata
def test_it_matches_the_threatexchange_needles_like_a_scan(shared_data: Path) -> None:
    folder = shared_data / "pdq" / "reg-test-input"
    with (folder / "needles.txt").open() as handle:
        needles, needle_errors = read_hash_list(handle)
    with (folder / "haystack.txt").open() as handle:
        haystack, haystack_errors = read_hash_list(handle)
    assert not needle_errors
    assert not haystack_errors
    hay_bytes = hashes_to_bytes([entry.hash_hex for entry in haystack])
    ids = np.array([entry.line for entry in haystack])
    index = PdqIndex.from_arrays(ids, hay_bytes, min_indexed=1)
    matched = 0
    for needle in needles:
        query = hashes_to_bytes([needle.hash_hex])[0]
        found = index.query(needle.hash_hex)
        assert found == brute_force_matches(ids, hay_bytes, query, 31)
        matched += bool(found)
    # every needle was planted in the haystack with near variants
    assert matched == len(needles)


def test_it_reports_each_entry_once_at_its_nearest_variant() -> None:
    hashes, queries = _haystack(11, 500, 3)
    ids = np.arange(500)
    index = PdqIndex.from_arrays(ids, hashes, min_indexed=1)
    best: dict[int, int] = {}
    for query in queries:
        for entry_id, distance in brute_force_matches(ids, hashes, query):
            best[entry_id] = min(distance, best.get(entry_id, 256))
    expected = sorted((Match(i, d) for i, d in best.items()), key=lambda m: (m.distance, m[0]))
    found = index.query_any(query.tobytes().hex() for query in queries)
    assert found == expected
    assert len(found) == len({match.entry_id for match in found})
    # the same query twice changes nothing
    twice = [queries[0].tobytes().hex()] * 2
    assert index.query_any(twice) == index.query_bytes(queries[0])


def test_it_refuses_a_hash_with_spaces_inside() -> None:
    with pytest.raises(HashIndexError, match="64 hexadecimal digits"):
        hashes_to_bytes(["ab" * 16 + " " + "ab" * 16])  # bytes.fromhex would accept it
