"""The published ballot file can be recounted by anyone and gives the published result."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cybercommons.governance import services
from cybercommons.governance.models import DecisionRule, Phase, Process
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(make_process: Callable[..., Process], cast: Cast, tmp_path: Path
              ) -> tuple[Process, Path]:
    process = make_process(Phase.DECISION, decision_rule=DecisionRule.DOUBLE_MAJORITY)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no", reason="Too costly.")
    services.cast_ballot(cast.citizen, process, choice="yes")
    decision = services.publish_decision(cast.convenor, process)
    path = tmp_path / "ballots.jsonl"
    path.write_bytes(decision.ballot_file.encode("utf-8"))
    return process, path


def test_the_recount_command_reproduces_the_published_result(
        published: tuple[Process, Path]) -> None:
    process, path = published
    out = StringIO()
    call_command("governance", "recount", str(path), "--sha256", process.decision.sha256,
                 "--json", stdout=out)
    recounted = json.loads(out.getvalue())
    assert recounted == process.decision.result
    assert recounted["rule"] == "double_majority"


def test_the_ballot_file_names_nobody(published: tuple[Process, Path], cast: Cast) -> None:
    _, path = published
    text = path.read_text(encoding="utf-8")
    for user in (cast.government, cast.company, cast.citizen):
        assert user.username not in text
    assert text.count("\n") == 4  # a header and three ballots


def test_a_tampered_file_is_refused(published: tuple[Process, Path]) -> None:
    process, path = published
    path.write_text(path.read_text(encoding="utf-8").replace('"no"', '"yes"'),
                    encoding="utf-8")
    with pytest.raises(CommandError, match="differs from the published"):
        call_command("governance", "recount", str(path), "--sha256", process.decision.sha256,
                     stdout=StringIO())


def test_the_recount_prints_a_readable_result(published: tuple[Process, Path]) -> None:
    _, path = published
    out = StringIO()
    call_command("governance", "recount", str(path), stdout=out)
    assert "outcome   adopted" in out.getvalue()
    assert "stakeholder_groups" in out.getvalue()
    assert "why       Participants: adopted (2 voters for, 1 against); " in out.getvalue()
