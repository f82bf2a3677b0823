"""The stored network of one dataset as the kernel's plain data, built once per revision.

Building reads every cable, landing and terrestrial link; the result is kept in memory per
(dataset, revision), so a page and the scenarios run after it share one build, and an
import or a segment edit (which raise the revision) makes the next read build afresh.

At segment level, cables whose segments a person corrected, added or deleted are built
from the stored segments; the others are cut into segments from their drawn route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from cybercommons.infrastructure.kernel.graph import (
    Network,
    Unit,
    build_network,
    country,
    junction,
    lp,
)
from cybercommons.infrastructure.kernel.scenarios import segment_network
from cybercommons.infrastructure.models import (
    Cable,
    CableLanding,
    Dataset,
    GroundStation,
    Segment,
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
    corrected: dict[str, list[StoredSegment]] = field(default_factory=dict)
    ties: dict[str, dict[str, str]] = field(default_factory=dict)
    _segmented: Network | None = field(default=None, repr=False)

    def segmented(self) -> Network:
        """The same network cut into segments between junctions (built on first use)."""
        if self._segmented is None:
            self._segmented = with_corrections(
                segment_network(self.network, self.positions), self.corrected, self.ties)
        return self._segmented


@dataclass(frozen=True, slots=True)
class StoredSegment:
    """A segment as a person left it: its key, two ends and drawn line (lon/lat)."""

    key: str
    end_a: str
    end_b: str
    line: tuple[tuple[float, float], ...]


def with_corrections(net: Network, corrected: dict[str, list[StoredSegment]],
                     ties: dict[str, dict[str, str]]) -> Network:
    """Replace the inferred segments of each corrected cable by its stored ones.

    An end naming one of the cable's landing points joins that point directly; any other
    end is a junction of that cable (named as inferred, ``<cable>#j0``, or as typed).
    Landing points stay tied (never cut) to the junction inference gave them.
    """
    if not corrected:
        return net
    units = dict(net.units)
    lines = dict(net.lines)
    for cable_id, segments in corrected.items():
        parts = [u for u in units.values() if u.id == cable_id or u.parent == cable_id]
        if not parts:
            continue  # not in service, so not in the network
        name = parts[0].name
        for unit in parts:
            units.pop(unit.id)
            lines.pop(unit.id, None)
        landed = {lp_id for lp_id in ties.get(cable_id, {}) if lp_id in net.landing_country}

        def end(value: str, cable_id: str = cable_id, landed: set[str] = landed) -> str:
            if value in landed:
                return lp(value)
            return junction(value if value.startswith(f"{cable_id}#") else f"{cable_id}#{value}")

        for seg in segments:
            units[seg.key] = Unit(seg.key, "segment", (end(seg.end_a), end(seg.end_b)), name,
                                  cable_id)
            if len(seg.line) >= 2:
                lines[seg.key] = (seg.line,)
        for lp_id in sorted(landed):
            tied_to = ties[cable_id][lp_id]
            if tied_to:
                tie = f"{cable_id}#tie:{lp_id}"
                units[tie] = Unit(tie, "tie", (lp(lp_id), end(tied_to)), name, cable_id, False)
    return Network(dict(net.landing_country), units, net.hubs, net.unresolved_landing_points,
                   lines)


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
    junctions: dict[int, dict[str, str]] = {}
    rows = (CableLanding.objects.filter(cable__dataset=dataset)
            .values_list("cable_id", "landing_point__source_id", "landing_point__country_id",
                         "landing_point__lon", "landing_point__lat", "landing_point__name",
                         "junction")
            .order_by("cable_id", "landing_point__source_id"))
    for cable_pk, lp_id, code, lon, lat, name, tied_to in rows:
        landings.setdefault(cable_pk, []).append(lp_id)
        junctions.setdefault(cable_pk, {})[lp_id] = tied_to
        lp_names[lp_id] = name
        if code:
            landing_country[lp_id] = code
        if lon is not None and lat is not None:
            positions[lp_id] = (lon, lat)
    cables: dict[str, StoredCable] = {}
    ties: dict[str, dict[str, str]] = {}
    for pk, source_id, name, planned, route in (
        Cable.objects.filter(dataset=dataset)
        .values_list("pk", "source_id", "name", "is_planned", "route").order_by("source_id")
    ):
        cables[source_id] = StoredCable(source_id, name, planned,
                                        tuple(landings.get(pk, ())), _route(route))
        ties[source_id] = junctions.get(pk, {})
    corrected: dict[str, list[StoredSegment]] = {}
    for source_id, key, end_a, end_b, line in (
        Segment.objects.filter(cable__dataset=dataset, inferred=False)
        .values_list("cable__source_id", "key", "end_a", "end_b", "route").order_by("key")
    ):
        corrected.setdefault(source_id, []).append(StoredSegment(
            key, end_a, end_b, tuple((float(p[0]), float(p[1])) for p in line or ()
                                     if isinstance(p, list) and len(p) >= 2)))
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
                           positions, lp_names, corrected,
                           {k: v for k, v in ties.items() if k in corrected})
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
