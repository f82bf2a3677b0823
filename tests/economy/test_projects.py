"""Projects, funders and expressions of interest: services, permissions, private fields,
matching with reasons, links to infrastructure projects."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cybercommons.core.errors import Conflict, ServiceError
from cybercommons.core.models import AuditEntry, Event, Reference
from cybercommons.economy import explanations, policy, queries, services
from cybercommons.economy.kernel.messages import Message
from cybercommons.economy.models import ExpressionOfInterest


@pytest.mark.django_db
def test_an_outsider_cannot_register_a_project_for_an_organisation(cast):
    with pytest.raises(PermissionDenied):
        services.create_project(cast.outsider, cast.ministry, name="X", country="KE")
    with pytest.raises(PermissionDenied):  # members read; editors write
        services.create_project(cast.teammate, cast.ministry, name="X", country="KE")


@pytest.mark.django_db
def test_bad_project_input_is_refused_naming_the_field(cast):
    with pytest.raises(ServiceError, match="valid SDG target") as error:
        services.create_project(cast.owner, cast.ministry, name="X", country="KE",
                                sdg_targets=["nine"])
    assert error.value.field == "sdg_targets"
    with pytest.raises(ServiceError, match="country"):
        services.create_project(cast.owner, cast.ministry, name="X", country="QQ")
    with pytest.raises(ServiceError, match="smallest ticket is above the largest"):
        services.create_funder(cast.banker, cast.bank, name="F", type="foundation",
                               ticket_min_usd=10, ticket_max_usd=5)
    with pytest.raises(ServiceError, match="unknown country codes: QQ"):
        services.create_funder(cast.banker, cast.bank, name="F", type="foundation",
                               countries=["QQ"])


@pytest.mark.django_db
def test_creating_a_project_is_audited_and_announced(market, cast):
    entry = AuditEntry.objects.filter(action=services.EconomyAction.PROJECT_CREATED).first()
    assert entry is not None
    assert entry.actor == cast.owner
    assert Event.objects.filter(name=services.EconomyAction.PROJECT_CREATED).count() == 2


@pytest.mark.django_db
def test_private_projects_and_private_fields_are_for_the_parties_only(market, cast):
    assert market.private_project not in policy.projects(cast.outsider)
    assert market.private_project in policy.projects(cast.teammate)
    assert market.project in policy.projects(cast.outsider)
    assert not policy.sees_private_project_fields(cast.outsider, market.project)
    assert not policy.sees_private_project_fields(cast.banker, market.project)
    assert policy.sees_private_project_fields(cast.teammate, market.project)
    assert not policy.sees_private_funder_fields(cast.owner, market.funder)


@pytest.mark.django_db
def test_an_expression_of_interest_makes_the_parties_see_each_other(market, cast):
    interest = services.express_interest(cast.banker, project=market.project,
                                         funder=market.funder, message="Let us talk")
    assert interest.direction == ExpressionOfInterest.Direction.FUNDER_TO_PROJECT
    assert policy.sees_private_project_fields(cast.banker, market.project)
    assert policy.sees_private_funder_fields(cast.owner, market.funder)
    assert list(policy.interests(cast.teammate)) == [interest]
    assert not policy.interests(cast.outsider).exists()
    assert AuditEntry.objects.filter(action=services.EconomyAction.INTEREST_EXPRESSED,
                                     object_id=str(interest.pk)).exists()
    with pytest.raises(Conflict):
        services.express_interest(cast.banker, project=market.project, funder=market.funder)


@pytest.mark.django_db
def test_only_the_receiving_side_accepts_and_only_the_sender_withdraws(market, cast):
    interest = services.express_interest(cast.banker, project=market.project,
                                         funder=market.funder)
    with pytest.raises(PermissionDenied):
        services.answer_interest(cast.banker, interest, "accepted")
    with pytest.raises(PermissionDenied):
        services.answer_interest(cast.outsider, interest, "accepted")
    with pytest.raises(PermissionDenied):
        services.answer_interest(cast.owner, interest, "withdrawn")
    services.answer_interest(cast.owner, interest, "accepted")
    assert interest.status == "accepted"
    with pytest.raises(Conflict):
        services.answer_interest(cast.owner, interest, "declined")


@pytest.mark.django_db
def test_an_outsider_cannot_express_interest_for_others(market, cast):
    with pytest.raises(PermissionDenied):
        services.express_interest(cast.outsider, project=market.project, funder=market.funder)
    with pytest.raises(ServiceError):  # the private project does not exist for the banker
        services.express_interest(cast.banker, project=market.private_project,
                                  funder=market.funder)


@pytest.mark.django_db
def test_funders_are_ranked_for_a_project_with_the_reasons(market, cast):
    other = services.create_funder(cast.banker, cast.bank, name="Asia only", type="company",
                                   regions=["M49:142"])
    ranked = queries.funders_for_project(cast.owner, market.project)
    assert [funder.pk for funder, _ in ranked] == [market.funder.pk, other.pk]
    best, worst = ranked[0][1], ranked[1][1]
    assert best.eligible
    assert not worst.eligible
    assert Message("match.funder_funds_regions", {"regions": ["M49:2"]}) in best.reasons
    assert Message("match.funder_not_in_country", {"country": "KE"}) in worst.reasons
    assert "does not fund in Kenya" in explanations.render(worst.reasons[0])
    # geography 0.8 (region) x 0.30 + sector 1 x 0.25 + SDG 1 x 0.15 + ticket 1 x 0.20
    # + any funder type 1 x 0.10
    assert best.score == pytest.approx(100 * (0.8 * 0.3 + 0.25 + 0.15 + 0.2 + 0.1))
    projects = queries.projects_for_funder(cast.outsider, market.funder)
    assert market.private_project.pk not in [p.pk for p, _ in projects]


@pytest.mark.django_db
def test_a_project_links_to_an_infrastructure_candidate_by_key(market, cast):
    services.link_infrastructure_project(cast.owner, market.project, "cand-ke-42")
    services.link_infrastructure_project(cast.owner, market.project, "cand-ke-42")
    reference = Reference.objects.get()
    assert (reference.target_module, reference.target_key) == ("infrastructure", "cand-ke-42")
    with pytest.raises(PermissionDenied):
        services.link_infrastructure_project(cast.outsider, market.project, "x")
