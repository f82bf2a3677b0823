"""A published result reads in words: the notification tells each participant the outcome
in their own language, and a tally by organisation names the organisations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from cybercommons.core.models import Organisation
from cybercommons.governance import outcomes, services
from cybercommons.governance.explanations import part_rows
from cybercommons.governance.models import DecisionRule, Notification, Phase, Process
from tests.governance.conftest import Cast

pytestmark = pytest.mark.django_db

API = "/api/v1/governance/processes"


def _organisation(user: Any) -> Organisation:
    return user.memberships.get().organisation


# --- The notification of a published decision -------------------------------------------


def test_the_outcome_sentence_is_english_by_default_and_french_through_the_catalogue() -> None:
    assert outcomes.decision_published("Cable norm", "adopted") == (
        "The result of Cable norm is published: adopted.")
    assert outcomes.decision_published("Cable norm", "tie") == (
        "The result of Cable norm is published: a tie, reported as such.")
    with translation.override("fr"):
        assert outcomes.decision_published("Cable norm", "adopted") == (
            "Le résultat de Cable norm est publié : adopté.")
        assert outcomes.outcome_label("no_eligible_voters") == "aucun votant éligible"
    # A code from a later version is shown as it is rather than hidden.
    assert outcomes.outcome_label("from_a_later_version") == "from_a_later_version"


def test_each_participant_is_told_the_outcome_in_their_own_language(
        make_process: Callable[..., Process], cast: Cast, mailoutbox: list,
        django_capture_on_commit_callbacks: Any) -> None:
    cast.company.language = "fr"
    cast.company.save(update_fields=["language"])
    process = make_process(Phase.DECISION)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.citizen, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no")
    # The convenor publishes from a French page: that must not choose anyone's language.
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        decision = services.publish_decision(cast.convenor, process)
    assert decision.outcome == "adopted"

    def told(user: Any) -> str:
        return Notification.objects.get(user=user, process=process, kind="decision").message

    english = "The result of Cable norm is published: adopted."
    french = "Le résultat de Cable norm est publié : adopté."
    assert told(cast.government) == english
    assert told(cast.convenor) == english
    assert told(cast.company) == french
    mail = {m.to[0]: m.body for m in mailoutbox if m.body.startswith(("The result", "Le r"))}
    assert mail[cast.government.email].startswith(english + "\n\n")
    assert mail[cast.company.email].startswith(french + "\n\n")
    assert mail[cast.company.email].endswith(f"/governance/{process.slug}/result/")


def test_the_notifications_page_shows_the_sentence_not_the_code(
        make_process: Callable[..., Process], cast: Cast) -> None:
    process = make_process(Phase.DECISION, decision_rule=DecisionRule.SIMPLE_MAJORITY)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no")
    services.publish_decision(cast.convenor, process)
    client = Client()
    client.force_login(cast.government)
    page = client.get("/governance/notifications/").content.decode()
    assert "The result of Cable norm is published: a tie, reported as such." in page
    assert "published: tie" not in page


# --- Parts of a tally by organisation ------------------------------------------------------


@pytest.fixture
def by_organisation(make_process: Callable[..., Process], cast: Cast) -> Process:
    """Under one organisation, one vote: the ministry votes yes, the cable company no,
    the citizen (no organisation) is not counted."""
    ministry = _organisation(cast.government)
    ministry.name = "Ministry of ICT & Innovation"
    ministry.save(update_fields=["name"])
    cables = _organisation(cast.company)
    cables.name = "Pacific Cables"
    cables.save(update_fields=["name"])
    process = make_process(Phase.DECISION,
                           decision_rule=DecisionRule.ONE_ORGANISATION_ONE_VOTE)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no")
    services.cast_ballot(cast.citizen, process, choice="yes")
    services.publish_decision(cast.convenor, process)
    return process


def test_the_result_page_names_the_organisations_of_the_tally(
        by_organisation: Process, cast: Cast) -> None:
    ministry, cables = _organisation(cast.government), _organisation(cast.company)
    page = Client().get(f"/governance/{by_organisation.slug}/result/").content.decode()
    assert (f'<th scope="row">{escape("Ministry of ICT & Innovation")}</th>'
            "<td>1</td><td>0</td>") in page
    assert '<th scope="row">Pacific Cables</th><td>0</td><td>1</td>' in page
    for pk in (ministry.pk, cables.pk):
        assert f'<th scope="row">{pk}</th>' not in page


def test_an_organisation_no_longer_in_the_directory_is_shown_by_its_number(
        by_organisation: Process, cast: Cast) -> None:
    cables = _organisation(cast.company)
    number = cables.pk
    cables.delete()
    page = Client().get(f"/governance/{by_organisation.slug}/result/").content.decode()
    assert f'<th scope="row">Organisation no. {number}</th><td>0</td><td>1</td>' in page
    result = Client().get(f"{API}/{by_organisation.slug}/result").json()
    assert result["result"]["parts"][str(number)]["name"] is None


def test_the_api_keeps_the_ids_and_adds_the_names(by_organisation: Process,
                                                  cast: Cast) -> None:
    ministry, cables = _organisation(cast.government), _organisation(cast.company)
    result = Client().get(f"{API}/{by_organisation.slug}/result").json()
    assert result["rule"] == "one_organisation_one_vote"
    parts = result["result"]["parts"]
    assert parts[str(ministry.pk)] == {"yes": {"fraction": "1", "value": 1.0},
                                       "no": {"fraction": "0", "value": 0.0},
                                       "name": "Ministry of ICT & Innovation"}
    assert parts[str(cables.pk)]["name"] == "Pacific Cables"
    beside = result["other_results"]["one_organisation_one_vote"]["parts"]
    assert beside[str(ministry.pk)]["name"] == "Ministry of ICT & Innovation"
    # Parts named by group are left as they are.
    groups = result["other_results"]["equal_stakeholder_groups"]["parts"]
    assert groups["government"] == {"yes": {"fraction": "1", "value": 1.0},
                                    "no": {"fraction": "0", "value": 0.0}}


def test_parts_by_group_keep_their_translated_labels() -> None:
    result = {"rule": "equal_stakeholder_groups",
              "parts": {"government": {"yes": {"fraction": "1/2"}, "no": {"fraction": "1/2"}}}}
    assert part_rows(result, {"government": "not an organisation"}) == [
        ("Government", "1/2", "1/2")]
