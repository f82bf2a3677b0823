"""The demo sample loads a full consultation, and loading it again changes nothing."""

from __future__ import annotations

import pytest

from cybercommons.governance import demo
from cybercommons.governance.kernel.ballot_file import recount
from cybercommons.governance.models import Ballot, Decision, Participant, Process, Statement, Vote


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_runs_a_consultation_to_its_decision_and_loads_once() -> None:
    demo.load()
    counts = (Process.objects.count(), Participant.objects.count(), Statement.objects.count(),
              Vote.objects.count(), Ballot.objects.count())
    demo.load()
    assert counts == (Process.objects.count(), Participant.objects.count(),
                      Statement.objects.count(), Vote.objects.count(), Ballot.objects.count())
    process = Process.objects.get(slug=demo.SLUG)
    assert process.versions.count() == 2
    assert process.participants.count() == 40
    assert process.statements.count() == 12
    groups = set(process.participants.values_list("stakeholder_group", flat=True))
    assert groups == {"government", "international", "company", "technical",
                      "civil_society", "individual"}
    decision = Decision.objects.get(process=process)
    assert decision.rule == "equal_stakeholder_groups"
    recounted = recount(decision.ballot_file.encode("utf-8"), decision.sha256)
    assert recounted.outcome.value == decision.outcome
