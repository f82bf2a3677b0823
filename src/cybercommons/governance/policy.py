"""Who may see and do what in the governance module, as queryset filters and checks.

Every page, API operation, export (ballot file, opinion-map CSV) and count goes through
:func:`processes`, so a restricted consultation is invisible to a person who is not
invited by every path at once. Participation (comments, amendments, statements, votes,
ballots) needs an invitation, decided by the stakeholder group of the person's
organisation (a citizen with no organisation is an "individual"), their UN regional group
and their country.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cybercommons.core import policy as core_policy
from cybercommons.core.models import Country, Membership, Organisation, Role, User
from cybercommons.governance.models import (
    INDIVIDUAL,
    Amendment,
    Ballot,
    Comment,
    Decision,
    DraftVersion,
    Meeting,
    Notification,
    Participant,
    Phase,
    Process,
    Publication,
    Statement,
    Visibility,
    Vote,
)

Viewer = core_policy.Viewer


@dataclass(frozen=True)
class Profile:
    """The groups a person counts in when taking part."""

    organisation: Organisation | None
    stakeholder_group: str
    country: Country | None

    @property
    def region(self) -> str:
        return self.country.un_regional_group if self.country is not None else ""

    @property
    def developing(self) -> bool:
        return bool(self.country is not None and self.country.is_developing_priority)


def profile_of(user: User) -> Profile:
    """A person's organisation (their first, by joining date), stakeholder group and country.

    The country is the organisation's (a delegate speaks for their organisation's country),
    else the person's own.
    """
    membership = (Membership.objects.filter(user=user).select_related("organisation__country")
                  .order_by("joined_at", "pk").first())
    if membership is None:
        return Profile(None, INDIVIDUAL, user.country)
    organisation = membership.organisation
    return Profile(organisation, organisation.stakeholder_type,
                   organisation.country or user.country)


def is_convenor(user: Viewer, process: Process) -> bool:
    """Editors and admins of the convening organisation run the process."""
    return core_policy.has_role(user, process.convenor, Role.EDITOR)


def invitation_refusal(user: Viewer, process: Process,
                       profile: Profile | None = None) -> str | None:
    """Why the person is not invited to take part, or None when they are.

    ``profile`` may be given when checking many processes for the same person.
    """
    if not user.is_authenticated:
        return _("Log in to take part.")
    if is_convenor(user, process):
        return None
    assert isinstance(user, User)
    return _refusal_for(profile or profile_of(user), process)


def _refusal_for(profile: Profile, process: Process) -> str | None:
    if process.invited_groups and profile.stakeholder_group not in process.invited_groups:
        return _("Your stakeholder group (%(group)s) is not invited to this consultation.") % {
            "group": profile.stakeholder_group}
    if process.invited_regions or process.invited_countries:
        code = profile.country.code if profile.country is not None else ""
        if profile.region not in process.invited_regions and code not in \
                process.invited_countries:
            return _("Your country or region is not invited to this consultation.")
    return None


def is_invited(user: Viewer, process: Process) -> bool:
    return invitation_refusal(user, process) is None


def processes(viewer: Viewer) -> QuerySet[Process]:
    """Public processes, and restricted ones to the people they invite.

    Invitation rules are lists checked in Python against the person's profile (read once);
    restricted processes are few, so the ids a person may see are computed per request
    in a fixed number of queries and the result stays a queryset.
    """
    qs = Process.objects.select_related("convenor", "convenor__country")
    if viewer.is_authenticated and viewer.is_superuser:
        return qs
    public = qs.filter(visibility=Visibility.PUBLIC)
    if not viewer.is_authenticated:
        return public
    assert isinstance(viewer, User)
    profile = profile_of(viewer)
    convening = set(Membership.objects.filter(
        user=viewer, role__in=[Role.EDITOR, Role.ADMIN]).values_list("organisation_id",
                                                                      flat=True))
    visible = [p.pk for p in Process.objects.filter(visibility=Visibility.RESTRICTED)
               if p.convenor_id in convening or _refusal_for(profile, p) is None]
    return qs.filter(Q(visibility=Visibility.PUBLIC) | Q(pk__in=visible))


def versions(viewer: Viewer) -> QuerySet[DraftVersion]:
    return DraftVersion.objects.filter(process__in=processes(viewer))


def comments(viewer: Viewer) -> QuerySet[Comment]:
    return Comment.objects.filter(process__in=processes(viewer)).select_related(
        "section", "author")


def amendments(viewer: Viewer) -> QuerySet[Amendment]:
    return Amendment.objects.filter(process__in=processes(viewer)).select_related(
        "section", "version", "author")


def statements(viewer: Viewer) -> QuerySet[Statement]:
    return Statement.objects.filter(process__in=processes(viewer))


def votes(viewer: Viewer) -> QuerySet[Vote]:
    """Votes are shown only as counts and on the map; a person may list their own."""
    if not viewer.is_authenticated:
        return Vote.objects.none()
    return Vote.objects.filter(statement__process__in=processes(viewer),
                               participant__user=viewer)


def participants(viewer: Viewer) -> QuerySet[Participant]:
    return Participant.objects.filter(process__in=processes(viewer))


def ballots(viewer: Viewer) -> QuerySet[Ballot]:
    """Ballots are secret until published anonymously; a person sees their own."""
    if not viewer.is_authenticated:
        return Ballot.objects.none()
    return Ballot.objects.filter(process__in=processes(viewer), participant__user=viewer)


def decisions(viewer: Viewer) -> QuerySet[Decision]:
    return Decision.objects.filter(process__in=processes(viewer))


def publications(viewer: Viewer) -> QuerySet[Publication]:
    """Requests to publish a result: seen by whoever sees the consultation (they show only
    that a tally is under way, and how far it has got)."""
    return Publication.objects.filter(process__in=processes(viewer))


def meetings(viewer: Viewer) -> QuerySet[Meeting]:
    return Meeting.objects.filter(process__in=processes(viewer))


def notifications(viewer: Viewer) -> QuerySet[Notification]:
    if not viewer.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=viewer, process__in=processes(viewer))


def can_convene(user: Viewer, organisation: Organisation) -> bool:
    """Editors of an organisation may open a consultation in its name."""
    return core_policy.has_role(user, organisation, Role.EDITOR)


def require_convenor(user: Viewer, process: Process) -> User:
    if not is_convenor(user, process):
        raise PermissionDenied(_("Only the convenors of this consultation may do this."))
    assert isinstance(user, User)
    return user


def require_participation(user: Viewer, process: Process, phase: str) -> User:
    """The acting user, when invited and the process is in ``phase``; else the reason."""
    from cybercommons.core.errors import Conflict

    refusal = invitation_refusal(user, process)
    if refusal is not None:
        raise PermissionDenied(refusal)
    if process.phase != phase:
        raise Conflict(_("This is possible only in the %(needed)s phase; the consultation is in "
                         "the %(current)s phase.") % {
            "needed": Phase(phase).label, "current": Phase(process.phase).label})
    assert isinstance(user, User)
    return user
