"""The hash-chain kernel, checked without a database."""

from __future__ import annotations

from cybercommons.core.kernel.hashchain import GENESIS, ChainEntry, entry_hash, verify_chain


def build(contents: list[dict]) -> list[ChainEntry]:
    entries, prev = [], GENESIS
    for seq, content in enumerate(contents, start=1):
        digest = entry_hash(prev, content)
        entries.append(ChainEntry(seq=seq, content=content, prev_hash=prev, hash=digest))
        prev = digest
    return entries


def test_an_intact_chain_has_no_problems() -> None:
    assert verify_chain(build([{"a": 1}, {"b": 2}, {"c": 3}])) == []


def test_the_hash_depends_on_the_previous_hash_and_on_key_order_not_at_all() -> None:
    assert entry_hash(GENESIS, {"a": 1, "b": 2}) == entry_hash(GENESIS, {"b": 2, "a": 1})
    assert entry_hash(GENESIS, {"a": 1}) != entry_hash("1" * 64, {"a": 1})


def test_it_detects_an_edited_entry() -> None:
    entries = build([{"a": 1}, {"b": 2}, {"c": 3}])
    edited = ChainEntry(seq=2, content={"b": 999}, prev_hash=entries[1].prev_hash,
                        hash=entries[1].hash)
    problems = verify_chain([entries[0], edited, entries[2]])
    assert [p.seq for p in problems] == [2]
    assert "edited" in problems[0].reason


def test_it_detects_a_deleted_entry_in_the_middle() -> None:
    entries = build([{"a": 1}, {"b": 2}, {"c": 3}])
    problems = verify_chain([entries[0], entries[2]])
    assert {p.seq for p in problems} == {3}
    reasons = " ".join(p.reason for p in problems)
    assert "missing" in reasons
    assert "broken" in reasons


def test_rehashing_an_edited_entry_still_breaks_the_next_link() -> None:
    entries = build([{"a": 1}, {"b": 2}, {"c": 3}])
    forged_hash = entry_hash(entries[1].prev_hash, {"b": 999})
    forged = ChainEntry(seq=2, content={"b": 999}, prev_hash=entries[1].prev_hash,
                        hash=forged_hash)
    problems = verify_chain([entries[0], forged, entries[2]])
    assert [p.seq for p in problems] == [3]
