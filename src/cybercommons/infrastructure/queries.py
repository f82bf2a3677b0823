"""Reads of the infrastructure module, always through policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from cybercommons.core.models import Country
from cybercommons.core.policy import Viewer
from cybercommons.infrastructure import policy
from cybercommons.infrastructure.models import (
    Cable,
    Dataset,
    LandingPoint,
    SatelliteConstellation,
)


def active_dataset(viewer: Viewer | None = None) -> Dataset | None:
    """The dataset the analysis reads: the active one, else the newest."""
    qs = Dataset.objects.all() if viewer is None else policy.datasets(viewer)
    return qs.filter(is_active=True).first() or qs.order_by("-updated_at").first()


def cables(viewer: Viewer, dataset: Dataset, *, q: str = "", country: str = ""
           ) -> QuerySet[Cable]:
    qs = policy.cables(viewer).filter(dataset=dataset)
    if q:
        qs = qs.filter(name__icontains=q)
    if country:
        qs = qs.filter(landings__landing_point__country_id=country.upper()).distinct()
    return qs.order_by("name", "pk")


def landing_points(viewer: Viewer, dataset: Dataset, *, country: str = ""
                   ) -> QuerySet[LandingPoint]:
    qs = policy.landing_points(viewer).filter(dataset=dataset)
    if country:
        qs = qs.filter(country_id=country.upper())
    return qs.order_by("name", "pk")


def country_cables(viewer: Viewer, dataset: Dataset, country: Country) -> QuerySet[Cable]:
    return (cables(viewer, dataset, country=country.code)
            .annotate(landing_count=Count("landings")))


def cable_landings(viewer: Viewer, cable: Cable) -> list[LandingPoint]:
    return list(policy.landing_points(viewer).filter(landings__cable=cable).order_by("name"))


def country_resilience(dataset: Dataset, code: str) -> dict[str, Any] | None:
    from cybercommons.infrastructure import analysis

    return analysis.resilience(dataset)["countries"].get(code.upper())


def constellations(viewer: Viewer) -> QuerySet[SatelliteConstellation]:
    """Constellations with how many satellites and ground stations each has."""
    return (policy.constellations(viewer)
            .annotate(satellite_count=Count("satellites", distinct=True),
                      station_count=Count("ground_stations", distinct=True))
            .order_by("name"))
