"""Parsers for the Pol.is export format."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercommons.governance.kernel.polis_import import (
    PolisFormatError,
    PolisVote,
    iter_votes,
    latest_votes,
    load_conversation,
    parse_comments,
    parse_participants_votes,
    parse_text,
    parse_votes,
)

COMMENTS = """timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body
1500000000000,Mon Jul 17 2017,0,5,2,1,1,"A statement, with a comma"
1500000000001,Mon Jul 17 2017,1,5,0,0,-1,"A rejected
statement on two lines"
oops,Mon Jul 17 2017,2,5,0,0,1,bad timestamp
1500000000003,Mon Jul 17 2017,3,5,0,0,7,bad moderation
"""

VOTES = """timestamp,datetime,comment-id,voter-id,vote
10,x,0,1,1
20,x,0,1,-1
15,x,0,2,0
16,x,0,3,2
17,x,1,3
"""


def test_comments_keep_good_rows_and_report_bad_ones_with_their_line() -> None:
    result = parse_comments(parse_text(COMMENTS))
    assert [c.comment_id for c in result.records] == [0, 1]
    assert result.records[0].body == "A statement, with a comma"
    assert result.records[1].moderated == -1
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (5, "timestamp is not an integer"),
        (6, "moderated must be -1, 0 or 1, got 7"),
    ]


def test_the_newer_comment_layout_reads_meta_seed_and_consensus() -> None:
    text = (
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1726860676783,2,0,57,0,1,false,true,0.68,I hope\n"
    )
    (comment,) = parse_comments(parse_text(text)).records
    assert comment.is_seed
    assert not comment.is_meta
    assert comment.group_informed_consensus == pytest.approx(0.68)


def test_the_last_vote_per_voter_and_statement_counts() -> None:
    result = parse_votes(parse_text(VOTES))
    assert len(result.records) == 3
    assert [e.line for e in result.errors] == [5, 6]
    final = {(v.voter_id, v.comment_id): v.vote for v in latest_votes(result.records)}
    assert final == {(1, 0): -1, (2, 0): 0}


def test_a_later_line_wins_over_an_earlier_one_with_the_same_time() -> None:
    votes = [PolisVote(5, 0, 1, 1), PolisVote(5, 0, 1, -1)]
    assert [v.vote for v in latest_votes(votes)] == [-1]


def test_participants_votes_reads_groups_xids_and_blank_cells() -> None:
    text = (
        "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,1,4\n"
        "1,abc,1,0,2,1,1,-1,1\n"
        "2,,,0,1,1,0,,1\n"
        "3,,0,0,1,1,0,5,1\n"
    )
    result = parse_participants_votes(parse_text(text))
    first, second = result.records
    assert (first.xid, first.group_id, first.votes) == ("abc", 1, {1: -1, 4: 1})
    assert (second.xid, second.group_id, second.votes) == (None, None, {4: 1})
    assert result.errors[0].line == 4
    assert "vote on statement 1" in result.errors[0].message


def test_a_file_that_is_not_an_export_is_refused_with_the_missing_columns() -> None:
    with pytest.raises(PolisFormatError, match="lacks column"):
        parse_votes(parse_text("a,b\n1,2\n"))


def test_a_folder_without_export_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolisFormatError, match=r"no Pol\.is export files"):
        load_conversation(tmp_path)


@pytest.mark.realdata
def test_latest_votes_reproduce_the_participants_votes_table(shared_data: Path) -> None:
    """The raw log reduced to the last vote per voter and statement gives exactly the
    cells of participants-votes.csv (keeping the first vote would not)."""
    checked = 0
    for folder in sorted((shared_data / "polis").iterdir()):
        if not (folder / "votes.csv").is_file():
            continue
        log = parse_votes(folder / "votes.csv").records
        table = parse_participants_votes(folder / "participants-votes.csv").records
        cells = {(p.participant_id, tid): v for p in table for tid, v in p.votes.items()}
        final = {(v.voter_id, v.comment_id): v.vote for v in latest_votes(log)}
        assert final == cells, folder.name
        first: dict[tuple[int, int], int] = {}
        for v in log:
            first.setdefault((v.voter_id, v.comment_id), v.vote)
        checked += first != cells
    assert checked >= 10


@pytest.mark.realdata
def test_every_export_parses_without_errors(shared_data: Path) -> None:
    folders = sorted(p for p in (shared_data / "polis").iterdir() if p.is_dir())
    assert len(folders) >= 17
    for folder in folders:
        conversation = load_conversation(folder)
        assert conversation.errors == [], folder.name
        assert conversation.comments, folder.name
    bg = load_conversation(shared_data / "polis" / "bg2050-volunteers")
    assert len(bg.participants) == 126
    assert any(c.group_informed_consensus is not None for c in bg.comments)


def test_votes_stream_one_record_or_error_at_a_time() -> None:
    stream = iter_votes(parse_text(VOTES))
    first = next(stream)
    assert first == PolisVote(10, 0, 1, 1)
    rest = list(stream)
    assert [type(item).__name__ for item in rest] == [
        "PolisVote",
        "PolisVote",
        "RecordError",
        "RecordError",
    ]
