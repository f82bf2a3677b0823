"""Who may see and do what in the exchange module, as queryset filters and checks.

Every page, API endpoint, search, export and federation answer goes through these
functions. Published public works are visible to everyone. Drafts, held and removed works
and members-only works are visible only to the members of the contributing organisation
and to moderators; to anyone else they do not exist (404, absent from lists and counts).
Hash lists and moderation cases are for moderators only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cybercommons.core import policy as core_policy
from cybercommons.core.models import Membership, Organisation, Role
from cybercommons.exchange.models import (
    Exhibition,
    ExhibitionStatus,
    Follower,
    Following,
    FollowState,
    HashList,
    Instance,
    ModerationCase,
    Notice,
    RemoteWork,
    Visibility,
    Work,
    WorkStatus,
)

Viewer = core_policy.Viewer
MODERATE = "exchange.moderate"


def is_moderator(viewer: Viewer) -> bool:
    """Site superusers and holders of the ``exchange.moderate`` permission."""
    return bool(viewer.is_authenticated and viewer.is_active and viewer.has_perm(MODERATE))


def require_moderator(viewer: Viewer) -> None:
    if not is_moderator(viewer):
        raise PermissionDenied(_("Only moderators may do this."))


def member_organisation_ids(viewer: Viewer) -> list[int]:
    if not viewer.is_authenticated:
        return []
    return list(Membership.objects.filter(user=viewer).values_list("organisation_id", flat=True))


def public_works() -> QuerySet[Work]:
    """What anyone (and federation) may see: published and public."""
    return Work.objects.filter(status=WorkStatus.PUBLISHED, visibility=Visibility.PUBLIC)


def works(viewer: Viewer) -> QuerySet[Work]:
    """The works the viewer may see."""
    if is_moderator(viewer):
        return Work.objects.all()
    visible = Q(status=WorkStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    own = member_organisation_ids(viewer)
    if own:
        visible |= Q(organisation_id__in=own)
    return Work.objects.filter(visible)


def can_contribute(viewer: Viewer, organisation: Organisation) -> bool:
    """Editors (and admins) of an organisation contribute and edit its works."""
    return core_policy.has_role(viewer, organisation, Role.EDITOR)


def require_contributor(viewer: Viewer, organisation: Organisation) -> None:
    if not can_contribute(viewer, organisation):
        raise PermissionDenied(
            _("You need the editor role in %(org)s.") % {"org": organisation.name})


def can_edit(viewer: Viewer, work: Work) -> bool:
    return can_contribute(viewer, work.organisation)


def can_translate(viewer: Viewer, work: Work) -> bool:
    """Any member of the organisation may add a translation."""
    return core_policy.has_role(viewer, work.organisation, Role.MEMBER)


def can_translate_exhibition(viewer: Viewer, exhibition: Exhibition) -> bool:
    """As for works, any member of the organisation may translate its exhibitions."""
    return core_policy.has_role(viewer, exhibition.organisation, Role.MEMBER)


def contributable_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    if not viewer.is_authenticated:
        return Organisation.objects.none()
    if viewer.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=viewer, memberships__role__in=[Role.EDITOR, Role.ADMIN]).distinct()


def exhibitions(viewer: Viewer) -> QuerySet[Exhibition]:
    """Published exhibitions are public; drafts are for the organisation's members."""
    if is_moderator(viewer):
        return Exhibition.objects.all()
    visible = Q(status=ExhibitionStatus.PUBLISHED)
    own = member_organisation_ids(viewer)
    if own:
        visible |= Q(organisation_id__in=own)
    return Exhibition.objects.filter(visible)


def remote_works(viewer: Viewer) -> QuerySet[RemoteWork]:
    """Works received from other servers: not deleted; limited servers only for moderators."""
    qs = RemoteWork.objects.filter(deleted_at__isnull=True)
    return qs if is_moderator(viewer) else qs.filter(limited=False, held=False)


def hash_lists(viewer: Viewer) -> QuerySet[HashList]:
    """Lists are never exposed beyond moderators."""
    return HashList.objects.all() if is_moderator(viewer) else HashList.objects.none()


def cases(viewer: Viewer) -> QuerySet[ModerationCase]:
    return ModerationCase.objects.all() if is_moderator(viewer) else ModerationCase.objects.none()


def own_cases(viewer: Viewer) -> QuerySet[ModerationCase]:
    """The author's view of the cases about their organisation's works (no match details)."""
    own = member_organisation_ids(viewer)
    return ModerationCase.objects.filter(work__organisation_id__in=own)


def instances(viewer: Viewer) -> QuerySet[Instance]:
    return Instance.objects.all() if is_moderator(viewer) else Instance.objects.none()


def pending_followers(viewer: Viewer) -> QuerySet[Follower]:
    """Follow requests from limited servers waiting for a moderator (moderators only)."""
    if not is_moderator(viewer):
        return Follower.objects.none()
    return Follower.objects.filter(state=FollowState.PENDING).select_related(
        "actor", "remote").order_by("created_at", "pk")


def followings(viewer: Viewer) -> QuerySet[Following]:
    """Remote actors our actors follow (moderators only)."""
    if not is_moderator(viewer):
        return Following.objects.none()
    return Following.objects.select_related("actor", "remote").order_by("-created_at", "pk")


def administered_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations whose actor the viewer may make follow others (their administrators)."""
    if not viewer.is_authenticated:
        return Organisation.objects.none()
    if viewer.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=viewer,
                                       memberships__role=Role.ADMIN).distinct()


def notices(viewer: Viewer) -> QuerySet[Notice]:
    """A person's own notices, newest first; the primary key orders notices of one moment
    so that a page boundary never falls between equals."""
    if not viewer.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(user=viewer).order_by("-created_at", "-pk")
