"""The anonymised ballot file published with every result, so anyone can recount.

Format (UTF-8 JSON lines, ``\\n`` line ends):

- line 1, the header: ``{"format": "cybercommons-ballots", "version": 2, "rule": <rule
  name>, "threshold": "2/3", "options": [...] | null}``; ``rule`` is a
  :class:`~.decision_rules.Rule` value, ``threshold`` the qualified-majority share as a
  fraction string, ``options`` the ranked options in their published order;
- each further line, one ballot: ``{"voter": "v…", "organisation": "o…" | null,
  "stakeholder_group": str | null, "region": str | null, "developing": bool,
  "choice": "yes" | "no" | "abstain" | null, "ranking": [str, …], "reason": str | null}``;
  ``region`` is a UN regional group code (``african``, ``asia_pacific``,
  ``eastern_european``, ``grulac``, ``weog``).

Version 1 files wrote the regions with hyphens (``asia-pacific``, ``eastern-european``).
They are still read, recounted and hash-checked: a parsed file remembers its version and
serialises back to the very bytes that were published.

Voter and organisation ids are opaque tokens (keyed hashes, see :func:`anonymise`), so
the file shows how each anonymous voter voted but not who they are. The *canonical* form
(keys sorted, no spaces, ballots ordered by voter token, a final newline) is what
:func:`sha256_of` hashes; the published hash is that of the canonical bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from .decision_rules import Ballot, BallotError, Rule, TallyResult, tally

FORMAT = "cybercommons-ballots"
VERSION = 2
# Version 1 spelled two regional groups with hyphens; version 2 uses the platform's codes.
_V1_REGIONS = {"asia-pacific": "asia_pacific", "eastern-european": "eastern_european"}
_V1_WRITTEN = {code: old for old, code in _V1_REGIONS.items()}
READABLE_VERSIONS = frozenset({1, VERSION})
_BALLOT_KEYS = frozenset(
    {
        "voter",
        "organisation",
        "stakeholder_group",
        "region",
        "developing",
        "choice",
        "ranking",
        "reason",
    }
)


class BallotFileError(ValueError):
    """The ballot file is malformed; ``problems`` lists each bad line and why."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        text = "; ".join(f"line {line}: {why}" for line, why in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"malformed ballot file: {text}{more}")


@dataclass(frozen=True)
class BallotFile:
    """A ballot file in memory: the rule it is counted under and its ballots."""

    rule: Rule
    ballots: tuple[Ballot, ...]
    threshold: Fraction = Fraction(2, 3)
    options: tuple[str, ...] | None = None
    version: int = VERSION


def _token(secret: bytes, prefix: str, value: str) -> str:
    digest = hmac.digest(secret, f"{prefix}:{value}".encode(), "sha256").hex()
    return prefix + digest[:20]


def anonymise(ballots: Iterable[Ballot], secret: bytes) -> list[Ballot]:
    """Replace voter and organisation ids by keyed-hash tokens (HMAC-SHA-256 with a
    secret kept by the platform), so the same voter gets the same token within a file
    but nobody without the secret can tell who it is. Keeps group, region and choices."""
    if len(secret) < 16:
        raise ValueError("the anonymisation secret must be at least 16 bytes")
    return [
        Ballot(
            voter_id=_token(secret, "v", b.voter_id),
            organisation_id=_token(secret, "o", b.organisation_id) if b.organisation_id else None,
            stakeholder_group=b.stakeholder_group,
            region=b.region,
            developing=b.developing,
            choice=b.choice,
            ranking=b.ranking,
            reason=b.reason,
        )
        for b in ballots
    ]


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _written_region(region: str | None, version: int) -> str | None:
    """The region as a file of ``version`` spells it."""
    if region is None or version != 1:
        return region
    return _V1_WRITTEN.get(region, region)


def _read_region(record: dict[str, Any], version: int) -> str | None:
    """The region code of a ballot line, from either spelling its file version used."""
    region = _opt_str(record, "region")
    if region is None or version != 1:
        return region
    return _V1_REGIONS.get(region, region)


def serialise(ballot_file: BallotFile) -> bytes:
    """The canonical bytes of a ballot file (what is published and hashed)."""
    header = {
        "format": FORMAT,
        "version": ballot_file.version,
        "rule": ballot_file.rule.value,
        "threshold": f"{ballot_file.threshold.numerator}/{ballot_file.threshold.denominator}",
        "options": list(ballot_file.options) if ballot_file.options is not None else None,
    }
    lines = [_dumps(header)]
    for b in sorted(ballot_file.ballots, key=lambda b: b.voter_id):
        lines.append(
            _dumps(
                {
                    "voter": b.voter_id,
                    "organisation": b.organisation_id,
                    "stakeholder_group": b.stakeholder_group,
                    "region": _written_region(b.region, ballot_file.version),
                    "developing": b.developing,
                    "choice": b.choice,
                    "ranking": list(b.ranking),
                    "reason": b.reason,
                }
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def sha256_of(ballot_file: BallotFile) -> str:
    """Hex SHA-256 of the canonical serialisation: the published fingerprint."""
    return hashlib.sha256(serialise(ballot_file)).hexdigest()


def _opt_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be a string or null")
    return value


def _parse_ballot(record: Any, version: int = VERSION) -> Ballot:
    if not isinstance(record, dict):
        raise ValueError("a ballot must be a JSON object")
    unknown = set(record) - _BALLOT_KEYS
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
    voter = record.get("voter")
    if not isinstance(voter, str) or not voter:
        raise ValueError("voter must be a non-empty string")
    developing = record.get("developing", False)
    if not isinstance(developing, bool):
        raise ValueError("developing must be true or false")
    ranking = record.get("ranking") or []
    if not isinstance(ranking, list) or not all(isinstance(o, str) for o in ranking):
        raise ValueError("ranking must be a list of option names")
    try:
        return Ballot(
            voter_id=voter,
            organisation_id=_opt_str(record, "organisation"),
            stakeholder_group=_opt_str(record, "stakeholder_group"),
            region=_read_region(record, version),
            developing=developing,
            choice=_opt_str(record, "choice"),
            ranking=tuple(ranking),
            reason=_opt_str(record, "reason"),
        )
    except BallotError as exc:
        raise ValueError(str(exc)) from None


def parse(data: bytes | str) -> BallotFile:
    """Read a ballot file, checking every line; all problems are reported together in a
    :class:`BallotFileError` (a recount must not silently drop a ballot)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        raise BallotFileError([(1, "empty file, no header")])
    problems: list[tuple[int, str]] = []
    try:
        header = json.loads(lines[0])
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        version = header.get("version")
        if type(version) is not int or version not in READABLE_VERSIONS:
            raise ValueError(f"unsupported version {version!r}")
        rule = Rule(str(header.get("rule")))
        threshold = Fraction(str(header.get("threshold", "2/3")))
        options = header.get("options")
        if options is not None and (
            not isinstance(options, list) or not all(isinstance(o, str) for o in options)
        ):
            raise ValueError("options must be a list of names or null")
    except (ValueError, ZeroDivisionError) as exc:
        raise BallotFileError([(1, f"bad header: {exc}")]) from None
    ballots: list[Ballot] = []
    seen: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        try:
            ballot = _parse_ballot(json.loads(line), version)
        except ValueError as exc:
            problems.append((number, str(exc)))
            continue
        if ballot.voter_id in seen:
            problems.append((number, f"voter {ballot.voter_id} appears twice"))
            continue
        seen.add(ballot.voter_id)
        ballots.append(ballot)
    if problems:
        raise BallotFileError(problems)
    return BallotFile(rule, tuple(ballots), threshold, tuple(options) if options else None,
                      version)


def recount(source: str | Path | bytes, expected_sha256: str | None = None) -> TallyResult:
    """Recount a published ballot file under the rule named in it.

    ``source`` is a path or the file's bytes. With ``expected_sha256``, the file must be
    the canonical one with that hash, else :class:`BallotFileError` says it differs.
    """
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source
    parsed = parse(data)
    if expected_sha256 is not None:
        actual = sha256_of(parsed)
        if hashlib.sha256(data).hexdigest() != actual:
            raise BallotFileError([(0, "the file is not in canonical form")])
        if actual != expected_sha256.lower():
            raise BallotFileError(
                [(0, f"SHA-256 {actual} differs from the published {expected_sha256}")]
            )
    return tally(
        parsed.rule,
        list(parsed.ballots),
        threshold=parsed.threshold,
        options=list(parsed.options) if parsed.options else None,
    )


def make_ballot_file(
    rule: Rule | str,
    ballots: Sequence[Ballot],
    secret: bytes,
    *,
    threshold: Fraction = Fraction(2, 3),
    options: Sequence[str] | None = None,
) -> BallotFile:
    """Anonymise ``ballots`` and wrap them with the rule they are counted under."""
    return BallotFile(
        Rule(rule),
        tuple(anonymise(ballots, secret)),
        threshold,
        tuple(options) if options is not None else None,
    )
