"""Every change to the security module's state: policy check, transaction, audit, event.

TAXII, the JSON API, the pages, the importers, the federation and the CLI all call these
functions, so an object added through any door is validated, deduplicated, ordered and
audited the same way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cybercommons.core import audit, events
from cybercommons.core.errors import Conflict, NotFound, ServiceError
from cybercommons.core.models import Membership, Organisation, User
from cybercommons.security import policy, version_rows
from cybercommons.security.envelope_reader import RawObject
from cybercommons.security.kernel.stix_timestamps import (
    TimestampError,
    parse_timestamp,
    taxii_text,
)
from cybercommons.security.kernel.stix_validation import (
    ValidationOptions,
    object_version,
    validate_object,
)
from cybercommons.security.kernel.taxii_filters import spec_version_of
from cybercommons.security.kernel.tlp import TLP_RANK, Tlp, TlpError, parse_tlp, stricter
from cybercommons.security.kernel.tlp import tlp_of_marking_refs as tlp_of_refs
from cybercommons.security.models import (
    ApiRoot,
    Collection,
    CollectionGrant,
    SharingGroup,
    Status,
    StixObject,
    Subscription,
)
from cybercommons.security.stix_references import referenced_ids

ONE_MICROSECOND = timedelta(microseconds=1)


class SecurityAction(StrEnum):
    """Audit action names of the security module."""

    API_ROOT_CREATED = "security.api_root.created"
    API_ROOT_MEMBERS_CHANGED = "security.api_root.members_changed"
    COLLECTION_CREATED = "security.collection.created"
    COLLECTION_UPDATED = "security.collection.updated"
    GRANT_SET = "security.collection.grant_set"
    GRANT_REMOVED = "security.collection.grant_removed"
    GROUP_CREATED = "security.sharing_group.created"
    GROUP_MEMBERS_CHANGED = "security.sharing_group.members_changed"
    IMPORT_BY_URL_STARTED = "security.import.url_started"
    IMPORT_FILE_STARTED = "security.import.file_started"
    OBJECTS_ADDED = "security.objects.added"
    OBJECT_DELETED = "security.object.deleted"
    SUBSCRIPTION_CREATED = "security.subscription.created"
    SUBSCRIPTION_RUN = "security.subscription.run"


@dataclass
class AddOutcome:
    """What became of each object of one add request (the TAXII status details)."""

    successes: list[dict[str, str]] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    stored: int = 0
    duplicates: int = 0
    status: Status | None = None


def _tlp(value: str, field_name: str = "tlp") -> Tlp:
    try:
        return parse_tlp(value)
    except TlpError as exc:
        raise ServiceError(str(exc), field=field_name) from None


def publishing_organisation(actor: User, collection: Collection,
                            organisation: Organisation | None = None) -> Organisation:
    """The organisation an actor publishes for: the one named, else their first one.

    Objects belong to an organisation (TLP speaks of organisations), so a person with none
    cannot publish.
    """
    memberships = Membership.objects.filter(user=actor).select_related("organisation")
    if organisation is not None:
        if not memberships.filter(organisation=organisation).exists():
            raise policy.PermissionDenied(_("You may publish only for your own organisations."))
        return organisation
    owned = memberships.filter(organisation_id=collection.owner_id).first()
    chosen = owned or memberships.order_by("organisation_id").first()
    if chosen is None:
        raise policy.PermissionDenied(_("Join an organisation to publish threat intelligence."))
    return chosen.organisation


def version_stamps(obj: dict[str, Any]) -> tuple[Any, Any, str]:
    """``created``, ``modified`` (parsed, or ``None``) and the version key of a valid object.

    The key is the TAXII form of ``modified``, else of ``created``, else "" (SCOs); each
    timestamp is parsed once and serves both the row's columns and its key.
    """
    created, modified = _stamp(obj, "created"), _stamp(obj, "modified")
    moment = modified if "modified" in obj else created
    if moment is None:
        return created, modified, ""
    return created, modified, taxii_text(obj["modified" if "modified" in obj else "created"])


def _stamp(obj: dict[str, Any], name: str) -> Any:
    value = obj.get(name)
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value)
    except TimestampError:
        return None


def _pipe(values: Iterable[str]) -> str:
    items = [v for v in values if isinstance(v, str) and v]
    return "|" + "|".join(items) + "|" if items else ""


def default_recipients(collection: Collection) -> tuple[list[int], list[int]]:
    """Organisations and groups named by the collection's read grants.

    Why: an object posted through TAXII names no recipients itself; posting AMBER or RED
    into a collection shared with named organisations or groups gives it to them.
    """
    orgs, groups = [], []
    for grant in collection.grants.filter(can_read=True):
        if grant.organisation_id:
            orgs.append(grant.organisation_id)
        if grant.sharing_group_id:
            groups.append(grant.sharing_group_id)
    return orgs, groups


def build_version_row(obj: dict[str, Any], raw: str, *, collection: Collection,
                      owner_id: int, actor_id: int | None, stamps: tuple[Any, Any, str],
                      seq: int, added: Any) -> dict[str, Any]:
    """The stored row of one new version of a valid object (``version_rows.INSERT_COLUMNS``).

    ``stamps`` is what ``version_stamps`` gives for ``obj``. It is flagged first and last
    version; ``add_objects`` corrects both against the versions already stored.
    """
    created, modified, version_key = stamps
    marking_refs = obj.get("object_marking_refs") or []
    level, rank = _tlp_columns(tuple(marking_refs), collection.tlp, collection.default_tlp)
    return {
        "collection_id": collection.pk, "seq": seq, "date_added": added,
        "stix_id": obj["id"], "type": obj["type"], "spec_version": spec_version_of(obj),
        "created": created, "modified": modified,
        "version": modified or created or added, "version_key": version_key,
        "is_latest": True, "is_first": True, "raw": raw,
        "name": str(obj.get("name") or "")[:300],
        "labels": _pipe(obj.get("labels") or []),
        "created_by_ref": str(obj.get("created_by_ref") or "")[:300],
        "marking_refs": _pipe(marking_refs), "tlp": level, "tlp_rank": rank,
        "owner_org_id": owner_id, "added_by_id": actor_id,
    }


@lru_cache(maxsize=1024)
def _tlp_columns(marking_refs: tuple[str, ...], collection_tlp: str, default_tlp: str
                 ) -> tuple[str, int]:
    """The ``tlp`` and ``tlp_rank`` columns: a feed's objects share a few marking sets."""
    level = tlp_of_refs(marking_refs, default=Tlp(default_tlp))
    return level.value, TLP_RANK[stricter(level, Tlp(collection_tlp))]


def add_objects(
    actor: User,
    collection: Collection,
    items: Sequence[RawObject],
    *,
    organisation: Organisation | None = None,
    recipient_orgs: Sequence[int] | None = None,
    recipient_groups: Sequence[int] | None = None,
    record_status: bool = True,
    options: ValidationOptions | None = None,
) -> AddOutcome:
    """Validate and store objects; each invalid one is a failure with its reasons.

    A version already present (same id and ``modified``) is a success and is not stored
    twice. ``seq`` and ``date_added`` are handed out under a lock on the collection row, so
    they increase strictly in commit order (the guarantee TAXII paging relies on).
    """
    if not policy.can_write(actor, collection):
        raise policy.PermissionDenied(_("You may not add objects to this collection."))
    owner = publishing_organisation(actor, collection, organisation)
    if recipient_orgs is None and recipient_groups is None:
        recipient_orgs, recipient_groups = default_recipients(collection)
    recipient_orgs = list(recipient_orgs or [])
    recipient_groups = list(recipient_groups or [])
    options = options or ValidationOptions()
    outcome = AddOutcome()
    duplicate_message = _("duplicate in this request")

    Stamps = tuple[Any, Any, str]
    prepared: dict[tuple[str, str], tuple[RawObject, dict[str, str], Stamps]] = {}
    for item in items:
        obj = item.value
        problems = [p for p in validate_object(obj, options=options) if p.severity == "error"]
        version = object_version(obj) if isinstance(obj, dict) else None
        if problems:
            identifier = obj.get("id") if isinstance(obj, dict) else None
            outcome.failures.append({
                "id": identifier if isinstance(identifier, str) else "",
                **({"version": version} if version else {}),
                "message": "; ".join(str(p) for p in problems)[:2000],
            })
            continue
        stamps = version_stamps(obj)
        key = (obj["id"], stamps[2])
        detail = {"id": obj["id"], "version": version} if version else {"id": obj["id"]}
        if key in prepared:
            outcome.duplicates += 1
            outcome.successes.append({**detail, "message": duplicate_message})
            continue
        prepared[key] = (item, detail, stamps)

    with transaction.atomic():
        locked = Collection.objects.select_for_update().get(pk=collection.pk)
        ids = sorted({stix_id for stix_id, _version in prepared})
        present: set[tuple[str, str]] = set()
        bounds: dict[str, tuple[str, str]] = {}
        for stix_id, stored_key in version_rows.existing_versions(locked.pk, ids):
            present.add((stix_id, stored_key))
            low, high = bounds.get(stix_id, (stored_key, stored_key))
            bounds[stix_id] = (min(low, stored_key), max(high, stored_key))
        now = timezone.now()
        last = locked.last_date_added
        seq = locked.last_seq
        first_seq = seq + 1
        rows: list[dict[str, Any]] = []
        references: dict[int, set[str]] = {}
        present_message = _("already present")
        for key, (item, detail, stamps) in prepared.items():
            if key in present:
                outcome.duplicates += 1
                outcome.successes.append({**detail, "message": present_message})
                continue
            obj = item.value
            seq += 1
            added = now if last is None or now > last else last + ONE_MICROSECOND
            last = added
            rows.append(build_version_row(obj, item.raw, collection=locked, owner_id=owner.pk,
                                          actor_id=actor.pk, stamps=stamps, seq=seq,
                                          added=added))
            named = referenced_ids(obj, item.raw)
            if named:
                references[seq] = named
            outcome.successes.append(detail)
        superseded_last, superseded_first = _set_version_flags(rows, bounds)
        version_rows.insert(rows)
        pk_of: dict[int, int] = {}
        if rows and (recipient_orgs or recipient_groups or references):
            pk_of = dict(StixObject.objects.filter(collection=locked, seq__gte=first_seq,
                                                   seq__lte=seq).values_list("seq", "pk"))
        if references:
            version_rows.insert_references(
                [(pk_of[row_seq], target)
                 for row_seq, named in references.items() for target in sorted(named)])
        if rows and (recipient_orgs or recipient_groups):
            pks = list(pk_of.values())
            StixObject.recipient_orgs.through.objects.bulk_create(
                [StixObject.recipient_orgs.through(stixobject_id=pk, organisation_id=org)
                 for pk in pks for org in recipient_orgs], batch_size=1000)
            StixObject.recipient_groups.through.objects.bulk_create(
                [StixObject.recipient_groups.through(stixobject_id=pk, sharinggroup_id=group)
                 for pk in pks for group in recipient_groups], batch_size=1000)
        if superseded_last:
            (StixObject.objects.filter(collection=locked, stix_id__in=superseded_last,
                                       is_latest=True, seq__lt=first_seq)
             .update(is_latest=False))
        if superseded_first:
            (StixObject.objects.filter(collection=locked, stix_id__in=superseded_first,
                                       is_first=True, seq__lt=first_seq)
             .update(is_first=False))
        if rows:
            locked.last_seq = seq
            locked.last_date_added = last
            locked.save(update_fields=["last_seq", "last_date_added"])
        outcome.stored = len(rows)
        record_add_request(actor, locked, owner, outcome, rows, now,
                           record_status=record_status)
    collection.last_seq, collection.last_date_added = locked.last_seq, locked.last_date_added
    return outcome


def record_add_request(actor: User, collection: Collection, owner: Organisation,
                       outcome: AddOutcome, rows: Sequence[dict[str, Any]], now: Any, *,
                       record_status: bool = True) -> None:
    """The audit entry, the event and the TAXII status resource of one add request.

    Runs inside the request's transaction, after its rows are stored.
    """
    audit.record(SecurityAction.OBJECTS_ADDED, actor=actor, obj=collection, data={
        "stored": len(rows), "duplicates": outcome.duplicates,
        "failures": len(outcome.failures), "organisation": owner.slug,
    })
    if rows:
        events.publish("security.objects.added", {
            "collection": str(collection.pk), "count": len(rows),
            "types": sorted({row["type"] for row in rows}),
        }, source="security")
    if record_status:
        outcome.status = Status.objects.create(
            api_root_id=collection.api_root_id, collection=collection, owner=actor,
            status="complete", request_timestamp=now,
            total_count=len(outcome.successes) + len(outcome.failures),
            success_count=len(outcome.successes), failure_count=len(outcome.failures),
            successes=outcome.successes, failures=outcome.failures,
        )


def _set_version_flags(rows: list[dict[str, Any]], bounds: dict[str, tuple[str, str]]
                       ) -> tuple[list[str], list[str]]:
    """Mark the first and last version of each object among new and stored rows.

    Version keys are fixed-width UTC timestamps, so text order is time order. Returns the
    ids whose stored last (first) version a new row supersedes.
    """
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_id[row["stix_id"]].append(row)
    superseded_last, superseded_first = [], []
    for stix_id, versions in by_id.items():
        if len(versions) == 1 and stix_id not in bounds:
            continue  # a new object's only version: first and last, as built
        high = max(v["version_key"] for v in versions)
        low = min(v["version_key"] for v in versions)
        stored = bounds.get(stix_id)
        for row in versions:
            row["is_latest"] = row["version_key"] == high and (stored is None or high > stored[1])
            row["is_first"] = row["version_key"] == low and (stored is None or low < stored[0])
        if stored is not None and high > stored[1]:
            superseded_last.append(stix_id)
        if stored is not None and low < stored[0]:
            superseded_first.append(stix_id)
    return superseded_last, superseded_first


def refresh_version_flags(collection: Collection, stix_id: str) -> None:
    """Recompute which versions of one object are the first and the last (after a delete)."""
    versions = StixObject.objects.filter(collection=collection, stix_id=stix_id)
    bounds = versions.aggregate(low=Min("version"), high=Max("version"))
    versions.update(is_latest=False, is_first=False)
    if bounds["high"] is not None:
        versions.filter(version=bounds["high"]).update(is_latest=True)
        versions.filter(version=bounds["low"]).update(is_first=True)


def add_python_objects(actor: User, collection: Collection, objects: Iterable[dict[str, Any]],
                       **kwargs: Any) -> AddOutcome:
    """Add objects built in Python (forms, importers): their raw text is their JSON."""
    items = [RawObject(json.dumps(obj, ensure_ascii=False), obj) for obj in objects]
    return add_objects(actor, collection, items, **kwargs)


def delete_versions(actor: User, collection: Collection, rows: Iterable[StixObject]) -> int:
    """Delete object versions the actor may see; writers delete their organisation's own,
    collection managers any."""
    rows = list(rows)
    if not rows:
        return 0
    manager = policy.can_manage_collection(actor, collection)
    if not manager:
        if not policy.can_write(actor, collection):
            raise policy.PermissionDenied(_("You may not delete objects in this collection."))
        own = policy.reach(actor).org_ids
        if any(row.owner_org_id not in own for row in rows):
            raise policy.PermissionDenied(
                _("Only the collection's managers may delete other organisations' objects."))
    with transaction.atomic():
        ids = sorted({row.stix_id for row in rows})
        StixObject.objects.filter(pk__in=[row.pk for row in rows]).delete()
        for stix_id in ids:
            refresh_version_flags(collection, stix_id)
            audit.record(SecurityAction.OBJECT_DELETED, actor=actor, object_type="stix",
                         object_id=stix_id[:80],
                         data={"collection": str(collection.pk), "versions": len(rows)})
    return len(rows)


# --- Communities, collections, groups ------------------------------------------------------


def _require_admin_of(actor: User, organisation: Organisation) -> None:
    if not Membership.objects.filter(user=actor, organisation=organisation,
                                     role="admin").exists():
        raise policy.PermissionDenied(_("You must be an administrator of %(org)s.")
                                      % {"org": organisation.name})


def create_api_root(actor: User, *, owner: Organisation, title: str, slug: str = "",
                    description: str = "", max_content_length: int = 10 * 1024 * 1024,
                    members: Sequence[Organisation] = ()) -> ApiRoot:
    """Open a sharing community (a TAXII API root) owned by one of the actor's organisations."""
    _require_admin_of(actor, owner)
    title = title.strip()
    if not title:
        raise ServiceError(_("A title is required."), field="title")
    slug = slugify(slug or title)[:80]
    if not slug:
        raise ServiceError(_("A path segment is required."), field="slug")
    if ApiRoot.objects.filter(slug=slug).exists():
        raise Conflict(_("That path segment is taken."), field="slug")
    if max_content_length < 1024:
        raise ServiceError(_("The request size limit must be at least 1024 bytes."),
                           field="max_content_length")
    with transaction.atomic():
        root = ApiRoot.objects.create(slug=slug, title=title, description=description,
                                      max_content_length=max_content_length, owner=owner)
        root.members.set({owner, *members})
        audit.record(SecurityAction.API_ROOT_CREATED, actor=actor, obj=root,
                     data={"slug": slug, "owner": owner.slug})
    return root


def set_api_root_members(actor: User, root: ApiRoot, members: Sequence[Organisation],
                         groups: Sequence[SharingGroup] = ()) -> ApiRoot:
    """Replace the member organisations and groups of a community (its owner always stays)."""
    if not policy.can_manage_api_root(actor, root):
        raise policy.PermissionDenied(_("Only the community's administrators may do this."))
    with transaction.atomic():
        root.members.set({root.owner, *members})
        root.member_groups.set(groups)
        audit.record(SecurityAction.API_ROOT_MEMBERS_CHANGED, actor=actor, obj=root,
                     data={"members": sorted(o.slug for o in members),
                           "groups": sorted(g.slug for g in groups)})
    policy.forget_reach(actor)
    return root


def create_collection(actor: User, root: ApiRoot, *, owner: Organisation, title: str,
                      description: str = "", alias: str = "", tlp: str = "clear",
                      default_tlp: str = "amber", public_read: bool = False,
                      community_read: bool = True, community_write: bool = False) -> Collection:
    """Open a collection in a community; its owner organisation manages it."""
    _require_admin_of(actor, owner)
    if not root.members.filter(pk=owner.pk).exists() and root.owner_id != owner.pk:
        raise policy.PermissionDenied(_("The owner must be a member of the community."))
    title = title.strip()
    if not title:
        raise ServiceError(_("A title is required."), field="title")
    level, default_level = _tlp(tlp), _tlp(default_tlp, "default_tlp")
    alias = slugify(alias)[:80]
    if alias and Collection.objects.filter(api_root=root, alias=alias).exists():
        raise Conflict(_("That alias is taken in this community."), field="alias")
    with transaction.atomic():
        collection = Collection.objects.create(
            api_root=root, owner=owner, title=title, description=description, alias=alias,
            tlp=level.value, default_tlp=default_level.value, public_read=public_read,
            community_read=community_read, community_write=community_write)
        audit.record(SecurityAction.COLLECTION_CREATED, actor=actor, obj=collection,
                     data={"title": title, "api_root": root.slug, "tlp": level.value})
    return collection


def update_collection(actor: User, collection: Collection, **fields: Any) -> Collection:
    """Change a collection's description or rights; a new level re-ranks its objects."""
    if not policy.can_manage_collection(actor, collection):
        raise policy.PermissionDenied(_("Only the collection's managers may change it."))
    allowed = {"title", "description", "tlp", "default_tlp", "public_read", "community_read",
               "community_write"}
    unknown = set(fields) - allowed
    if unknown:
        raise ServiceError(_("Unknown collection fields: %s") % ", ".join(sorted(unknown)))
    for name in ("tlp", "default_tlp"):
        if name in fields:
            fields[name] = _tlp(fields[name], name).value
    with transaction.atomic():
        for name, value in fields.items():
            setattr(collection, name, value)
        collection.save(update_fields=list(fields))
        if "tlp" in fields:
            level = Tlp(collection.tlp)
            for tlp in Tlp:
                (StixObject.objects.filter(collection=collection, tlp=tlp.value)
                 .update(tlp_rank=TLP_RANK[stricter(tlp, level)]))
        audit.record(SecurityAction.COLLECTION_UPDATED, actor=actor, obj=collection,
                     data={"fields": sorted(fields)})
    return collection


def set_grant(actor: User, collection: Collection, *, organisation: Organisation | None = None,
              group: SharingGroup | None = None, can_read: bool = True,
              can_write: bool = False) -> CollectionGrant:
    """Give one organisation or sharing group read and/or write rights on a collection."""
    if not policy.can_manage_collection(actor, collection):
        raise policy.PermissionDenied(_("Only the collection's managers may share it."))
    if (organisation is None) == (group is None):
        raise ServiceError(_("Name exactly one organisation or one sharing group."))
    with transaction.atomic():
        grant, _created = CollectionGrant.objects.update_or_create(
            collection=collection, organisation=organisation, sharing_group=group,
            defaults={"can_read": can_read, "can_write": can_write})
        audit.record(SecurityAction.GRANT_SET, actor=actor, obj=collection, data={
            "organisation": organisation.slug if organisation else None,
            "group": group.slug if group else None, "read": can_read, "write": can_write})
    return grant


def remove_grant(actor: User, grant: CollectionGrant) -> None:
    if not policy.can_manage_collection(actor, grant.collection):
        raise policy.PermissionDenied(_("Only the collection's managers may change sharing."))
    with transaction.atomic():
        audit.record(SecurityAction.GRANT_REMOVED, actor=actor, obj=grant.collection,
                     data={"grant": grant.pk})
        grant.delete()


def create_sharing_group(actor: User, *, owner: Organisation, name: str, slug: str = "",
                         description: str = "",
                         members: Sequence[Organisation] = ()) -> SharingGroup:
    """Name a set of organisations that share with each other; the owner is always in it."""
    _require_admin_of(actor, owner)
    name = name.strip()
    if not name:
        raise ServiceError(_("A name is required."), field="name")
    slug = slugify(slug or name)[:80]
    if not slug:
        raise ServiceError(_("A short name is required."), field="slug")
    if SharingGroup.objects.filter(slug=slug).exists():
        raise Conflict(_("That short name is taken."), field="slug")
    with transaction.atomic():
        group = SharingGroup.objects.create(name=name, slug=slug, description=description,
                                            owner=owner)
        group.members.set({owner, *members})
        audit.record(SecurityAction.GROUP_CREATED, actor=actor, obj=group,
                     data={"slug": slug, "members": sorted(o.slug for o in group.members.all())})
    policy.forget_reach(actor)
    return group


def set_group_members(actor: User, group: SharingGroup,
                      members: Sequence[Organisation]) -> SharingGroup:
    if not policy.can_manage_group(actor, group):
        raise policy.PermissionDenied(_("Only the group's administrators may change it."))
    with transaction.atomic():
        group.members.set({group.owner, *members})
        audit.record(SecurityAction.GROUP_MEMBERS_CHANGED, actor=actor, obj=group,
                     data={"members": sorted(o.slug for o in group.members.all())})
    policy.forget_reach(actor)
    return group


def create_subscription(actor: User, *, organisation: Organisation, name: str, direction: str,
                        local_collection: Collection, remote_collection_url: str,
                        remote_username: str = "", remote_secret: str = "") -> Subscription:
    """Link a local collection to a remote TAXII 2.1 collection (pull into it or push from it)."""
    if direction not in Subscription.Direction.values:
        raise ServiceError(_("Direction must be pull or push."), field="direction")
    if not policy.acting_organisations(actor).filter(pk=organisation.pk).exists():
        raise policy.PermissionDenied(_("You must be an editor of the organisation."))
    if direction == Subscription.Direction.PULL and not policy.can_write(actor, local_collection):
        raise policy.PermissionDenied(_("You may not add objects to that collection."))
    if direction == Subscription.Direction.PUSH and not policy.can_read(actor, local_collection):
        raise NotFound(_("No such collection."))
    url = remote_collection_url.strip()
    if not url.startswith(("http://", "https://")):
        raise ServiceError(_("The remote collection URL must start with http:// or https://."),
                           field="remote_collection_url")
    if not url.endswith("/"):
        url += "/"
    with transaction.atomic():
        try:
            subscription = Subscription.objects.create(
                name=name.strip() or url, direction=direction,
                local_collection=local_collection, remote_collection_url=url,
                remote_username=remote_username, remote_secret=remote_secret, owner=actor,
                organisation=organisation)
        except IntegrityError:
            raise Conflict(_("That subscription exists already.")) from None
        audit.record(SecurityAction.SUBSCRIPTION_CREATED, actor=actor, obj=subscription,
                     data={"direction": direction, "remote": url,
                           "collection": str(local_collection.pk)})
    return subscription


def start_subscription(actor: User, subscription: Subscription) -> Any:
    """Enqueue a run of a subscription; returns the progress record to follow it by."""
    from cybercommons.core.tasks import start_tracked
    from cybercommons.security.tasks import run_subscription

    if not policy.subscriptions(actor).filter(pk=subscription.pk).exists():
        raise NotFound(_("No such subscription."))
    return start_tracked(run_subscription, _("TAXII subscription: %(name)s")
                         % {"name": subscription.name}, owner=actor,
                         subscription_id=subscription.pk)
