"""Who may see and do what in the infrastructure module, as queryset filters and checks.

The network itself (datasets, cables, landing points, links, exchange points) and its
analysis are public: the point is that anyone can see how exposed a country is. Imports and
segment corrections change what everyone sees, so they are for site staff. Saved scenarios,
candidate projects and planner runs belong to the person who made them and are private
unless marked public; outsiders never see a private one through a page, the API or an
export.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cybercommons.core.models import User
from cybercommons.core.policy import Viewer
from cybercommons.infrastructure.models import (
    IXP,
    Cable,
    CandidateProject,
    Dataset,
    GroundStation,
    ImportRun,
    LandingPoint,
    PlannerRun,
    Satellite,
    SatelliteConstellation,
    Scenario,
    TerrestrialLink,
    UnresolvedName,
)


def datasets(viewer: Viewer) -> QuerySet[Dataset]:
    """Datasets are public."""
    return Dataset.objects.all()


def cables(viewer: Viewer) -> QuerySet[Cable]:
    """Cables are public."""
    return Cable.objects.select_related("dataset")


def landing_points(viewer: Viewer) -> QuerySet[LandingPoint]:
    """Landing points are public."""
    return LandingPoint.objects.select_related("country", "dataset")


def terrestrial_links(viewer: Viewer) -> QuerySet[TerrestrialLink]:
    """Terrestrial links are public."""
    return TerrestrialLink.objects.select_related("country_a", "country_b")


def ixps(viewer: Viewer) -> QuerySet[IXP]:
    """Exchange points are public (as on PeeringDB)."""
    return IXP.objects.select_related("country")


def constellations(viewer: Viewer) -> QuerySet[SatelliteConstellation]:
    """Constellations and their published orbital elements are public."""
    return SatelliteConstellation.objects.all()


def satellites(viewer: Viewer) -> QuerySet[Satellite]:
    """Satellites (public orbital elements)."""
    return Satellite.objects.select_related("constellation")


def ground_stations(viewer: Viewer) -> QuerySet[GroundStation]:
    """Ground stations are public, like the landing points of cables."""
    return GroundStation.objects.select_related("constellation", "country")


def can_import(user: Viewer) -> bool:
    """Importing or correcting the network changes every analysis: staff only."""
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def require_import(user: Viewer) -> None:
    if not can_import(user):
        raise PermissionDenied(_("only site staff may import or correct network data"))


def import_runs(viewer: Viewer) -> QuerySet[ImportRun]:
    """Import reports are for staff."""
    return ImportRun.objects.all() if can_import(viewer) else ImportRun.objects.none()


def unresolved_names(viewer: Viewer) -> QuerySet[UnresolvedName]:
    """The review list of unmapped country names is for staff."""
    return UnresolvedName.objects.all() if can_import(viewer) else UnresolvedName.objects.none()


def _owned_or_public(viewer: Viewer) -> Q:
    if viewer.is_authenticated:
        return Q(is_public=True) | Q(created_by=viewer)
    return Q(is_public=True)


def scenarios(viewer: Viewer) -> QuerySet[Scenario]:
    """Public scenarios, plus the viewer's own (all of them for superusers)."""
    qs = Scenario.objects.select_related("created_by", "dataset")
    if viewer.is_authenticated and viewer.is_superuser:
        return qs
    return qs.filter(_owned_or_public(viewer))


def candidates(viewer: Viewer) -> QuerySet[CandidateProject]:
    """Public candidate projects, plus the viewer's own."""
    qs = CandidateProject.objects.all()
    if viewer.is_authenticated and viewer.is_superuser:
        return qs
    return qs.filter(_owned_or_public(viewer))


def planner_runs(viewer: Viewer) -> QuerySet[PlannerRun]:
    """Public planner runs, plus the viewer's own."""
    qs = PlannerRun.objects.select_related("created_by")
    if viewer.is_authenticated and viewer.is_superuser:
        return qs
    return qs.filter(_owned_or_public(viewer))


def can_save(user: Viewer) -> bool:
    """Saving a scenario, a candidate or a plan needs an account."""
    return bool(user.is_authenticated and user.is_active)


def can_change(user: Viewer, owner_id: int | None) -> bool:
    """Only the owner (or a superuser) changes a saved scenario, candidate or plan."""
    return bool(user.is_authenticated and (user.is_superuser or user.pk == owner_id))


def require_change(user: Viewer, owner_id: int | None) -> None:
    if not can_change(user, owner_id):
        raise PermissionDenied(_("only its author may change this"))


def require_signed_in(user: Viewer) -> User:
    if not user.is_authenticated:
        raise PermissionDenied(_("you must be signed in"))
    assert isinstance(user, User)
    return user
