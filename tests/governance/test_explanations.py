"""The reasons the kernel gives as codes are shown as translated sentences."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from cybercommons.governance import explanations, services
from cybercommons.governance.explanations import explain, result_why
from cybercommons.governance.kernel.decision_rules import (
    Ballot,
    developing_country_safeguard,
    equal_stakeholder_groups,
    instant_runoff,
)
from cybercommons.governance.models import DecisionRule, Phase, Process
from tests.governance.conftest import Cast

SPLIT = [Ballot("a", stakeholder_group="government", choice="yes"),
         Ballot("b", stakeholder_group="company", choice="yes"),
         Ballot("c", stakeholder_group="company", choice="no"),
         Ballot("d", stakeholder_group="company", choice="no")]


def test_a_compound_rule_reads_with_the_names_of_its_parts() -> None:
    why = developing_country_safeguard(
        [Ballot("a", choice="yes"), Ballot("b", choice="no", developing=True)]).why.as_dict()
    text = explain(why)
    assert text == ("Participants: a tie, reported as such (1 voters for and as many against); "
                    "Participants from LDCs, LLDCs and SIDS: rejected (0 voters for, 1 against).")
    assert "developing_countries" not in text


def test_split_weights_are_written_in_the_readers_number_format() -> None:
    why = equal_stakeholder_groups(SPLIT).why.as_dict()
    assert explain(why) == "1.3333 stakeholder groups for, 0.6667 against."
    with translation.override("fr"):
        assert "1,3333" in explain(why)


def test_each_sentence_goes_through_the_translation_catalogue(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explanations, "_", lambda text: "«" + text + "»")
    why = instant_runoff([Ballot("a", ranking=("x",)), Ballot("b", ranking=("x", "y"))]).why
    assert explain(why.as_dict()) == "«x has 2 of 2 continuing ballots.»"


def test_a_result_stored_before_the_codes_shows_its_sentence_and_an_unknown_code_itself(
) -> None:
    assert result_why({"detail": "2 votes for, 1 against"}) == "2 votes for, 1 against"
    assert explain({"code": "from_a_later_version", "params": {}}) == "from_a_later_version"
    assert explain({"code": "for_and_against", "params": {}}) == "for_and_against"


@pytest.mark.django_db
def test_the_result_page_explains_every_rule_in_words(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.DECISION, decision_rule=DecisionRule.DOUBLE_MAJORITY)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no", reason="Too costly.")
    services.publish_decision(cast.convenor, process)
    page = Client().get(f"/governance/{process.slug}/result/").content.decode()
    assert "Participants from LDCs, LLDCs and SIDS: " in page
    assert "1 sustained objection with a reason." in page
    assert "Stakeholder groups: a tie, reported as such" in page
    for kernel_name in ("developing_countries", "stakeholder_groups:", "for_and_against"):
        assert kernel_name not in page
