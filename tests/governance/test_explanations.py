"""The reasons the kernel gives as codes are shown as translated sentences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from cybercommons.governance import explanations, services
from cybercommons.governance.explanations import explain, result_why
from cybercommons.governance.kernel.decision_rules import (
    Ballot,
    WhyCode,
    developing_country_safeguard,
    equal_stakeholder_groups,
    instant_runoff,
)
from cybercommons.governance.models import Decision, DecisionRule, Phase, Process
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


def test_a_share_is_rounded_to_one_decimal_not_cut() -> None:
    why = {"code": "share_against_threshold",
           "params": {"share": 0.4, "threshold": 2 / 3, "unit": "voters"}}
    assert explain(why) == "40.0 % of the votes cast were in favour; 66.7 % were needed."
    with translation.override("fr"):
        assert "66,7 %" in explain(why)


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


def _split_double_majority(make_process: Callable[..., Process],
                           cast: Cast) -> tuple[Process, Decision]:
    """A double-majority consultation published with one yes (a government) and one
    sustained objection (a company): every part of the result has a reason to explain."""
    process = make_process(Phase.DECISION, decision_rule=DecisionRule.DOUBLE_MAJORITY)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no", reason="Too costly.")
    return process, services.publish_decision(cast.convenor, process)


@pytest.mark.django_db
def test_the_result_page_explains_every_rule_in_words(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process, _decision = _split_double_majority(make_process, cast)
    page = Client().get(f"/governance/{process.slug}/result/").content.decode()
    assert "Participants from LDCs, LLDCs and SIDS: " in page
    assert "1 sustained objection with a reason." in page
    assert "Stakeholder groups: a tie, reported as such" in page
    for kernel_name in ("developing_countries", "stakeholder_groups:", "for_and_against"):
        assert kernel_name not in page


# One reason per code, with the parameters the kernel gives it (see WhyCode).
SAMPLES: dict[WhyCode, dict[str, Any]] = {
    WhyCode.NO_VOTES: {},
    WhyCode.SHARE_AGAINST_THRESHOLD: {"share": 0.5, "threshold": 2 / 3, "unit": "voters"},
    WhyCode.EVEN: {"count": 2, "unit": "organisations"},
    WhyCode.FOR_AND_AGAINST: {"yes": 1.5, "no": 0.5, "unit": "stakeholder_groups"},
    WhyCode.ALL_PARTS: {"parts": [
        {"part": "participants", "outcome": "adopted",
         "why": {"code": "for_and_against", "params": {"yes": 3, "no": 1, "unit": "voters"}}},
        {"part": "developing_countries", "outcome": "no_eligible_voters",
         "why": {"code": "no_votes", "params": {}}}]},
    WhyCode.NOBODY_TOOK_PART: {},
    WhyCode.SUSTAINED_OBJECTIONS: {"count": 2},
    WhyCode.NO_SUSTAINED_OBJECTION: {"concerns": 1},
    WhyCode.NO_RANKINGS: {},
    WhyCode.STRONGEST_PATH_WINNER: {"winner": "Option A"},
    WhyCode.STRONGEST_PATH_TIE: {"tied": ["Option A", "Option B"]},
    WhyCode.RUNOFF_MAJORITY: {"winner": "Option A", "votes": 3, "continuing": 5},
    WhyCode.RUNOFF_TIE: {"round": 2, "votes": 1, "tied": ["Option B", "Option C"]},
}
OTHER_LANGUAGES = ["ar", "zh-hans", "fr", "ru", "es"]


def test_every_code_the_kernel_gives_has_a_sentence() -> None:
    assert set(explanations._SENTENCES) == set(WhyCode)
    assert set(SAMPLES) == set(WhyCode)


@pytest.mark.parametrize("code", list(WhyCode))
def test_every_reason_reads_as_a_sentence_in_all_six_languages(code: WhyCode) -> None:
    why = {"code": code.value, "params": SAMPLES[code]}
    with translation.override("en"):
        english = explain(why)
    assert english != code.value
    assert english.endswith(".")
    for language in OTHER_LANGUAGES:
        with translation.override(language):
            text = explain(why)
        assert text != english, (language, english)
        assert code.value not in text
        for option in SAMPLES[code].get("tied", []):
            assert option in text


@pytest.mark.django_db
def test_the_result_page_explains_the_result_in_each_language(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process, decision = _split_double_majority(make_process, cast)
    reasons = [decision.result["why"], *(r["why"] for r in decision.other_results.values())]
    with translation.override("en"):
        english = {explain(why) for why in reasons}
    for language in ["en", *OTHER_LANGUAGES]:
        page = Client().get(f"/governance/{process.slug}/result/",
                            HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'lang="{language}"' in page
        with translation.override(language):
            for why in reasons:
                assert escape(explain(why)) in page, (language, why)
        if language != "en":
            for sentence in english:
                assert escape(sentence) not in page, (language, sentence)
        for code in WhyCode:
            assert f">{code.value}<" not in page
