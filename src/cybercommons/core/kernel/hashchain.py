"""A hash chain over audit entries.

Each entry's hash covers its own canonical content and the previous entry's hash, so an
edited entry changes its own hash (detected when recomputed) and a deleted entry breaks the
link from its successor (detected as a wrong ``prev_hash`` or a gap in sequence numbers).
The functions take and return plain data so they can be checked without a database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(content: Mapping[str, Any]) -> str:
    """The one serialisation hashed for an entry: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous hash joined to the entry's canonical content."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(content).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainEntry:
    """One stored entry as the verifier sees it."""

    seq: int
    content: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainProblem:
    """Where the chain breaks, and why."""

    seq: int
    reason: str


def verify_chain(entries: Iterable[ChainEntry], start_hash: str = GENESIS,
                 start_seq: int = 1) -> list[ChainProblem]:
    """Check entries in sequence order; return every break found (empty list: intact).

    ``start_hash`` and ``start_seq`` let a verifier resume from a trusted checkpoint.
    """
    problems: list[ChainProblem] = []
    expected_prev = start_hash
    expected_seq = start_seq
    for entry in entries:
        if entry.seq != expected_seq:
            problems.append(ChainProblem(
                entry.seq, f"sequence jumps from {expected_seq - 1} to {entry.seq}: "
                           "entries are missing"))
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.seq, "link to the previous entry is broken"))
        if entry_hash(entry.prev_hash, entry.content) != entry.hash:
            problems.append(ChainProblem(entry.seq, "content does not match its hash: edited"))
        expected_prev = entry.hash
        expected_seq = entry.seq + 1
    return problems
