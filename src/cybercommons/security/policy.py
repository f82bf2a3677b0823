"""Who may see and do what with threat intelligence: the one rule, as queryset filters.

The rule is ``kernel.tlp.decide_visibility`` (FIRST TLP 2.0 plus sharing groups and
per-collection rights). Here it is written as ORM filters so that TAXII, the JSON API, the
pages, the exports and the federation all ask the database the same question. Platform
superusers get no extra sight of shared intelligence: TLP binds the operator too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from cybercommons.core.models import Membership, Organisation, Role, User
from cybercommons.security.kernel.tlp import TLP_RANK, Tlp
from cybercommons.security.models import (
    ApiRoot,
    Collection,
    CollectionGrant,
    ImportJob,
    SharingGroup,
    Status,
    StixObject,
    Subscription,
)

Viewer = User | AnonymousUser

RANK_CLEAR = TLP_RANK[Tlp.CLEAR]
RANK_GREEN = TLP_RANK[Tlp.GREEN]
RANK_AMBER = TLP_RANK[Tlp.AMBER]
RANK_AMBER_STRICT = TLP_RANK[Tlp.AMBER_STRICT]
RANK_RED = TLP_RANK[Tlp.RED]


@dataclass(frozen=True)
class Reach:
    """The viewer as the rule sees them: organisation, sharing-group and community ids."""

    org_ids: frozenset[int]
    group_ids: frozenset[int]
    community_ids: frozenset[int]
    signed_in: bool


def reach(viewer: Viewer) -> Reach:
    """Where the viewer belongs (read once per request; three small queries)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Reach(frozenset(), frozenset(), frozenset(), False)
    cached: Reach | None = getattr(viewer, "_security_reach", None)
    if cached is not None:
        return cached
    org_ids = frozenset(Membership.objects.filter(user=viewer)
                        .values_list("organisation_id", flat=True))
    group_ids = frozenset(SharingGroup.objects.filter(members__in=org_ids)
                          .values_list("pk", flat=True))
    community_ids = frozenset(ApiRoot.objects.filter(
        Q(owner__in=org_ids) | Q(members__in=org_ids) | Q(member_groups__in=group_ids))
        .values_list("pk", flat=True))
    result = Reach(org_ids, group_ids, community_ids, True)
    viewer._security_reach = result  # type: ignore[attr-defined]
    return result


def forget_reach(viewer: Viewer) -> None:
    """Drop the cached reach (after the viewer's memberships changed)."""
    if hasattr(viewer, "_security_reach"):
        del viewer._security_reach


# --- Collections ------------------------------------------------------------------------


def _read_q(r: Reach, prefix: str = "", outer: str = "pk") -> Q:
    """Who may read a collection (rule 0), relative to a collection at ``prefix``."""
    q = Q(**{prefix + "public_read": True})
    if not r.signed_in:
        return q
    q |= Q(**{prefix + "owner__in": r.org_ids})
    q |= Q(**{prefix + "community_read": True, prefix + "api_root__in": r.community_ids})
    grants = CollectionGrant.objects.filter(
        collection=OuterRef(outer), can_read=True,
    ).filter(Q(organisation__in=r.org_ids) | Q(sharing_group__in=r.group_ids))
    return q | Q(Exists(grants))


def _write_q(r: Reach) -> Q:
    if not r.signed_in:
        return Q(pk__in=[])
    grants = CollectionGrant.objects.filter(collection=OuterRef("pk"), can_write=True).filter(
        Q(organisation__in=r.org_ids) | Q(sharing_group__in=r.group_ids))
    return (Q(owner__in=r.org_ids) | Q(community_write=True, api_root__in=r.community_ids)
            | Q(Exists(grants)))


def readable_collections(viewer: Viewer) -> QuerySet[Collection]:
    """Collections whose objects the viewer may read (subject to each object's TLP)."""
    return Collection.objects.filter(_read_q(reach(viewer))).select_related("api_root")


def writable_collections(viewer: Viewer) -> QuerySet[Collection]:
    """Collections the viewer may add objects to."""
    return Collection.objects.filter(_write_q(reach(viewer))).select_related("api_root")


def visible_collections(viewer: Viewer) -> QuerySet[Collection]:
    """Collections the viewer may read or write; the others do not exist for them."""
    r = reach(viewer)
    return Collection.objects.filter(_read_q(r) | _write_q(r)).select_related("api_root")


def can_read(viewer: Viewer, collection: Collection) -> bool:
    """``_read_q`` for one collection: decided from its own fields where they suffice
    (public, own, community), by the grants query only otherwise."""
    r = reach(viewer)
    if collection.public_read:
        return True
    if not r.signed_in:
        return False
    if collection.owner_id in r.org_ids or (
            collection.community_read and collection.api_root_id in r.community_ids):
        return True
    return readable_collections(viewer).filter(pk=collection.pk).exists()


def can_write(viewer: Viewer, collection: Collection) -> bool:
    """``_write_q`` for one collection, decided as ``can_read`` is."""
    r = reach(viewer)
    if not r.signed_in:
        return False
    if collection.owner_id in r.org_ids or (
            collection.community_write and collection.api_root_id in r.community_ids):
        return True
    return writable_collections(viewer).filter(pk=collection.pk).exists()


def can_manage_collection(viewer: Viewer, collection: Collection) -> bool:
    """Administrators of the collection's owner organisation manage it."""
    return _is_org_admin(viewer, collection.owner_id)


def can_manage_api_root(viewer: Viewer, api_root: ApiRoot) -> bool:
    return _is_org_admin(viewer, api_root.owner_id)


def can_manage_group(viewer: Viewer, group: SharingGroup) -> bool:
    return _is_org_admin(viewer, group.owner_id)


def _is_org_admin(viewer: Viewer, organisation_id: int) -> bool:
    if not viewer.is_authenticated:
        return False
    return Membership.objects.filter(user=viewer, organisation_id=organisation_id,
                                     role=Role.ADMIN).exists()


def acting_organisations(viewer: Viewer) -> QuerySet[Organisation]:
    """Organisations the viewer may publish for (they are an editor or admin there)."""
    if not viewer.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=viewer,
                                       memberships__role__in=[Role.EDITOR, Role.ADMIN])


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --- Objects -----------------------------------------------------------------------------


def object_filter(viewer: Viewer) -> Q:
    """The visibility rule for ``StixObject`` rows, as one ``Q`` (see ``kernel.tlp``)."""
    r = reach(viewer)
    collection_q = _read_q(r, prefix="collection__", outer="collection_id")
    level_q = Q(tlp_rank=RANK_CLEAR)
    if r.signed_in:
        through_orgs = StixObject.recipient_orgs.through.objects.filter(
            stixobject_id=OuterRef("pk"), organisation_id__in=r.org_ids)
        through_groups = StixObject.recipient_groups.through.objects.filter(
            stixobject_id=OuterRef("pk"), sharinggroup_id__in=r.group_ids)
        named_org = Q(Exists(through_orgs))
        named_group = Q(Exists(through_groups))
        level_q |= Q(owner_org__in=r.org_ids)
        level_q |= Q(tlp_rank=RANK_GREEN, collection__api_root__in=r.community_ids)
        level_q |= Q(tlp_rank__in=[RANK_GREEN, RANK_AMBER, RANK_RED]) & (named_org | named_group)
        level_q |= Q(tlp_rank=RANK_AMBER_STRICT) & named_org
    return collection_q & level_q


def objects(viewer: Viewer) -> QuerySet[StixObject]:
    """Every object version the viewer may see, in every collection."""
    return StixObject.objects.filter(object_filter(viewer))


def _version_neighbour(viewer: Viewer, lookup: str) -> Exists:
    """Another version of the same object, in the same collection, that the viewer sees."""
    return Exists(StixObject.objects.filter(
        object_filter(viewer), collection_id=OuterRef("collection_id"),
        stix_id=OuterRef("stix_id"), **{"version_key__" + lookup: OuterRef("version_key")}))


def newest_visible(viewer: Viewer) -> Q:
    """Rows that are the newest version of their object *among those the viewer sees*.

    The stored ``is_latest`` flag counts every version, so on its own a newer version the
    viewer may not see (a TLP:RED revision of a TLP:GREEN indicator) would hide the older
    one they may see and reveal that a revision exists. A row flagged latest and visible
    is the newest visible; any other visible row is, unless a newer visible one exists.
    Combine it with ``object_filter`` (it says nothing about the row's own visibility).
    """
    return Q(is_latest=True) | Q(~_version_neighbour(viewer, "gt"))


def oldest_visible(viewer: Viewer) -> Q:
    """Rows that are the oldest version of their object among those the viewer sees."""
    return Q(is_first=True) | Q(~_version_neighbour(viewer, "lt"))


def latest_objects(viewer: Viewer) -> QuerySet[StixObject]:
    """The newest version the viewer may see of every object, in every collection."""
    return objects(viewer).filter(newest_visible(viewer))


def objects_in(viewer: Viewer, collection: Collection) -> QuerySet[StixObject]:
    """The object versions of one collection the viewer may see (none without read)."""
    return StixObject.objects.filter(collection=collection).filter(object_filter(viewer))


def statuses(viewer: Viewer) -> QuerySet[Status]:
    """A status resource is seen only by the account whose request made it."""
    if not viewer.is_authenticated:
        return Status.objects.none()
    return Status.objects.filter(owner=viewer)


def import_jobs(viewer: Viewer) -> QuerySet[ImportJob]:
    """An import's status and report are seen by the account that started it and by the
    administrators of the collection's owner organisation, nobody else: the report names
    the objects, the URL or file may be private to the importer."""
    if not viewer.is_authenticated:
        return ImportJob.objects.none()
    managed = Membership.objects.filter(user=viewer, role=Role.ADMIN).values("organisation")
    return ImportJob.objects.filter(Q(owner=viewer) | Q(collection__owner__in=managed))


def sharing_groups(viewer: Viewer) -> QuerySet[SharingGroup]:
    """Groups the viewer's organisations belong to or own; the others stay private."""
    r = reach(viewer)
    if not r.signed_in:
        return SharingGroup.objects.none()
    return SharingGroup.objects.filter(Q(pk__in=r.group_ids) | Q(owner__in=r.org_ids)).distinct()


def api_roots(viewer: Viewer) -> QuerySet[ApiRoot]:
    """API roots are a public directory of communities (their collections are not)."""
    return ApiRoot.objects.all()


def subscriptions(viewer: Viewer) -> QuerySet[Subscription]:
    """Subscriptions are managed by the admins and editors of the subscribing organisation."""
    if not viewer.is_authenticated:
        return Subscription.objects.none()
    return Subscription.objects.filter(organisation__in=acting_organisations(viewer))
