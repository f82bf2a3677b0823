"""Parsers for the Pol.is export format (``comments.csv``, ``votes.csv``,
``participants-votes.csv``), old and newer (bg2050) layouts.

Every parser streams its file, validates each record, keeps the good records and reports
the bad ones as :class:`RecordError` (file, line, reason) instead of stopping. The
``iter_*`` functions yield records and errors one at a time (for importers that write as
they read); the ``parse_*`` functions collect them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Generic, TypeVar

T = TypeVar("T")

AGREE = 1
DISAGREE = -1
PASS = 0
VOTE_VALUES = frozenset({AGREE, DISAGREE, PASS})

# Columns of participants-votes.csv that are not statement ids.
_PV_FIXED = ("participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


@dataclass(frozen=True)
class RecordError:
    """One rejected record: which file, which line (1-based, header is line 1), and why."""

    source: str
    line: int
    message: str


@dataclass
class ParseResult(Generic[T]):
    """The records that parsed and the errors for those that did not."""

    records: list[T] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)


@dataclass(frozen=True)
class PolisComment:
    """A statement as exported by Pol.is.

    ``moderated`` is 1 (accepted), 0 (unmoderated) or -1 (rejected); ``timestamp_ms`` is
    milliseconds since the Unix epoch.
    """

    comment_id: int
    author_id: int
    timestamp_ms: int
    agrees: int
    disagrees: int
    moderated: int
    body: str
    is_meta: bool = False
    is_seed: bool = False
    group_informed_consensus: float | None = None


@dataclass(frozen=True)
class PolisVote:
    """One line of the raw vote log: 1 agree, -1 disagree, 0 pass; time in ms since epoch."""

    timestamp_ms: int
    comment_id: int
    voter_id: int
    vote: int


@dataclass(frozen=True)
class PolisParticipant:
    """A row of participants-votes.csv: Pol.is's group (None when not clustered) and the
    participant's final vote per statement id."""

    participant_id: int
    xid: str | None
    group_id: int | None
    votes: dict[int, int]


@dataclass
class PolisConversation:
    """Everything read from one export folder, with the per-file errors."""

    comments: list[PolisComment]
    votes: list[PolisVote]
    participants: list[PolisParticipant]
    errors: list[RecordError]

    @property
    def rejected_comment_ids(self) -> set[int]:
        """Statements the moderators rejected: Pol.is zeroes them out of the math."""
        return {c.comment_id for c in self.comments if c.moderated == -1}


class PolisFormatError(ValueError):
    """The file is not a Pol.is export at all (its header lacks required columns)."""


def _open(source: str | Path | IO[str]) -> tuple[IO[str], str, bool]:
    if isinstance(source, str | Path):
        path = Path(source)
        return path.open(newline="", encoding="utf-8"), str(path), True
    return source, getattr(source, "name", "<stream>"), False


def _rows(
    source: str | Path | IO[str], required: Iterable[str]
) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    """Yield (line number, row dict, header) for each CSV row after checking the header."""
    handle, name, owned = _open(source)
    try:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise PolisFormatError(f"{name}: empty file, no header") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise PolisFormatError(f"{name}: header lacks column(s) {', '.join(missing)}")
        for raw in reader:
            line = reader.line_num
            if not raw or all(not cell.strip() for cell in raw):
                continue
            if len(raw) != len(header):
                yield line, {"__error__": f"{len(raw)} fields, header has {len(header)}"}, header
                continue
            yield line, dict(zip(header, raw, strict=True)), header
    finally:
        if owned:
            handle.close()


def _int(row: dict[str, str], key: str) -> int:
    text = row[key].strip()
    try:
        return int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{key} is not an integer: {text!r}") from None
        if not value.is_integer():
            raise ValueError(f"{key} is not an integer: {text!r}") from None
        return int(value)


def _bool(row: dict[str, str], key: str) -> bool:
    text = row.get(key, "").strip().lower()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise ValueError(f"{key} is not a boolean: {text!r}")


def _vote(text: str, what: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} is not a vote: {text!r}") from None
    if not value.is_integer() or int(value) not in VOTE_VALUES:
        raise ValueError(f"{what} must be 1, -1 or 0, got {text!r}")
    return int(value)


def iter_comments(source: str | Path | IO[str]) -> Iterator[PolisComment | RecordError]:
    """Read comments.csv (old layout with ``datetime`` or the newer one with ``is-meta``,
    ``is-seed`` and ``group-informed-consensus``)."""
    name = str(source) if isinstance(source, str | Path) else "<stream>"
    required = ("timestamp", "comment-id", "author-id", "agrees", "disagrees", "moderated")
    seen: set[int] = set()
    for line, row, header in _rows(source, (*required, "comment-body")):
        if "__error__" in row:
            yield RecordError(name, line, row["__error__"])
            continue
        try:
            comment_id = _int(row, "comment-id")
            if comment_id in seen:
                raise ValueError(f"comment-id {comment_id} appears twice")
            moderated = _int(row, "moderated")
            if moderated not in (-1, 0, 1):
                raise ValueError(f"moderated must be -1, 0 or 1, got {moderated}")
            gic_text = row.get("group-informed-consensus", "").strip()
            comment = PolisComment(
                comment_id=comment_id,
                author_id=_int(row, "author-id"),
                timestamp_ms=_int(row, "timestamp"),
                agrees=_int(row, "agrees"),
                disagrees=_int(row, "disagrees"),
                moderated=moderated,
                body=row["comment-body"],
                is_meta=_bool(row, "is-meta") if "is-meta" in header else False,
                is_seed=_bool(row, "is-seed") if "is-seed" in header else False,
                group_informed_consensus=float(gic_text) if gic_text else None,
            )
        except ValueError as exc:
            yield RecordError(name, line, str(exc))
            continue
        seen.add(comment_id)
        yield comment


def _collect(items: Iterable[T | RecordError]) -> ParseResult[T]:
    result: ParseResult[T] = ParseResult()
    for item in items:
        if isinstance(item, RecordError):
            result.errors.append(item)
        else:
            result.records.append(item)
    return result


def parse_comments(source: str | Path | IO[str]) -> ParseResult[PolisComment]:
    """Read the whole file: the good records and the errors (see :func:`iter_comments`)."""
    return _collect(iter_comments(source))


def iter_votes(source: str | Path | IO[str]) -> Iterator[PolisVote | RecordError]:
    """Read the raw vote log votes.csv, every line kept in file order.

    Use :func:`latest_votes` to reduce it to the vote that counts per voter and statement.
    """
    name = str(source) if isinstance(source, str | Path) else "<stream>"
    for line, row, _header in _rows(source, ("timestamp", "comment-id", "voter-id", "vote")):
        if "__error__" in row:
            yield RecordError(name, line, row["__error__"])
            continue
        try:
            vote = PolisVote(
                timestamp_ms=_int(row, "timestamp"),
                comment_id=_int(row, "comment-id"),
                voter_id=_int(row, "voter-id"),
                vote=_vote(row["vote"].strip(), "vote"),
            )
        except ValueError as exc:
            yield RecordError(name, line, str(exc))
            continue
        yield vote


def parse_votes(source: str | Path | IO[str]) -> ParseResult[PolisVote]:
    """Read the whole file: the good records and the errors (see :func:`iter_votes`)."""
    return _collect(iter_votes(source))


def latest_votes(votes: Iterable[PolisVote]) -> list[PolisVote]:
    """Keep only the last vote per (voter, statement): latest timestamp, and among equal
    timestamps the one later in the log, since the log is the record of changed minds."""
    last: dict[tuple[int, int], tuple[int, int, PolisVote]] = {}
    for order, vote in enumerate(votes):
        key = (vote.voter_id, vote.comment_id)
        rank = (vote.timestamp_ms, order)
        held = last.get(key)
        if held is None or rank >= held[:2]:
            last[key] = (*rank, vote)
    return [entry[2] for entry in sorted(last.values(), key=lambda e: (e[0], e[1]))]


def iter_participants_votes(
    source: str | Path | IO[str],
) -> Iterator[PolisParticipant | RecordError]:
    """Read participants-votes.csv (with or without the ``xid`` column).

    Statement columns are every column not in the fixed set; empty cells mean no vote. A
    blank ``group-id`` means Pol.is did not cluster that participant.
    """
    name = str(source) if isinstance(source, str | Path) else "<stream>"
    statement_columns: list[tuple[str, int]] | None = None
    seen: set[int] = set()
    for line, row, header in _rows(source, ("participant", "group-id")):
        if statement_columns is None:
            statement_columns = []
            for column in header:
                if column in _PV_FIXED:
                    continue
                try:
                    statement_columns.append((column, int(column)))
                except ValueError:
                    raise PolisFormatError(
                        f"{name}: column {column!r} is neither a known field nor a statement id"
                    ) from None
        if "__error__" in row:
            yield RecordError(name, line, row["__error__"])
            continue
        try:
            pid = _int(row, "participant")
            if pid in seen:
                raise ValueError(f"participant {pid} appears twice")
            group_text = row["group-id"].strip()
            group_id = _int(row, "group-id") if group_text else None
            votes: dict[int, int] = {}
            for column, tid in statement_columns:
                cell = row[column].strip()
                if cell:
                    votes[tid] = _vote(cell, f"vote on statement {tid}")
            xid = row.get("xid", "").strip() or None
        except ValueError as exc:
            yield RecordError(name, line, str(exc))
            continue
        seen.add(pid)
        yield PolisParticipant(pid, xid, group_id, votes)


def parse_participants_votes(source: str | Path | IO[str]) -> ParseResult[PolisParticipant]:
    """Read the whole file: the good records and the errors (see
    :func:`iter_participants_votes`)."""
    return _collect(iter_participants_votes(source))


def load_conversation(folder: str | Path) -> PolisConversation:
    """Read whichever of comments.csv, votes.csv and participants-votes.csv the folder has.

    ``votes`` holds the counted votes: the latest per voter and statement from votes.csv,
    or, when an export has no votes.csv, the cells of participants-votes.csv.
    """
    base = Path(folder)
    errors: list[RecordError] = []
    comments: list[PolisComment] = []
    participants: list[PolisParticipant] = []
    votes: list[PolisVote] = []
    if (base / "comments.csv").is_file():
        parsed_c = parse_comments(base / "comments.csv")
        comments, errors = parsed_c.records, errors + parsed_c.errors
    if (base / "participants-votes.csv").is_file():
        parsed_p = parse_participants_votes(base / "participants-votes.csv")
        participants, errors = parsed_p.records, errors + parsed_p.errors
    if (base / "votes.csv").is_file():
        parsed_v = parse_votes(base / "votes.csv")
        votes, errors = latest_votes(parsed_v.records), errors + parsed_v.errors
    else:
        votes = [
            PolisVote(0, tid, p.participant_id, v)
            for p in participants
            for tid, v in sorted(p.votes.items())
        ]
    if not (comments or participants or votes):
        raise PolisFormatError(f"{base}: no Pol.is export files found")
    return PolisConversation(comments, votes, participants, errors)


def parse_text(text: str) -> IO[str]:
    """Wrap CSV text so the parsers can read it (handy for uploads held in memory)."""
    return io.StringIO(text, newline="")
