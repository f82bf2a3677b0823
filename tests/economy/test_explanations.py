"""The kernels' messages rendered in the reader's language: pages, API and command line.

The catalogues are refreshed after new sentences are written, so the checks below use
strings that are already translated (the missing-data rule, pillar names, funder types)
to show that each path goes through gettext; new sentences are checked in English.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation

from cybercommons.economy import explanations, labels
from cybercommons.economy.kernel import idi, matching
from cybercommons.economy.kernel.composite import PROBLEM_CODES, MissingDataRule
from cybercommons.economy.kernel.messages import Message

API = "/api/v1/economy"
SCORE_CODES = {"index.pillars_without_score", "index.missing_data_rule"}


def test_every_code_the_kernels_give_has_exactly_one_sentence():
    assert set(explanations.SENTENCES) == matching.REASON_CODES | PROBLEM_CODES | SCORE_CODES


@pytest.mark.parametrize(("message", "text"), [
    (Message("match.ask_within_range", {"ask_usd": 2e6, "minimum_usd": 1e6,
                                        "maximum_usd": 1e7}),
     "ask US$2.0 M is within the ticket range US$1.0 M–US$10.0 M"),
    (Message("match.ask_within_range", {"ask_usd": 2e6, "minimum_usd": None,
                                        "maximum_usd": 5e9}),
     "ask US$2.0 M is within the ticket range any–US$5.0 bn"),
    (Message("match.ask_above_maximum", {"ask_usd": 2e6, "maximum_usd": 5e5,
                                         "share_covered": 0.25}),
     "ask US$2.0 M is above the maximum ticket US$500 k: funder could cover 25 %, "
     "co-funding needed"),
    (Message("match.sdg_overlap", {"same_targets": ["9.c"], "same_goal": ["9.1", "9.2"]}),
     "same targets 9.c; same goal for 9.1, 9.2"),
    (Message("match.funder_funds_regions", {"regions": ["LDC", "M49:2", "UMC", "M49:999"]}),
     "funder funds projects in Least developed countries, Africa, Upper-middle income, "
     "M49:999"),
    (Message("match.project_does_not_seek_type", {"funder_type": "development_bank"}),
     "project does not seek development bank funding"),
    (Message("index.pillar_weights_sum", {"total": 0.9}), "pillar weights add up to 0.9, not 1"),
    (Message("index.indicator_field_invalid", {"position": 3, "field": "direction"}),
     "indicator 3: “direction” is not valid"),
    (Message("index.pillars_without_score", {"pillars": ["a", "b"], "labels": ["A", "B"]}),
     "no score for A, B: too few indicators with data"),
])
def test_messages_read_as_sentences_checked_by_hand(message, text):
    with translation.override("en"):
        assert explanations.render(message) == text


def test_no_message_is_no_text_and_an_unknown_code_is_shown_not_dropped():
    assert explanations.render(None) == ""
    assert explanations.render(Message("match.from_the_future", {"x": 1})) == \
        "match.from_the_future(x=1)"


def test_the_rendering_goes_through_the_catalogues_of_the_active_language():
    rule = MissingDataRule().explanation()
    with translation.override("fr"):
        assert explanations.render(rule).startswith(
            "Les indicateurs manquants ne sont ni imputés ni comptés comme nuls")
        assert "au moins 50 %" in explanations.render(rule)
        # A pillar name inside a sentence, a funder type, a number in French digits.
        reason = Message("index.pillars_without_score",
                         {"pillars": ["universal"], "labels": ["Universal connectivity"]})
        assert "Connectivité universelle" in explanations.render(reason)
        assert "banque de développement" in explanations.render(
            Message("match.project_seeks_type", {"funder_type": "development_bank"}))
        assert explanations.money(2.5e6) == "2,5 M USD"
    with translation.override("ar"):
        assert "الاتصال الشامل" in explanations.render(reason)


def test_the_built_in_indices_names_and_goalpost_sources_are_in_the_catalogues():
    declared = set(labels.BUILT_IN_NAMES) | set(labels.BUILT_IN_PROVENANCE)
    for definition in (idi.IDI_2023, idi.OPEN_CONNECTIVITY_INDEX):
        assert definition.name in declared
        assert {p.label for p in definition.pillars} <= declared
        assert {i.label for i in definition.indicators} <= declared
        assert {i.provenance for i in definition.indicators} <= declared


@pytest.mark.django_db
def test_the_french_and_arabic_country_pages_render_the_no_score_reason(client, small_store):
    french = client.get("/economy/countries/ke/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Pas de score" in french
    # The reason names the pillar without a score in the page's language.
    assert "Connectivité universelle" in french.split("Pas de score", 1)[1].split("</p>")[0]
    assert "ni imputés ni comptés comme nuls" in french
    arabic = client.get("/economy/countries/ke/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "الاتصال الشامل" in arabic.split("لا توجد درجة", 1)[1].split("</p>")[0]
    english = client.get("/economy/countries/ke/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("no score for Universal connectivity, Meaningful connectivity: too few indicators"
            " with data") in english


@pytest.mark.django_db
def test_the_french_matches_page_names_the_components_and_renders_the_reasons(
        client, market, cast):
    client.force_login(cast.banker)
    page = client.get(f"/economy/funders/{market.funder.pk}/matches/",
                      HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "le bailleur finance des projets dans les régions Afrique" in page


@pytest.mark.django_db
def test_the_api_carries_code_values_and_the_sentence_in_the_request_language(
        client, small_store, market):
    explained = client.get(f"{API}/countries/KE/index", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert explained["score"] is None
    assert explained["reason_if_missing_message"]["code"] == "index.pillars_without_score"
    assert explained["reason_if_missing_message"]["params"]["pillars"] == [
        "universal", "meaningful"]
    assert "Connectivité universelle" in explained["reason_if_missing"]
    assert explained["missing_data_rule"].startswith("Les indicateurs manquants")
    assert explained["missing_data_rule_message"]["text"] == explained["missing_data_rule"]
    matches = client.get(f"{API}/projects/{market.project.pk}/matches",
                         HTTP_ACCEPT_LANGUAGE="en").json()
    geography = matches["items"][0]["components"][0]
    assert geography["reason"] == "funder funds projects in Africa"
    assert geography["reason_message"] == {"code": "match.funder_funds_regions",
                                           "params": {"regions": ["M49:2"]},
                                           "text": "funder funds projects in Africa"}


@pytest.mark.django_db
def test_the_command_line_renders_in_the_language_asked_for(small_store):
    out = io.StringIO()
    call_command("economy", "explain", "KE", "--language", "fr", stdout=out)
    text = out.getvalue()
    assert "Connectivité universelle" in text
    assert "ni imputés ni comptés comme nuls" in text
    out = io.StringIO()
    call_command("economy", "explain", "KE", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["reason_if_missing"]["code"] == "index.pillars_without_score"
    assert data["reason_if_missing"]["text"] == (
        "no score for Universal connectivity, Meaningful connectivity: too few indicators with"
        " data")
