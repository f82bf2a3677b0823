"""The stored network of one dataset as the kernel's plain data, built once per revision.

Building reads every cable, landing and terrestrial link; the result is kept in memory per
(dataset, revision), so a page and the scenarios run after it share one build, and an
import (which raises the revision) makes the next read build afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from cybercommons.infrastructure.kernel.graph import Network, Unit, build_network, country, lp
from cybercommons.infrastructure.kernel.scenarios import segment_network
from cybercommons.infrastructure.models import (
    Cable,
    CableLanding,
    Dataset,
    GroundStation,
    TerrestrialLink,
)


@dataclass(frozen=True, slots=True)
class StoredCable:
    """The attributes ``kernel.graph.build_network`` reads from a cable."""

    id: str
    name: str
    is_planned: bool
    landing_point_ids: tuple[str, ...]
    route: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(slots=True)
class LoadedNetwork:
    """A dataset's network with the lookups pages need beside it."""

    dataset_id: int
    revision: int
    stamp: str
    network: Network
    cables: dict[str, StoredCable]
    positions: dict[str, tuple[float, float]]
    lp_names: dict[str, str]
    _segmented: Network | None = field(default=None, repr=False)

    def segmented(self) -> Network:
        """The same network cut into segments between junctions (built on first use)."""
        if self._segmented is None:
            self._segmented = segment_network(self.network, self.positions)
        return self._segmented


_cache: dict[int, LoadedNetwork] = {}
_lock = Lock()


def _route(raw: object) -> tuple[tuple[tuple[float, float], ...], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        tuple((float(p[0]), float(p[1])) for p in line) for line in raw
        if isinstance(line, list) and len(line) >= 2
    )


def _stamp(dataset: Dataset) -> str:
    # The creation time guards against a new dataset reusing a deleted one's id.
    return f"{dataset.slug}|{dataset.created_at.isoformat()}"


def load(dataset: Dataset) -> LoadedNetwork:
    """The kernel network of ``dataset`` (in-service cables and links, resolved points)."""
    with _lock:
        cached = _cache.get(dataset.pk)
        if (cached is not None and cached.revision == dataset.revision
                and cached.stamp == _stamp(dataset)):
            return cached
    landings: dict[int, list[str]] = {}
    landing_country: dict[str, str] = {}
    positions: dict[str, tuple[float, float]] = {}
    lp_names: dict[str, str] = {}
    rows = (CableLanding.objects.filter(cable__dataset=dataset)
            .values_list("cable_id", "landing_point__source_id", "landing_point__country_id",
                         "landing_point__lon", "landing_point__lat", "landing_point__name")
            .order_by("cable_id", "landing_point__source_id"))
    for cable_pk, lp_id, code, lon, lat, name in rows:
        landings.setdefault(cable_pk, []).append(lp_id)
        lp_names[lp_id] = name
        if code:
            landing_country[lp_id] = code
        if lon is not None and lat is not None:
            positions[lp_id] = (lon, lat)
    cables: dict[str, StoredCable] = {}
    for pk, source_id, name, planned, route in (
        Cable.objects.filter(dataset=dataset)
        .values_list("pk", "source_id", "name", "is_planned", "route").order_by("source_id")
    ):
        cables[source_id] = StoredCable(source_id, name, planned,
                                        tuple(landings.get(pk, ())), _route(route))
    extra = []
    for link in TerrestrialLink.objects.filter(dataset=dataset, is_planned=False).select_related(
            "landing_point_a", "landing_point_b"):
        end_a = (lp(link.landing_point_a.source_id)
                 if link.landing_point_a and link.landing_point_a.source_id in landing_country
                 else country(link.country_a_id))
        end_b = (lp(link.landing_point_b.source_id)
                 if link.landing_point_b and link.landing_point_b.source_id in landing_country
                 else country(link.country_b_id))
        extra.append(Unit(f"link:{link.source_id}", "terrestrial", (end_a, end_b),
                          link.name or f"{link.country_a_id}–{link.country_b_id}"))
    # A satellite gateway is one more path from its country to the core, failing as a unit.
    for pk, name, code in GroundStation.objects.values_list("pk", "name", "country_id"):
        extra.append(Unit(f"gs:{pk}", "ground_station", (country(code), "core"), name))
    network = build_network(cables.values(), landing_country, extra_units=extra,
                            hubs=list(dataset.hubs) or None)
    loaded = LoadedNetwork(dataset.pk, dataset.revision, _stamp(dataset), network, cables,
                           positions, lp_names)
    with _lock:
        _cache[dataset.pk] = loaded
    return loaded


def forget(dataset_id: int | None = None) -> None:
    """Drop cached builds (all, or one dataset's)."""
    with _lock:
        if dataset_id is None:
            _cache.clear()
        else:
            _cache.pop(dataset_id, None)
