"""Services of the governance module: phases, drafts, amendments, votes and tallies."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cybercommons.core.errors import Conflict, ServiceError
from cybercommons.core.models import AuditEntry, Role, StakeholderType
from cybercommons.governance import services
from cybercommons.governance.models import (
    AmendmentStatus,
    DecisionRule,
    Notification,
    Phase,
    Process,
    Vote,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.governance.conftest import Cast, member

pytestmark = pytest.mark.django_db

MakeProcess = Callable[..., Process]


def test_it_opens_a_process_with_a_first_version_and_all_un_languages(
        make_process: MakeProcess) -> None:
    process = make_process()
    version = process.current_version
    assert version is not None
    assert version.number == 1
    assert [s.key for s in version.sections.all()] == ["purpose", "repair"]
    statuses = dict(version.translations.values_list("language", "status"))
    assert statuses == {"ar": "missing", "zh-hans": "missing", "en": "final", "fr": "missing",
                        "ru": "missing", "es": "missing"}


def test_an_outsider_cannot_convene_in_an_organisations_name(cast: Cast) -> None:
    with pytest.raises(PermissionDenied):
        services.create_process(cast.outsider, convenor=cast.secretariat, title="X",
                                sections=[("a", "A", "text")])


def test_it_refuses_a_ranked_rule_without_options(cast: Cast) -> None:
    with pytest.raises(ServiceError, match="at least two options"):
        services.create_process(cast.convenor, convenor=cast.secretariat, title="X",
                                decision_rule=DecisionRule.SCHULZE,
                                sections=[("a", "A", "text")])


def test_a_phase_change_is_audited_and_notified(make_process: MakeProcess, cast: Cast,
                                                mailoutbox: list,
                                                django_capture_on_commit_callbacks: Any) -> None:
    process = make_process()
    with django_capture_on_commit_callbacks(execute=True):
        services.change_phase(cast.convenor, process, Phase.COMMENTS, note="open")
    entry = AuditEntry.objects.filter(action=services.GovernanceAction.PHASE_CHANGED).last()
    assert entry is not None
    assert entry.data == {"from": "information", "to": "comments", "note": "open"}
    assert Notification.objects.filter(user=cast.convenor, kind="phase_changed").exists()
    assert any(cast.convenor.email in m.to for m in mailoutbox)


def test_only_convenors_change_the_phase(make_process: MakeProcess, cast: Cast) -> None:
    process = make_process()
    with pytest.raises(PermissionDenied):
        services.change_phase(cast.government, process, Phase.COMMENTS)


def test_a_comment_outside_the_comments_phase_is_refused_with_the_reason(
        make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.AMENDMENTS)
    section = process.current_version.sections.get(key="repair")  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="Comments phase"):
        services.add_comment(cast.government, process, section, "Too slow.")


def test_a_comment_quotes_a_passage_that_is_in_the_section(
        make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.COMMENTS)
    section = process.current_version.sections.get(key="repair")  # type: ignore[union-attr]
    comment = services.add_comment(cast.citizen, process, section, "Too slow.",
                                   quote="within 7 days")
    assert comment.quote == "within 7 days"
    with pytest.raises(ServiceError, match="quoted passage"):
        services.add_comment(cast.citizen, process, section, "?", quote="within 9 days")


def test_an_amendment_to_an_old_version_is_refused_with_the_reason(
        make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.AMENDMENTS)
    v1 = process.current_version
    assert v1 is not None
    repair = v1.sections.get(key="repair")
    first = services.propose_amendment(cast.government, process, v1, repair,
                                       "States should grant repair permits within 48 hours.")
    v2 = services.merge_amendments(cast.convenor, process, [first])
    assert v2.number == 2
    assert v2.sections.get(key="repair").body.endswith("within 48 hours.")
    first.refresh_from_db()
    assert first.status == AmendmentStatus.MERGED
    assert first.merged_into == v2
    with pytest.raises(Conflict, match="Version 1 has been replaced by version 2"):
        services.propose_amendment(cast.company, process, v1, repair, "Within 3 days.")


def test_rejecting_an_amendment_needs_a_reason(make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.AMENDMENTS)
    v1 = process.current_version
    assert v1 is not None
    amendment = services.propose_amendment(cast.company, process, v1,
                                           v1.sections.get(key="repair"), "Never.")
    with pytest.raises(ServiceError, match="reason"):
        services.decide_amendment(cast.convenor, amendment, accept=False)
    services.decide_amendment(cast.convenor, amendment, accept=False, reason="Out of scope.")
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.REJECTED
    assert amendment.decision_reason == "Out of scope."


def test_a_new_version_notifies_participants(make_process: MakeProcess, cast: Cast,
                                             mailoutbox: list,
                                             django_capture_on_commit_callbacks: Any) -> None:
    process = make_process(Phase.AMENDMENTS)
    v1 = process.current_version
    assert v1 is not None
    amendment = services.propose_amendment(cast.company, process, v1,
                                           v1.sections.get(key="repair"), "Within 2 days.")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.merge_amendments(cast.convenor, process, [amendment])
    assert Notification.objects.filter(user=cast.company, kind="new_version").exists()
    assert any(cast.company.email in m.to for m in mailoutbox)


def test_a_double_vote_is_refused(make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP)
    statement = services.add_statement(cast.citizen, process, "Repairs must be fast.")
    services.cast_vote(cast.government, statement, 1)
    with pytest.raises(Conflict, match="already voted"):
        services.cast_vote(cast.government, statement, -1)
    assert Vote.objects.get(statement=statement).value == 1


def test_a_vote_outside_the_phase_is_refused(make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP)
    statement = services.add_statement(cast.citizen, process, "Repairs must be fast.")
    services.change_phase(cast.convenor, process, Phase.DECISION)
    statement.refresh_from_db()
    with pytest.raises(Conflict, match="Opinion map phase"):
        services.cast_vote(cast.government, statement, 1)


def test_someone_not_invited_is_refused_with_the_reason(
        make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP, invited_groups=["government"])
    statement = services.add_statement(cast.government, process, "Repairs must be fast.")
    with pytest.raises(PermissionDenied, match="stakeholder group"):
        services.cast_vote(cast.company, statement, 1)
    with pytest.raises(PermissionDenied, match="individual"):
        services.cast_vote(cast.citizen, statement, 1)


def test_an_invitation_by_region_or_country(make_process: MakeProcess, cast: Cast) -> None:
    process = make_process(Phase.OPINION_MAP, invited_regions=["african"],
                           invited_countries=["FJ"])
    statement = services.add_statement(cast.government, process, "Kenya is in.")
    services.cast_vote(cast.company, statement, 1)  # Fiji, invited by country
    with pytest.raises(PermissionDenied, match="country or region"):
        services.cast_vote(cast.citizen, statement, 1)  # France


def _decision_process(make_process: MakeProcess, rule: str, **kwargs: object) -> Process:
    return make_process(Phase.DECISION, decision_rule=rule, **kwargs)


def test_equal_stakeholder_groups_tally_matches_a_hand_count(
        make_process: MakeProcess, cast: Cast) -> None:
    """Governments 2 yes 1 no (2/3 : 1/3), companies 1 no (0 : 1), individuals 1 yes
    (1 : 0): 5/3 for, 4/3 against, adopted; by head count 3 for, 2 against."""
    process = _decision_process(make_process, DecisionRule.STAKEHOLDER_GROUPS)
    ministry2 = OrganisationFactory(stakeholder_type=StakeholderType.GOVERNMENT,
                                    country=cast.kenya)
    minister2 = member(ministry2, "minister2")
    minister3 = member(ministry2, "minister3")
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(minister2, process, choice="yes")
    services.cast_ballot(minister3, process, choice="no")
    services.cast_ballot(cast.company, process, choice="no")
    services.cast_ballot(cast.citizen, process, choice="yes")
    decision = services.publish_decision(cast.convenor, process)
    assert decision.outcome == "adopted"
    assert decision.result["yes"]["fraction"] == "5/3"
    assert decision.result["no"]["fraction"] == "4/3"
    assert decision.result["parts"]["government"]["yes"]["fraction"] == "2/3"
    assert decision.other_results["simple_majority"]["yes"]["fraction"] == "3"
    assert decision.other_results["simple_majority"]["no"]["fraction"] == "2"
    # One organisation, one vote: the ministry of Kenya (1 yes), the second ministry
    # (1/2 : 1/2), the company (0 : 1); the citizen has no organisation.
    one_org = decision.other_results["one_organisation_one_vote"]
    assert Fraction(one_org["yes"]["fraction"]) == Fraction(3, 2)
    assert Fraction(one_org["no"]["fraction"]) == Fraction(3, 2)
    assert one_org["outcome"] == "tie"
    assert AuditEntry.objects.filter(action=services.GovernanceAction.DECISION_PUBLISHED,
                                     data__sha256=decision.sha256).exists()


def test_a_tie_is_reported_as_a_tie(make_process: MakeProcess, cast: Cast) -> None:
    process = _decision_process(make_process, DecisionRule.SIMPLE_MAJORITY)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no")
    decision = services.publish_decision(cast.convenor, process)
    assert decision.outcome == "tie"


def test_no_ballots_is_reported_as_no_eligible_voters(
        make_process: MakeProcess, cast: Cast) -> None:
    process = _decision_process(make_process, DecisionRule.REGIONAL_GROUPS)
    decision = services.publish_decision(cast.convenor, process)
    assert decision.outcome == "no_eligible_voters"


def test_the_developing_country_safeguard_counts_small_island_participants(
        make_process: MakeProcess, cast: Cast) -> None:
    """Kenya and France vote yes, Fiji (a SIDS) votes no: a majority overall (2 : 1) but
    not among developing-priority participants (0 : 1), so rejected."""
    process = _decision_process(make_process, DecisionRule.DEVELOPING_SAFEGUARD)
    services.cast_ballot(cast.government, process, choice="yes")
    services.cast_ballot(cast.citizen, process, choice="yes")
    services.cast_ballot(cast.company, process, choice="no")
    decision = services.publish_decision(cast.convenor, process)
    assert decision.outcome == "rejected"
    assert decision.other_results["simple_majority"]["outcome"] == "adopted"


def test_ranked_choice_elects_the_schulze_winner(make_process: MakeProcess, cast: Cast) -> None:
    process = _decision_process(make_process, DecisionRule.SCHULZE,
                                options=["48 hours", "7 days", "14 days"])
    services.cast_ballot(cast.government, process, ranking=["48 hours", "7 days"])
    services.cast_ballot(cast.company, process, ranking=["7 days", "48 hours", "14 days"])
    services.cast_ballot(cast.citizen, process, ranking=["48 hours", "14 days"])
    with pytest.raises(ServiceError, match="Unknown options"):
        services.cast_ballot(cast.convenor, process, ranking=["tomorrow"])
    decision = services.publish_decision(cast.convenor, process)
    assert decision.outcome == "elected"
    assert decision.result["winner"] == "48 hours"


def test_a_second_ballot_and_a_ballot_after_the_result_are_refused(
        make_process: MakeProcess, cast: Cast) -> None:
    process = _decision_process(make_process, DecisionRule.SIMPLE_MAJORITY)
    services.cast_ballot(cast.government, process, choice="yes")
    with pytest.raises(Conflict, match="already voted"):
        services.cast_ballot(cast.government, process, choice="no")
    services.publish_decision(cast.convenor, process)
    with pytest.raises(Conflict, match="voting is closed"):
        services.cast_ballot(cast.company, process, choice="no")


def test_the_outcome_phase_needs_a_published_decision(
        make_process: MakeProcess, cast: Cast) -> None:
    process = _decision_process(make_process, DecisionRule.SIMPLE_MAJORITY)
    with pytest.raises(Conflict, match="Publish the decision"):
        services.change_phase(cast.convenor, process, Phase.OUTCOME)


def test_a_meeting_links_its_minutes_to_sections(make_process: MakeProcess, cast: Cast) -> None:
    from datetime import UTC, datetime

    process = make_process()
    meeting = services.save_meeting(cast.convenor, process, title="Kick-off",
                                    starts_at=datetime(2026, 5, 1, 9, tzinfo=UTC),
                                    minutes="Discussed repair.", section_keys=["repair"])
    assert [s.key for s in meeting.sections.all()] == ["repair"]
    with pytest.raises(ServiceError, match="not in the current version"):
        services.save_meeting(cast.convenor, process, title="Again",
                              starts_at=datetime(2026, 5, 2, 9, tzinfo=UTC),
                              section_keys=["nowhere"])


def test_an_editor_of_another_organisation_is_not_a_convenor(
        make_process: MakeProcess, cast: Cast) -> None:
    process = make_process()
    stranger = UserFactory(username="stranger")
    member(OrganisationFactory(), "stranger-editor", Role.EDITOR)
    with pytest.raises(PermissionDenied):
        services.set_schedule(stranger, process, Phase.COMMENTS, starts_on=None, ends_on=None)
