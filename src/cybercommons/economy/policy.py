"""Who may see and do what in the economy module, as queryset filters and checks.

Indicators, observations, index definitions and rankings are public statistics. Projects
and funders marked public are listed for everyone, but their private fields (a project's
budget, amount sought, needs and contact; a funder's internal criteria) are shown only to
the parties: the owning organisation's members and the other side of an expression of
interest. Private projects and funders, and every expression of interest, are visible to
the parties only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cybercommons.core.models import Membership, Role, User
from cybercommons.core.policy import Viewer, has_role
from cybercommons.economy.models import (
    ExpressionOfInterest,
    Funder,
    ImportRun,
    IndexDefinition,
    Indicator,
    Observation,
    Project,
    Visibility,
)


def indicators(viewer: Viewer) -> QuerySet[Indicator]:
    """Indicator definitions are public."""
    return Indicator.objects.all()


def observations(viewer: Viewer) -> QuerySet[Observation]:
    """Observations are public statistics."""
    return Observation.objects.all()


def index_definitions(viewer: Viewer) -> QuerySet[IndexDefinition]:
    """Index definitions, built in or defined by users, are public so anyone can compare."""
    return IndexDefinition.objects.all()


def can_import(user: Viewer) -> bool:
    """Importing statistics changes what everyone sees: staff only."""
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def require_import(user: Viewer) -> None:
    if not can_import(user):
        raise PermissionDenied(_("only site staff may import indicator files"))


def import_runs(viewer: Viewer) -> QuerySet[ImportRun]:
    """Import reports are for staff."""
    return ImportRun.objects.all() if can_import(viewer) else ImportRun.objects.none()


def can_define_index(user: Viewer) -> bool:
    """Any signed-in person may define an index to compare with the built-in ones."""
    return bool(user.is_authenticated and user.is_active)


def _organisation_ids(viewer: Viewer) -> list[int]:
    if not viewer.is_authenticated:
        return []
    return list(Membership.objects.filter(user=viewer).values_list("organisation_id", flat=True))


def _party_q(viewer: Viewer) -> tuple[Q, Q]:
    """(projects the viewer is party to, funders the viewer is party to)."""
    orgs = _organisation_ids(viewer)
    project_q = (Q(organisation_id__in=orgs)
                 | Q(interests__funder__organisation_id__in=orgs))
    funder_q = (Q(organisation_id__in=orgs)
                | Q(interests__project__organisation_id__in=orgs))
    return project_q, funder_q


def projects(viewer: Viewer) -> QuerySet[Project]:
    """Public projects, plus private ones the viewer is a party to."""
    qs = Project.objects.select_related("organisation", "country")
    if viewer.is_authenticated and viewer.is_superuser:
        return qs
    project_q, _funder_q = _party_q(viewer)
    visible = Q(visibility=Visibility.PUBLIC)
    if viewer.is_authenticated:
        visible |= project_q
    ids = Project.objects.filter(visible).values("pk")
    return qs.filter(pk__in=ids)


def funders(viewer: Viewer) -> QuerySet[Funder]:
    """Public funders, plus private ones the viewer is a party to."""
    qs = Funder.objects.select_related("organisation")
    if viewer.is_authenticated and viewer.is_superuser:
        return qs
    _project_q, funder_q = _party_q(viewer)
    visible = Q(visibility=Visibility.PUBLIC)
    if viewer.is_authenticated:
        visible |= funder_q
    ids = Funder.objects.filter(visible).values("pk")
    return qs.filter(pk__in=ids)


def sees_private_project_fields(viewer: Viewer, project: Project) -> bool:
    """The project's organisation and funders with an expression of interest with it."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser:
        return True
    orgs = _organisation_ids(viewer)
    if project.organisation_id in orgs:
        return True
    return project.interests.filter(funder__organisation_id__in=orgs).exists()


def sees_private_funder_fields(viewer: Viewer, funder: Funder) -> bool:
    """The funder's organisation and projects with an expression of interest with it."""
    if not viewer.is_authenticated:
        return False
    if viewer.is_superuser:
        return True
    orgs = _organisation_ids(viewer)
    if funder.organisation_id in orgs:
        return True
    return funder.interests.filter(project__organisation_id__in=orgs).exists()


def can_edit_project(user: Viewer, project: Project) -> bool:
    return has_role(user, project.organisation, Role.EDITOR)


def can_edit_funder(user: Viewer, funder: Funder) -> bool:
    return has_role(user, funder.organisation, Role.EDITOR)


def require_project_editor(user: Viewer, project: Project) -> None:
    if not can_edit_project(user, project):
        raise PermissionDenied(_("you need the editor role in %(organisation)s") % {
            "organisation": project.organisation.name})


def require_funder_editor(user: Viewer, funder: Funder) -> None:
    if not can_edit_funder(user, funder):
        raise PermissionDenied(_("you need the editor role in %(organisation)s") % {
            "organisation": funder.organisation.name})


def answers_allowed(user: Viewer, interest: ExpressionOfInterest) -> list[str]:
    """The answers the user may give to an expression of interest: while it is open, the
    receiving side accepts or declines and the sending side withdraws."""
    if interest.status != ExpressionOfInterest.Status.OPEN:
        return []
    sender_is_funder = interest.direction == ExpressionOfInterest.Direction.FUNDER_TO_PROJECT
    is_funder = can_edit_funder(user, interest.funder)
    is_project = can_edit_project(user, interest.project)
    answers: list[str] = []
    if is_project if sender_is_funder else is_funder:
        answers += [ExpressionOfInterest.Status.ACCEPTED, ExpressionOfInterest.Status.DECLINED]
    if is_funder if sender_is_funder else is_project:
        answers.append(ExpressionOfInterest.Status.WITHDRAWN)
    return answers


def interests(viewer: Viewer) -> QuerySet[ExpressionOfInterest]:
    """Expressions of interest are visible to members of either party only."""
    qs = ExpressionOfInterest.objects.select_related("project__organisation",
                                                     "funder__organisation")
    if not viewer.is_authenticated:
        return qs.none()
    if viewer.is_superuser:
        return qs
    orgs = _organisation_ids(viewer)
    return qs.filter(Q(project__organisation_id__in=orgs) | Q(funder__organisation_id__in=orgs))


def editable_organisations(user: Viewer) -> QuerySet[Membership]:
    """Memberships through which the user may register projects or funders."""
    if not isinstance(user, User):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, role__in=[Role.EDITOR, Role.ADMIN]
                                     ).select_related("organisation")
