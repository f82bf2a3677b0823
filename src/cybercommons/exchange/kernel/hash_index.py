"""Find the listed PDQ hashes within a Hamming distance of a query, fast at millions of hashes.

Why an index: a brute-force scan XORs the query with every listed hash; at a million hashes
that is 32 MB of memory traffic per query (about 10 ms on one core). Moderators' lists grow
to millions of hashes and every uploaded or federated image is checked, often in eight
orientations, so we use multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in
Hamming space with multi-index hashing", CVPR 2012).

The scheme, and why it finds every match
-----------------------------------------
A 256-bit hash is cut into m = 16 disjoint words of 16 bits (word i = bits 16i..16i+15,
i.e. hex digits 4i..4i+3). For two hashes a and b, the Hamming distance is the sum of the
distances of their words:  d(a, b) = d_0 + d_1 + ... + d_15.

Claim: if d(a, b) <= t, then at least one word has d_i <= r, where r = floor(t / 16).
Proof (pigeonhole): suppose every word had d_i >= r + 1. Then d(a, b) >= 16 (r + 1) > t,
because r + 1 > t / 16 by the definition of the floor. This contradicts d(a, b) <= t.

So, with one table per word position that maps each 16-bit value to the entries having it
there, every entry within t of the query appears in at least one of the 16 tables under a
key within Hamming distance r of the query's word. We look up, in each table, every key
within radius r of the query's word, take the union of those entries as candidates, and
compute the exact 256-bit distance of each candidate, keeping those <= t. Nothing within t
is missed (the claim), and nothing beyond t is returned (the exact check).

For the default t = 31: r = 1, so each table is probed with the query's word and its 16
one-bit neighbours: 16 x 17 = 272 lookups. With N uniformly spread hashes a 16-bit bucket
holds N / 65,536 entries, so about 272 N / 65,536 = 0.4 % of the list is checked exactly
(about 4,200 candidates at a million). The alternative cut of 32 words of 8 bits searched
exactly (also valid, as 32 > 31) would examine 32 N / 256 = 12.5 % of the list, thirty
times more. Thresholds up to 63 use radius 2 or 3 (137 or 697 keys per table); larger
thresholds fall back to the exact scan, which is then as fast as anything.

Mutation: the tables are built in bulk. Entries added afterwards go to a small pending
segment that is scanned exactly and merged into the tables when it grows past an eighth of
the indexed entries; removed entries are masked out and dropped at the next rebuild. Reads
may run concurrently with each other; callers serialise writes with reads (a lock, or a
new index swapped in).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

HASH_BYTES = 32
WORDS = 16
WORD_BITS = 16
#: PDQ's customary match threshold (bits out of 256).
DEFAULT_THRESHOLD = 31
#: Largest per-word probe radius used; larger thresholds scan every hash exactly.
MAX_PROBE_RADIUS = 3
#: Below this size a scan is as fast as the tables and needs no build.
MIN_INDEXED = 2048

if hasattr(np, "bitwise_count"):

    def _popcount_rows(words: NDArray[np.uint64]) -> NDArray[np.int64]:
        """Set bits per row of an (n, 4) uint64 array."""
        return np.bitwise_count(words).sum(axis=1, dtype=np.int64)

else:  # NumPy < 2.0: count bits of each byte through a 256-entry table
    _BYTE_COUNTS = np.array([bin(value).count("1") for value in range(256)], dtype=np.uint8)

    def _popcount_rows(words: NDArray[np.uint64]) -> NDArray[np.int64]:
        """Set bits per row of an (n, 4) uint64 array."""
        as_bytes = np.ascontiguousarray(words).view(np.uint8)
        return _BYTE_COUNTS[as_bytes].sum(axis=1, dtype=np.int64)


def _probe_masks(radius: int) -> NDArray[np.int64]:
    """All 16-bit masks with at most `radius` bits set (the keys within radius of 0)."""
    masks = [0]
    for flipped in range(1, radius + 1):
        for bits in itertools.combinations(range(WORD_BITS), flipped):
            masks.append(sum(1 << bit for bit in bits))
    return np.array(masks, dtype=np.int64)


_PROBE_MASKS = {radius: _probe_masks(radius) for radius in range(MAX_PROBE_RADIUS + 1)}
_TABLE_SIZE = 1 << WORD_BITS
_HEX64_RE = re.compile(r"[0-9a-fA-F]{64}")


class Match(NamedTuple):
    """A listed entry within the threshold: its id and its distance in bits (0-256)."""

    entry_id: int
    distance: int


class HashIndexError(ValueError):
    """Bad input to the index (malformed hash, duplicate or unknown id); says which."""


def hashes_to_bytes(hashes: Sequence[str]) -> NDArray[np.uint8]:
    """Parse 64-hex-digit hashes into an (n, 32) uint8 array, first bit most significant."""
    for value in hashes:
        if not _HEX64_RE.fullmatch(value):
            raise HashIndexError(f"a PDQ hash is 64 hexadecimal digits, got {value!r:.80}")
    raw = b"".join(bytes.fromhex(value) for value in hashes)
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(hashes), HASH_BYTES).copy()


def _as_words(hash_bytes: NDArray[np.uint8]) -> NDArray[np.uint64]:
    """View (n, 32) bytes as (n, 4) uint64 for XOR and popcount (byte order irrelevant)."""
    return np.ascontiguousarray(hash_bytes, dtype=np.uint8).view(np.uint64).reshape(-1, 4)


def _word_keys(hash_bytes: NDArray[np.uint8]) -> NDArray[np.uint16]:
    """The sixteen 16-bit words of each hash, (n, 16), word i = hex digits 4i..4i+3."""
    high = hash_bytes[:, 0::2].astype(np.uint16)
    low = hash_bytes[:, 1::2].astype(np.uint16)
    return np.asarray((high << np.uint16(8)) | low, dtype=np.uint16)


class PdqIndex:
    """A set of (entry id, PDQ hash) pairs searchable by Hamming distance.

    Entry ids are integers (the primary keys of hash-list entries) and are unique within an
    index. The default threshold is 31 bits; each query may ask for another.
    """

    def __init__(
        self, *, threshold: int = DEFAULT_THRESHOLD, min_indexed: int = MIN_INDEXED
    ) -> None:
        """An empty index whose queries use `threshold` bits unless told otherwise.

        `min_indexed` is the size from which the word tables are built (below it a scan is
        as fast); it exists so that small lists can exercise the tables too.
        """
        self.threshold = _check_threshold(threshold)
        self.min_indexed = max(1, int(min_indexed))
        self._set_indexed(np.empty(0, dtype=np.int64), np.empty((0, HASH_BYTES), np.uint8))
        self._pending: dict[int, NDArray[np.uint8]] = {}
        self._pending_cache: tuple[NDArray[np.int64], NDArray[np.uint64]] | None = None

    # ---- building -------------------------------------------------------------------

    @classmethod
    def from_arrays(
        cls,
        entry_ids: Sequence[int] | NDArray[np.integer],
        hash_bytes: NDArray[np.uint8],
        *,
        threshold: int = DEFAULT_THRESHOLD,
        min_indexed: int = MIN_INDEXED,
    ) -> PdqIndex:
        """Bulk load: ids (n,) and hashes as an (n, 32) uint8 array; builds the tables once.

        This is the fast path for loading a whole list from storage (about a second per
        million hashes).
        """
        index = cls(threshold=threshold, min_indexed=min_indexed)
        ids = np.asarray(entry_ids, dtype=np.int64).reshape(-1)
        hashes = np.ascontiguousarray(hash_bytes, dtype=np.uint8)
        if hashes.ndim != 2 or hashes.shape[1] != HASH_BYTES or hashes.shape[0] != ids.size:
            raise HashIndexError(
                f"expected {ids.size} hashes of {HASH_BYTES} bytes, got shape {hashes.shape}"
            )
        unique, counts = np.unique(ids, return_counts=True)
        if unique.size != ids.size:
            raise HashIndexError(f"duplicate entry id {int(unique[counts > 1][0])}")
        index._set_indexed(ids.copy(), hashes.copy())
        return index

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[int, str]],
        *,
        threshold: int = DEFAULT_THRESHOLD,
        min_indexed: int = MIN_INDEXED,
    ) -> PdqIndex:
        """Bulk load from (entry id, 64-hex hash) pairs."""
        pairs = list(entries)
        ids = [entry_id for entry_id, _ in pairs]
        hashes = hashes_to_bytes([value.strip() for _, value in pairs])
        return cls.from_arrays(ids, hashes, threshold=threshold, min_indexed=min_indexed)

    def _set_indexed(self, ids: NDArray[np.int64], hashes: NDArray[np.uint8]) -> None:
        """Make (ids, hashes) the indexed segment and build its sixteen word tables."""
        count = ids.size
        self._ids = ids
        self._hashes = hashes
        self._words = _as_words(hashes)
        self._alive = np.ones(count, dtype=bool)
        self._dead = 0
        order = np.argsort(ids, kind="stable")
        self._sorted_ids = ids[order]
        self._sorted_rows = order
        self._tables_built = count >= self.min_indexed
        if not self._tables_built:
            return
        keys = _word_keys(hashes)
        row_type = np.int32 if count < 2**31 else np.int64
        postings = np.empty(WORDS * count, dtype=row_type)
        offsets = np.empty((WORDS, _TABLE_SIZE + 1), dtype=np.int64)
        for word in range(WORDS):
            column = keys[:, word]
            postings[word * count : (word + 1) * count] = np.argsort(column, kind="stable")
            offsets[word, 0] = word * count
            counts = np.bincount(column, minlength=_TABLE_SIZE)
            offsets[word, 1:] = np.cumsum(counts) + word * count
        self._postings = postings
        # flat[w * (65536 + 1) + key] is where word w's bucket `key` starts in postings
        self._offsets = offsets.reshape(-1)

    def compact(self) -> None:
        """Merge pending additions and drop removed entries, rebuilding the tables."""
        pending_ids, pending_words = self._pending_arrays()
        ids = np.concatenate([self._ids[self._alive], pending_ids])
        pending_bytes = pending_words.view(np.uint8).reshape(-1, HASH_BYTES)
        hashes = np.concatenate([self._hashes[self._alive], pending_bytes])
        self._pending.clear()
        self._pending_cache = None
        self._set_indexed(ids, hashes)

    # ---- mutation ---------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of live entries."""
        return int(self._ids.size - self._dead + len(self._pending))

    def __contains__(self, entry_id: object) -> bool:
        """Whether an entry with this id is in the index."""
        return isinstance(entry_id, int | np.integer) and (
            int(entry_id) in self._pending or self._indexed_row(int(entry_id)) is not None
        )

    def _indexed_row(self, entry_id: int) -> int | None:
        position = int(np.searchsorted(self._sorted_ids, entry_id))
        if position < self._sorted_ids.size and self._sorted_ids[position] == entry_id:
            row = int(self._sorted_rows[position])
            if self._alive[row]:
                return row
        return None

    def add(self, entry_id: int, hash_hex: str) -> None:
        """Add one entry; raises HashIndexError if the id is present or the hash malformed."""
        if entry_id in self:
            raise HashIndexError(f"entry id {entry_id} is already in the index")
        self._pending[int(entry_id)] = hashes_to_bytes([hash_hex.strip()])[0]
        self._pending_cache = None
        if len(self._pending) > max(self.min_indexed, self._ids.size // 8):
            self.compact()

    def add_many(self, entries: Iterable[tuple[int, str]]) -> None:
        """Add several (entry id, hex hash) pairs, then rebuild once."""
        for entry_id, hash_hex in entries:
            if entry_id in self:
                raise HashIndexError(f"entry id {entry_id} is already in the index")
            self._pending[int(entry_id)] = hashes_to_bytes([hash_hex.strip()])[0]
        self._pending_cache = None
        if len(self._pending) > self.min_indexed:
            self.compact()

    def remove(self, entry_id: int) -> None:
        """Remove an entry; raises HashIndexError if no entry has this id."""
        if self._pending.pop(int(entry_id), None) is not None:
            self._pending_cache = None
            return
        row = self._indexed_row(int(entry_id))
        if row is None:
            raise HashIndexError(f"entry id {entry_id} is not in the index")
        self._alive[row] = False
        self._dead += 1
        if self._dead > max(self.min_indexed, self._ids.size // 4):
            self.compact()

    # ---- queries ----------------------------------------------------------------------

    def query(self, hash_hex: str, threshold: int | None = None) -> list[Match]:
        """Entries within `threshold` bits (default: the index's) of the hex hash.

        Returns (entry id, distance) pairs, nearest first, ties by id.
        """
        return self.query_bytes(hashes_to_bytes([hash_hex.strip()])[0], threshold)

    def query_any(self, hash_hexes: Iterable[str], threshold: int | None = None) -> list[Match]:
        """Entries within `threshold` bits of any of several hashes, each entry once with its
        smallest distance, nearest first.

        Why: an upload is checked in its eight rotations and mirror images (see
        `pdq.hash_dihedral_variants`); a listed image matches if any variant does.
        """
        best: dict[int, int] = {}
        for hash_hex in hash_hexes:
            for entry_id, distance in self.query(hash_hex, threshold):
                if distance < best.get(entry_id, distance + 1):
                    best[entry_id] = distance
        return [
            Match(entry_id, distance)
            for entry_id, distance in sorted(best.items(), key=lambda pair: (pair[1], pair[0]))
        ]

    def query_bytes(self, query: NDArray[np.uint8], threshold: int | None = None) -> list[Match]:
        """As `query`, for a hash given as 32 bytes (uint8 array)."""
        limit = self.threshold if threshold is None else _check_threshold(threshold)
        query_bytes = np.ascontiguousarray(query, dtype=np.uint8).reshape(1, HASH_BYTES)
        query_words = _as_words(query_bytes)[0]

        found_ids, found_distances = self._query_indexed(query_bytes, query_words, limit)
        pending_ids, pending_words = self._pending_arrays()
        if pending_ids.size:
            distances = _popcount_rows(pending_words ^ query_words)
            near = distances <= limit
            found_ids = np.concatenate([found_ids, pending_ids[near]])
            found_distances = np.concatenate([found_distances, distances[near]])
        order = np.lexsort((found_ids, found_distances))
        return [Match(int(found_ids[i]), int(found_distances[i])) for i in order]

    def _query_indexed(
        self, query_bytes: NDArray[np.uint8], query_words: NDArray[np.uint64], limit: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        radius = limit // WORDS
        if not self._tables_built or radius > MAX_PROBE_RADIUS:
            distances = _popcount_rows(self._words ^ query_words)
            rows = np.flatnonzero((distances <= limit) & self._alive)
            return self._ids[rows], distances[rows]

        keys = _word_keys(query_bytes)[0].astype(np.int64)
        probes = keys[:, None] ^ _PROBE_MASKS[radius][None, :]
        probes += (np.arange(WORDS, dtype=np.int64) * (_TABLE_SIZE + 1))[:, None]
        probes = probes.reshape(-1)
        starts = self._offsets[probes]
        lengths = self._offsets[probes + 1] - starts
        nonempty = lengths > 0
        starts, lengths = starts[nonempty], lengths[nonempty]
        if starts.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        # positions of all candidates: concatenated ranges [start, start + length)
        step = np.ones(int(lengths.sum()), dtype=np.int64)
        step[0] = starts[0]
        ends = np.cumsum(lengths)[:-1]
        step[ends] = starts[1:] - (starts[:-1] + lengths[:-1]) + 1
        candidates = self._postings[np.cumsum(step)]

        distances = _popcount_rows(self._words[candidates] ^ query_words)
        keep = distances <= limit
        near, distances = candidates[keep], distances[keep]
        # a hash close in several words is found once per word: keep one copy
        unique_rows, first = np.unique(near, return_index=True)
        distances = distances[first]
        alive = self._alive[unique_rows]
        return self._ids[unique_rows[alive]], distances[alive]

    def _pending_arrays(self) -> tuple[NDArray[np.int64], NDArray[np.uint64]]:
        if self._pending_cache is None:
            ids = np.fromiter(self._pending.keys(), dtype=np.int64, count=len(self._pending))
            if self._pending:
                stacked = np.stack(list(self._pending.values()))
            else:
                stacked = np.empty((0, HASH_BYTES), dtype=np.uint8)
            self._pending_cache = (ids, _as_words(stacked))
        return self._pending_cache


def brute_force_matches(
    entry_ids: NDArray[np.integer],
    hash_bytes: NDArray[np.uint8],
    query: NDArray[np.uint8],
    threshold: int = DEFAULT_THRESHOLD,
) -> list[Match]:
    """The exact scan: XOR the query with every hash and count bits.

    Kept as the reference the index is tested and benchmarked against.
    """
    words = _as_words(np.ascontiguousarray(hash_bytes, dtype=np.uint8))
    query_words = _as_words(np.ascontiguousarray(query, dtype=np.uint8).reshape(1, -1))[0]
    distances = _popcount_rows(words ^ query_words)
    rows = np.flatnonzero(distances <= threshold)
    ids = np.asarray(entry_ids, dtype=np.int64)
    order = np.lexsort((ids[rows], distances[rows]))
    return [Match(int(ids[rows[i]]), int(distances[rows[i]])) for i in order]


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise HashIndexError(f"the threshold is a whole number of bits, got {threshold!r}")
    if not 0 <= threshold <= 8 * HASH_BYTES:
        raise HashIndexError(f"the threshold is between 0 and 256 bits, got {threshold}")
    return int(threshold)
