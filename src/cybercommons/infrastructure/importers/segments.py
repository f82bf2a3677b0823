"""Infer each cable's segments and branching units from its drawn route (kernel geometry).

Segments a person corrected (``inferred=False``) are left alone; the others are replaced.
"""

from __future__ import annotations

from cybercommons.infrastructure.kernel.geometry import segment_cable
from cybercommons.infrastructure.models import Cable, CableLanding, Dataset, Segment

BATCH = 500


def infer_segments(dataset: Dataset) -> int:
    """Recompute the inferred segments of every cable of ``dataset``; returns how many."""
    edited = set(Segment.objects.filter(cable__dataset=dataset, inferred=False)
                 .values_list("cable_id", flat=True))
    Segment.objects.filter(cable__dataset=dataset, inferred=True).exclude(
        cable_id__in=edited).delete()
    landings: dict[int, list[CableLanding]] = {}
    for landing in CableLanding.objects.filter(cable__dataset=dataset).select_related(
            "landing_point"):
        landings.setdefault(landing.cable_id, []).append(landing)
    new: list[Segment] = []
    changed_landings: list[CableLanding] = []
    for cable in Cable.objects.filter(dataset=dataset).exclude(pk__in=edited).only(
            "pk", "source_id", "route"):
        points = {
            landing.landing_point.source_id: (landing.landing_point.lon, landing.landing_point.lat)
            for landing in landings.get(cable.pk, [])
            if landing.landing_point.lon is not None and landing.landing_point.lat is not None
        }
        route = [[(float(p[0]), float(p[1])) for p in line] for line in cable.route or []]
        if not route:
            continue
        cut = segment_cable(cable.source_id, route, points)
        for seg in cut.segments:
            new.append(Segment(cable=cable, key=seg.id, end_a=seg.a, end_b=seg.b,
                               length_km=round(seg.length_km, 1),
                               route=[list(p) for p in seg.line], inferred=True))
        for landing in landings.get(cable.pk, []):
            junction = cut.attachments.get(landing.landing_point.source_id, "")
            if landing.junction != junction:
                landing.junction = junction
                changed_landings.append(landing)
    Segment.objects.bulk_create(new, batch_size=BATCH)
    CableLanding.objects.bulk_update(changed_landings, ["junction"], batch_size=BATCH)
    return len(new)
