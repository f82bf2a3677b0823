"""Reads of core's data, always through policy."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet

from cybercommons.core import policy
from cybercommons.core.models import Country, Organisation, Progress

# The home page shows these counts on every visit; counting on each one cost more than the
# rest of the page's data. Anonymous visitors share one copy for a few seconds, dropped as
# soon as a country or an organisation is added or removed (see ``forget_platform_stats``).
PLATFORM_STATS_KEY = "core:platform-stats:anonymous"
PLATFORM_STATS_SECONDS = 10


def platform_stats(viewer: policy.Viewer) -> dict[str, int]:
    """How many countries and organisations the viewer can see."""
    shared = not viewer.is_authenticated
    if shared:
        cached = cache.get(PLATFORM_STATS_KEY)
        if cached is not None:
            return dict(cached)
    stats = {
        "countries": policy.countries(viewer).count(),
        "organisations": policy.organisations(viewer).count(),
    }
    # Counts read inside a transaction may yet be rolled back: only share committed ones.
    if shared and not transaction.get_connection().in_atomic_block:
        cache.set(PLATFORM_STATS_KEY, stats, PLATFORM_STATS_SECONDS)
    return stats


def forget_platform_stats(**_: Any) -> None:
    """Drop the shared counts once the change that outdates them has committed."""
    transaction.on_commit(lambda: cache.delete(PLATFORM_STATS_KEY))


def organisations_by_country(viewer: policy.Viewer, country: Country) -> QuerySet[Organisation]:
    return policy.organisations(viewer).filter(country=country)


def organisation_directory(viewer: policy.Viewer, *, stakeholder_type: str = "",
                           country: str = "", q: str = "") -> QuerySet[Organisation]:
    qs = policy.organisations(viewer).annotate(member_count=Count("memberships"))
    if stakeholder_type:
        qs = qs.filter(stakeholder_type=stakeholder_type)
    if country:
        qs = qs.filter(country__code=country.upper())
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name", "pk")


def progress_for(viewer: policy.Viewer, key: str) -> Progress | None:
    """A progress record is visible to its owner, to staff, and to all when it has no owner."""
    item = Progress.objects.filter(key=key).first()
    if item is None:
        return None
    if item.owner_id is None or (viewer.is_authenticated and
                                 (viewer.pk == item.owner_id or viewer.is_staff)):
        return item
    return None


def country_summary(country: Country) -> dict[str, Any]:
    return {
        "code": country.code,
        "name": country.name,
        "region": country.region,
        "subregion": country.subregion,
    }
