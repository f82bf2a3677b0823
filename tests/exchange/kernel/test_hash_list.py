"""Hash-list parsing: plain and CSV lists, with bad entries reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercommons.exchange.kernel.hash_list import (
    HashEntry,
    HashListError,
    SkipReason,
    iter_hash_list,
    read_hash_list,
)

H1 = "ab" * 32
H2 = "0123456789abcdef" * 4


def test_it_reads_one_hash_per_line_with_trailing_fields() -> None:
    lines = [f"{H1.upper()}\n", "\n", "# a comment\n", f"{H2},case-17\tnote\n"]
    entries, errors = read_hash_list(lines)
    assert errors == []
    assert entries == [
        HashEntry(1, H1),
        HashEntry(4, H2, fields=("case-17", "note")),
    ]


def test_it_reports_and_skips_a_malformed_line_among_good_ones() -> None:
    lines = [H1, "xyz", H1[:-1], H2]
    entries, errors = read_hash_list(lines)
    assert [entry.line for entry in entries] == [1, 4]
    assert [error.line for error in errors] == [2, 3]
    assert errors[0] == HashListError(2, SkipReason.NOT_A_HASH, {"value": "xyz"})
    assert errors[1].code == SkipReason.NOT_A_HASH


def test_it_reads_csv_with_a_header_and_keeps_the_metadata() -> None:
    lines = [
        "PDQ_Hash,quality,source,category\n",
        f"{H1},90,ncmec,known\n",
        f'{H2},,"shared, by partner",\n',
    ]
    entries, errors = read_hash_list(lines)
    assert errors == []
    assert entries[0] == HashEntry(
        2, H1, quality=90, metadata={"source": "ncmec", "category": "known"}
    )
    assert entries[1].quality is None
    assert entries[1].metadata == {"source": "shared, by partner", "category": ""}


@pytest.mark.parametrize(
    ("line", "code", "params"),
    [
        (f"{H1},101,x", SkipReason.BAD_QUALITY, {"value": "101"}),
        (f"{H1},high,x", SkipReason.BAD_QUALITY, {"value": "high"}),
        (f"{H1},50", SkipReason.COLUMN_COUNT, {"expected": 3, "found": 2}),
        ("nothex,50,x", SkipReason.NOT_A_HASH, {"value": "nothex"}),
        ('"unterminated,50,x', SkipReason.COLUMN_COUNT, {"expected": 3, "found": 1}),
    ],
)
def test_it_reports_each_bad_csv_row_with_a_code_and_its_parameters(
    line: str, code: SkipReason, params: dict[str, object]
) -> None:
    records = list(iter_hash_list(["hash,quality,source", line, f"{H2},80,y"]))
    assert records[0] == HashListError(2, code, params)
    assert records[1] == HashEntry(3, H2, quality=80, metadata={"source": "y"})


def test_it_reads_a_plain_list_whose_first_line_is_bad() -> None:
    entries, errors = read_hash_list(["name,score", f"{H1},1", "zz"])
    assert entries == [HashEntry(2, H1, fields=("1",))]
    assert [error.line for error in errors] == [1, 3]


def test_a_csv_line_the_csv_reader_refuses_is_unreadable() -> None:
    # A field beyond the csv module's size limit (131,072 characters) is an error there.
    records = list(iter_hash_list(["hash,source", f'{H1},"{"x" * 200_000}"', f"{H2},y"]))
    assert records[0] == HashListError(2, SkipReason.UNREADABLE_CSV)
    assert records[1] == HashEntry(3, H2, metadata={"source": "y"})


def test_a_long_bad_value_is_cut_and_no_sentence_is_made() -> None:
    (error,) = read_hash_list(["q" * 500])[1]
    assert error.params == {"value": "q" * 80}
    assert not hasattr(error, "message")


def test_it_streams_without_reading_ahead() -> None:
    consumed: list[int] = []

    def lines():
        for number in range(1, 1_000_000):
            consumed.append(number)
            yield H1

    records = iter_hash_list(lines())
    first = next(records)
    assert isinstance(first, HashEntry)
    assert len(consumed) <= 2


@pytest.mark.realdata
def test_it_reads_the_threatexchange_hash_files(shared_data: Path) -> None:
    folder = shared_data / "pdq" / "reg-test-input"
    for name, count in (("haystack.txt", 1350), ("needles.txt", 100), ("long256.dat", 50)):
        with (folder / name).open() as handle:
            entries, errors = read_hash_list(handle)
        assert errors == [], name
        assert len(entries) == count
        assert all(len(entry.hash_hex) == 64 for entry in entries)


@pytest.mark.realdata
def test_it_rejects_the_64_bit_hashes_as_pdq_entries(shared_data: Path) -> None:
    with (shared_data / "pdq" / "reg-test-input" / "short64.dat").open() as handle:
        entries, errors = read_hash_list(handle)
    assert entries == []
    assert len(errors) == 6
    assert all(error.code == SkipReason.NOT_A_HASH for error in errors)
