"""The neighbourhood of a STIX object as a small SVG picture, drawn on the server.

Relationships and sightings that touch the object are read as edges; the object sits in
the middle, its neighbours on a circle around it, each edge labelled with its type. Every
text is escaped; no script and no external resource is involved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, RADIUS = 640, 420, 150
MAX_NEIGHBOURS = 24


@dataclass(frozen=True)
class Neighbour:
    """One object at the other end of a relationship or sighting."""

    other_id: str
    relation: str
    outgoing: bool
    link_id: str


def neighbours(stix_id: str, links: Sequence[Mapping[str, Any]]) -> list[Neighbour]:
    """The objects linked to ``stix_id`` by the given relationships, sightings and reports."""
    found: list[Neighbour] = []
    for link in links:
        if link.get("type") == "relationship":
            source, target = link.get("source_ref"), link.get("target_ref")
            relation = str(link.get("relationship_type", "related-to"))
            if source == stix_id and isinstance(target, str):
                found.append(Neighbour(target, relation, True, str(link.get("id"))))
            elif target == stix_id and isinstance(source, str):
                found.append(Neighbour(source, relation, False, str(link.get("id"))))
        elif link.get("type") == "report" and stix_id in (link.get("object_refs") or []):
            found.append(Neighbour(str(link.get("id")), "described in", False,
                                   str(link.get("id"))))
        elif link.get("type") == "sighting":
            if link.get("sighting_of_ref") == stix_id:
                for ref in link.get("where_sighted_refs") or []:
                    found.append(Neighbour(str(ref), "sighted at", True, str(link.get("id"))))
            elif stix_id in (link.get("where_sighted_refs") or []):
                found.append(Neighbour(str(link.get("sighting_of_ref")), "sighted here", False,
                                       str(link.get("id"))))
    return found[:MAX_NEIGHBOURS]


def _short(text: str, size: int = 28) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def render(title: str, items: Sequence[Neighbour], names: Mapping[str, str]) -> SafeString:
    """The picture: the object in the centre, its neighbours around it."""
    cx, cy = WIDTH / 2, HEIGHT / 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-labelledby="graph-title" class="stix-graph">'
             f'<title id="graph-title">{escape(title)}</title>']
    count = max(len(items), 1)
    for index, item in enumerate(items):
        angle = 2 * math.pi * index / count - math.pi / 2
        x, y = cx + RADIUS * 1.6 * math.cos(angle), cy + RADIUS * math.sin(angle)
        label = names.get(item.other_id) or item.other_id.split("--")[0]
        kind = item.other_id.split("--")[0]
        arrow = "→" if item.outgoing else "←"
        parts.append(f'<line x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.0f}" y2="{y:.0f}" '
                     f'stroke="#888" stroke-width="1.5"/>')
        parts.append(f'<text x="{(cx + x) / 2:.0f}" y="{(cy + y) / 2 - 4:.0f}" font-size="10" '
                     f'text-anchor="middle" fill="#555">{escape(arrow + " " + item.relation)}'
                     f'</text>')
        parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="7" fill="#4a7bb7"/>')
        parts.append(f'<text x="{x:.0f}" y="{y + 20:.0f}" font-size="11" text-anchor="middle">'
                     f'{escape(_short(label))}</text>')
        parts.append(f'<text x="{x:.0f}" y="{y + 32:.0f}" font-size="9" text-anchor="middle" '
                     f'fill="#666">{escape(kind)}</text>')
    parts.append(f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="11" fill="#c0392b"/>')
    parts.append(f'<text x="{cx:.0f}" y="{cy + 26:.0f}" font-size="12" font-weight="bold" '
                 f'text-anchor="middle">{escape(_short(title, 40))}</text>')
    parts.append("</svg>")
    # Every piece of text above went through escape(); the markup is our own.
    return mark_safe("".join(parts))
