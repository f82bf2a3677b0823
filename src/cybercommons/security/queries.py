"""Reads of the security module, always through policy.

``taxii_page`` is the TAXII selection: the kernel's filters (``kernel.taxii_filters``)
written as SQL over the version rows, with keyset paging on ``seq`` (which increases
strictly with ``date_added`` inside a collection, so ``seq > last`` is the row comparison
``(date_added, seq) > (d, s)`` of ``kernel.taxii_paging``). No OFFSET: a deep page reads
the same number of index entries as the first.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from cybercommons.security import policy
from cybercommons.security.kernel.taxii_filters import FilterSpec
from cybercommons.security.kernel.taxii_paging import (
    PagePosition,
    decode_cursor,
    encode_cursor,
)
from cybercommons.security.kernel.tlp import TLP_RANK, Tlp
from cybercommons.security.models import Collection, ImportJob, StixObject, StixReference

CURSOR_MAX_AGE = timedelta(days=1)


def paging_key() -> bytes:
    """The HMAC key of TAXII paging tokens, derived from the site secret."""
    return hashlib.sha256(b"cybercommons.taxii.paging:" + settings.SECRET_KEY.encode()).digest()


def apply_filters(qs: QuerySet[StixObject], spec: FilterSpec,
                  viewer: policy.Viewer) -> QuerySet[StixObject]:
    """The SQL form of ``kernel.taxii_filters.apply_filters`` (without paging).

    ``first`` and ``last`` are the first and last versions the viewer may see, so a
    version hidden from them neither replaces nor betrays the ones they see.
    """
    if spec.ids is not None:
        qs = qs.filter(stix_id__in=sorted(spec.ids))
    if spec.types is not None:
        qs = qs.filter(type__in=sorted(spec.types))
    if spec.spec_versions is not None:
        qs = qs.filter(spec_version__in=sorted(spec.spec_versions))
    chooser = spec.versions
    if not chooser.all:
        wanted = Q(pk__in=[])
        if chooser.first:
            wanted |= policy.oldest_visible(viewer)
        if chooser.last:
            wanted |= policy.newest_visible(viewer)
        if chooser.timestamps:
            wanted |= Q(version__in=sorted(chooser.timestamps))
        qs = qs.filter(wanted)
    if spec.added_after is not None:
        qs = qs.filter(date_added__gt=spec.added_after)
    return qs


@dataclass(frozen=True)
class TaxiiPage:
    """One page of rows with what the response needs about paging."""

    rows: list[dict[str, Any]]
    more: bool
    next_token: str | None
    first_added: datetime | None
    last_added: datetime | None


def taxii_page(qs: QuerySet[StixObject], spec: FilterSpec, scope: str,
               fields: tuple[str, ...], collection: Collection | None = None, *,
               viewer: policy.Viewer) -> TaxiiPage:
    """Read one page of a filtered, policy-scoped queryset (``limit + 1`` rows, no OFFSET).

    With ``collection``, ``added_after`` also becomes a lower bound on ``seq`` (found
    through the date-added index), so the database walks the ``seq`` index from there
    instead of filtering every older row on its way.
    """
    fingerprint = spec.fingerprint(scope)
    key = paging_key()
    # The smallest seq the page may start at: one bound, never two, since with two lower
    # bounds on seq a planner (SQLite's) starts the index walk at one and filters by the
    # other, and a deep page would read every row between them.
    lowest = 0
    if spec.added_after is not None and collection is not None:
        # date_added grows strictly with seq inside a collection, so the seq bound is the
        # whole added_after condition; leaving the date filter out keeps the planner on
        # the seq index (with both, SQLite may scan the date index and sort).
        first = (StixObject.objects.filter(collection=collection,
                                           date_added__gt=spec.added_after)
                 .order_by("date_added").values_list("seq", flat=True).first())
        qs = apply_filters(qs, replace(spec, added_after=None), viewer)
        if first is None:
            qs = qs.none()
        lowest = first or 0
    else:
        qs = apply_filters(qs, spec, viewer)
    if spec.next_token:
        position = decode_cursor(spec.next_token, fingerprint, key, max_age=CURSOR_MAX_AGE)
        lowest = max(lowest, position.sequence + 1)
    if lowest:
        qs = qs.filter(seq__gte=lowest)
    window = list(qs.order_by("seq").values("seq", "date_added", *fields)[: spec.limit + 1])
    more = len(window) > spec.limit
    rows = window[: spec.limit]
    token = None
    if more:
        last = rows[-1]
        token = encode_cursor(PagePosition(last["date_added"], last["seq"]), fingerprint, key)
    return TaxiiPage(rows, more, token, rows[0]["date_added"] if rows else None,
                     rows[-1]["date_added"] if rows else None)


def collection_for(viewer: policy.Viewer, root_slug: str, key: str) -> Collection | None:
    """A collection by id or alias, if the viewer may read or write it (else ``None``).

    Looked up by its key first, then judged by ``policy.can_read``/``can_write`` (what
    ``policy.visible_collections`` selects): every TAXII request starts here, and the
    one-collection checks mostly decide without a query.
    """
    qs = Collection.objects.filter(api_root__slug=root_slug).select_related("api_root")
    try:
        collection = qs.filter(pk=uuid.UUID(key)).first()
    except ValueError:
        collection = qs.filter(alias=key).first() if key else None
    if collection is None:
        return None
    if policy.can_read(viewer, collection) or policy.can_write(viewer, collection):
        return collection
    return None


def search_objects(viewer: policy.Viewer, *, q: str = "", type: str = "", label: str = "",
                   tlp: str = "", collection: str = "", added_after: datetime | None = None,
                   added_before: datetime | None = None,
                   latest_only: bool = True) -> QuerySet[StixObject]:
    """Objects the viewer may see, filtered as the pages and the JSON API offer."""
    qs = policy.objects(viewer).select_related("collection", "collection__api_root",
                                               "owner_org")
    if latest_only:
        qs = qs.filter(policy.newest_visible(viewer))
    if type:
        qs = qs.filter(type=type)
    if label:
        qs = qs.filter(labels__contains="|" + label.replace("|", "") + "|")
    if tlp:
        try:
            qs = qs.filter(tlp=Tlp(tlp.lower()).value)
        except ValueError:
            qs = qs.none()
    if collection:
        try:
            qs = qs.filter(collection_id=uuid.UUID(collection))
        except ValueError:
            qs = qs.none()
    if added_after is not None:
        qs = qs.filter(date_added__gt=added_after)
    if added_before is not None:
        qs = qs.filter(date_added__lt=added_before)
    for word in q.split()[:8]:
        qs = qs.filter(Q(name__icontains=word) | Q(stix_id__icontains=word)
                       | Q(raw__icontains=word))
    return qs


def object_versions(viewer: policy.Viewer, stix_id: str) -> QuerySet[StixObject]:
    """Every version of one object the viewer may see, oldest first."""
    return (policy.objects(viewer).filter(stix_id=stix_id)
            .select_related("collection", "collection__api_root", "owner_org")
            .order_by("version", "seq"))


def related(viewer: policy.Viewer, stix_id: str, limit: int = 60) -> list[StixObject]:
    """Relationships, sightings and reports that name an object, as the viewer may see them."""
    # The references table answers "what names this id" from its index; the policy then
    # keeps the newest version of each link the viewer may see, and only if that version
    # still names the object.
    naming = StixReference.objects.filter(target_id=stix_id).values("source_id")
    return list(policy.latest_objects(viewer)
                .filter(pk__in=naming, type__in=["relationship", "sighting", "report"])
                .exclude(stix_id=stix_id).select_related("collection")
                .order_by("-date_added", "-pk")[:limit])


def names_of(viewer: policy.Viewer, stix_ids: list[str]) -> dict[str, str]:
    """Display names of the objects the viewer may see among ``stix_ids``."""
    rows = (policy.latest_objects(viewer).filter(stix_id__in=stix_ids[:200])
            .values_list("stix_id", "name"))
    return {stix_id: name or stix_id for stix_id, name in rows}


def import_jobs(viewer: policy.Viewer) -> QuerySet[ImportJob]:
    """Imports whose status the viewer may follow, newest first."""
    return (policy.import_jobs(viewer).select_related("collection", "progress", "owner")
            .order_by("-created_at", "-pk"))


def import_job(viewer: policy.Viewer, key: object) -> ImportJob | None:
    """One import, if the viewer may follow it (else ``None``, as if unknown)."""
    try:
        pk = key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        return None
    return import_jobs(viewer).filter(pk=pk).first()


def tlp_name(rank: int) -> str:
    """The TLP level of a rank (for display)."""
    for level, value in TLP_RANK.items():
        if value == rank:
            return level.value
    return Tlp.RED.value
