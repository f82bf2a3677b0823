"""The anonymised ballot file: canonical bytes, hash, and recount."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path

import pytest

from cybercommons.governance.kernel.ballot_file import (
    BallotFileError,
    make_ballot_file,
    parse,
    recount,
    serialise,
    sha256_of,
)
from cybercommons.governance.kernel.decision_rules import Ballot, Outcome, Rule, tally

SECRET = b"0123456789abcdef-test-secret"

BALLOTS = [
    Ballot("alice@example.org", "acme", "industry", "weog", False, "yes"),
    Ballot("bob@example.org", "acme", "industry", "weog", False, "yes"),
    Ballot("chen@example.org", "gov", "government", "asia_pacific", True, "no"),
    Ballot("dede@example.org", None, "civil-society", "african", True, "no", reason="art. 2"),
]


def test_the_file_names_no_voter_or_organisation() -> None:
    data = serialise(make_ballot_file(Rule.SIMPLE_MAJORITY, BALLOTS, SECRET)).decode()
    assert "alice" not in data
    assert "acme" not in data
    assert data.count("\n") == 1 + len(BALLOTS)


def test_serialisation_is_canonical_whatever_the_ballot_order() -> None:
    forward = make_ballot_file(Rule.SIMPLE_MAJORITY, BALLOTS, SECRET)
    backward = make_ballot_file(Rule.SIMPLE_MAJORITY, BALLOTS[::-1], SECRET)
    assert serialise(forward) == serialise(backward)
    assert sha256_of(forward) == hashlib.sha256(serialise(forward)).hexdigest()


def test_the_hash_changes_when_one_vote_changes() -> None:
    changed = [*BALLOTS[:3], Ballot("dede@example.org", None, "civil-society", "african", True)]
    original = make_ballot_file(Rule.SIMPLE_MAJORITY, BALLOTS, SECRET)
    assert sha256_of(original) != sha256_of(make_ballot_file(Rule.SIMPLE_MAJORITY, changed, SECRET))


@pytest.mark.parametrize("rule", [Rule.SIMPLE_MAJORITY, Rule.CONSENSUS, Rule.STAKEHOLDER_GROUPS])
def test_recount_reproduces_the_result_under_the_rule_in_the_file(
    tmp_path: Path, rule: Rule
) -> None:
    published = make_ballot_file(rule, BALLOTS, SECRET)
    path = tmp_path / "ballots.jsonl"
    path.write_bytes(serialise(published))
    again = recount(path, expected_sha256=sha256_of(published))
    original = tally(rule, BALLOTS)
    assert again.outcome == original.outcome
    assert (again.yes, again.no) == (original.yes, original.no)


def test_recount_keeps_the_qualified_threshold_and_ranked_options() -> None:
    ballots = [Ballot(f"v{i}", ranking=order) for i, order in enumerate([("B", "A"), ("A",)])]
    ranked = make_ballot_file(Rule.SCHULZE, ballots, SECRET, options=["A", "B", "C"])
    assert parse(serialise(ranked)).options == ("A", "B", "C")
    motion = make_ballot_file(
        Rule.QUALIFIED_MAJORITY, BALLOTS[:3], SECRET, threshold=Fraction(3, 5)
    )
    assert recount(serialise(motion)).outcome is Outcome.ADOPTED


def test_recount_refuses_a_file_whose_hash_differs_from_the_published_one() -> None:
    data = serialise(make_ballot_file(Rule.SIMPLE_MAJORITY, BALLOTS, SECRET))
    with pytest.raises(BallotFileError, match="differs from the published"):
        recount(data, expected_sha256="0" * 64)


def test_a_malformed_file_lists_every_bad_line() -> None:
    data = serialise(make_ballot_file(Rule.SIMPLE_MAJORITY, BALLOTS, SECRET)).decode()
    lines = data.splitlines()
    lines[1] = "{not json"
    bad_choice = json.loads(lines[2])
    bad_choice["choice"] = "maybe"
    lines[2] = json.dumps(bad_choice)
    lines.append(lines[3])
    with pytest.raises(BallotFileError) as caught:
        parse("\n".join(lines))
    assert [line for line, _ in caught.value.problems] == [2, 3, 6]
    assert "appears twice" in caught.value.problems[2][1]


def test_a_file_with_an_unknown_rule_is_refused() -> None:
    header = {"format": "cybercommons-ballots", "version": 1, "rule": "lottery"}
    with pytest.raises(BallotFileError, match="bad header"):
        parse(json.dumps(header) + "\n")


def test_a_short_anonymisation_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        make_ballot_file(Rule.SIMPLE_MAJORITY, BALLOTS, b"short")


# A version-1 file, as published before the regions took the platform's codes: its regions
# are spelled with hyphens. Written out by hand, in canonical form.
V1_FILE = (
    b'{"format":"cybercommons-ballots","options":null,"rule":"equal_regional_groups",'
    b'"threshold":"2/3","version":1}\n'
    b'{"choice":"yes","developing":false,"organisation":null,"ranking":[],"reason":null,'
    b'"region":"weog","stakeholder_group":"government","voter":"v1"}\n'
    b'{"choice":"no","developing":true,"organisation":null,"ranking":[],"reason":null,'
    b'"region":"asia-pacific","stakeholder_group":"government","voter":"v2"}\n'
    b'{"choice":"no","developing":false,"organisation":null,"ranking":[],"reason":null,'
    b'"region":"eastern-european","stakeholder_group":"company","voter":"v3"}\n'
    b'{"choice":"yes","developing":false,"organisation":null,"ranking":[],"reason":null,'
    b'"region":"eastern-european","stakeholder_group":"company","voter":"v4"}\n'
)


def test_new_files_store_the_platforms_region_codes() -> None:
    data = serialise(make_ballot_file(Rule.REGIONAL_GROUPS, BALLOTS, SECRET)).decode()
    header, *lines = data.splitlines()
    assert json.loads(header)["version"] == 2
    assert {json.loads(line)["region"] for line in lines} == {"weog", "asia_pacific", "african"}


def test_a_file_written_with_the_old_region_names_is_still_recounted_and_hash_checked() -> None:
    published_hash = hashlib.sha256(V1_FILE).hexdigest()
    parsed = parse(V1_FILE)
    assert [b.region for b in parsed.ballots] == [
        "weog", "asia_pacific", "eastern_european", "eastern_european"]
    # It serialises back to the very bytes that were published.
    assert serialise(parsed) == V1_FILE
    result = recount(V1_FILE, expected_sha256=published_hash)
    # Three regions weigh one each: weog yes, asia_pacific no, eastern_european half-half.
    assert result.yes == Fraction(3, 2)
    assert result.no == Fraction(3, 2)
    assert set(result.parts) == {"weog", "asia_pacific", "eastern_european"}
    assert result.outcome == Outcome.TIE


def test_an_unknown_region_or_file_version_is_refused() -> None:
    unknown_region = V1_FILE.replace(b'"region":"weog"', b'"region":"oceania"')
    with pytest.raises(BallotFileError, match=r"line 2: .*unknown UN regional group 'oceania'"):
        parse(unknown_region)
    with pytest.raises(BallotFileError, match="unsupported version 3"):
        parse(V1_FILE.replace(b'"version":1', b'"version":3'))
