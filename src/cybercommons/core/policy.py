"""Who may see and do what in core, as queryset filters and checks.

Every view, API endpoint and export of core goes through these functions, so a rule is
written once. Organisations, countries and public profiles are public; memberships,
invitations and tokens are visible to their owners and the organisation's admins.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from cybercommons.core.models import (
    ROLE_RANK,
    ApiToken,
    Country,
    Invitation,
    Membership,
    Organisation,
    Role,
    User,
)

Viewer = User | AnonymousUser


def countries(viewer: Viewer) -> QuerySet[Country]:
    """Country facts are public."""
    return Country.objects.all()


def organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """The directory of organisations is public: stakeholders must be able to find each other."""
    return Organisation.objects.select_related("country")


def role_in(user: Viewer, organisation: Organisation) -> str | None:
    """The user's role in the organisation, or None."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    return membership.role if membership else None


def has_role(user: Viewer, organisation: Organisation, role: str) -> bool:
    """True when the user holds ``role`` or a stronger one (site superusers always do)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    held = role_in(user, organisation)
    return held is not None and ROLE_RANK[Role(held)] >= ROLE_RANK[Role(role)]


def require_role(user: Viewer, organisation: Organisation, role: str) -> None:
    """Raise PermissionDenied unless the user holds ``role`` in the organisation."""
    if not has_role(user, organisation, role):
        raise PermissionDenied(f"you need the {role} role in {organisation.name}")


def memberships(viewer: Viewer, organisation: Organisation) -> QuerySet[Membership]:
    """Members are listed to the organisation's own members; outsiders see none."""
    qs = Membership.objects.filter(organisation=organisation).select_related("user")
    if has_role(viewer, organisation, Role.MEMBER):
        return qs
    return qs.none()


def own_memberships(viewer: Viewer) -> QuerySet[Membership]:
    """A person's own memberships (their organisations and roles); none for anonymous."""
    if not viewer.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=viewer).select_related("organisation")


def invitations(viewer: Viewer, organisation: Organisation) -> QuerySet[Invitation]:
    """Open invitations are for the organisation's admins only."""
    qs = Invitation.objects.filter(organisation=organisation)
    return qs if has_role(viewer, organisation, Role.ADMIN) else qs.none()


def tokens(viewer: Viewer) -> QuerySet[ApiToken]:
    """A user sees only their own tokens."""
    if not viewer.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=viewer)


def can_create_organisation(user: Viewer) -> bool:
    """Any signed-in person may found an organisation and becomes its first admin."""
    return bool(user.is_authenticated and user.is_active)


def require_signed_in(user: Viewer) -> User:
    if not user.is_authenticated:
        raise PermissionDenied("you must be signed in")
    assert isinstance(user, User)
    return user
