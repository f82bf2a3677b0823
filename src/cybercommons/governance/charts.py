"""Vega-Lite specifications of the governance pages (rendered to SVG by core's charts)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
OUTCOME_COLOURS = {"adopted": "#1a7f37", "rejected": "#b42318", "tie": "#9a6700",
                   "no_eligible_voters": "#6e7781", "elected": "#0969da"}


def opinion_map_spec(points: Sequence[dict[str, Any]], width: int = 520) -> dict[str, Any]:
    """Participants as points on the map's two axes, coloured by opinion group and shaped
    by stakeholder group (so both readings survive printing in black and white)."""
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": int(width * 0.75),
        "data": {"values": list(points)},
        "mark": {"type": "point", "filled": True, "size": 70, "opacity": 0.85},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": _("first axis"),
                  "axis": {"labels": False, "ticks": False}},
            "y": {"field": "y", "type": "quantitative", "title": _("second axis"),
                  "axis": {"labels": False, "ticks": False}},
            "color": {"field": "group", "type": "nominal", "title": _("Opinion group"),
                      "scale": {"scheme": "category10"}},
            "shape": {"field": "stakeholder_group", "type": "nominal",
                      "title": _("Stakeholder group")},
            "tooltip": [{"field": "group", "title": _("Opinion group")},
                        {"field": "stakeholder_group", "title": _("Stakeholder group")},
                        {"field": "region", "title": _("Region")}],
        },
    }


def rules_spec(results: Sequence[dict[str, Any]], official: str,
               width: int = 520) -> dict[str, Any]:
    """Share of the weight in favour under each rule, the process's own rule marked, with
    the outcome each rule gives; ranked rules show the winner's share of first rounds."""
    rows = []
    # The legend names the outcomes in the reader's language and lists only those present;
    # each outcome keeps its colour whichever others appear.
    legend: dict[str, str] = {}
    for outcome, colour in OUTCOME_COLOURS.items():
        for r in results:
            if r["outcome"] == outcome:
                legend.setdefault(str(r.get("outcome_label") or outcome), colour)
    for r in results:
        yes, no = r["yes"]["value"], r["no"]["value"]
        share = yes / (yes + no) if yes + no else 0.0
        name = str(r.get("label", r["rule"]))
        rows.append({"rule": ("★ " if r["rule"] == official else "") + name,
                     "share": round(100 * share, 1),
                     "outcome": str(r.get("outcome_label") or r["outcome"])})
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": {"step": 22},
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "bar"},
             "encoding": {
                 "y": {"field": "rule", "type": "nominal", "sort": None, "title": None,
                       "axis": {"labelLimit": 360}},
                 "x": {"field": "share", "type": "quantitative",
                       "title": _("Weight in favour (per cent)"), "scale": {"domain": [0, 100]}},
                 "color": {"field": "outcome", "type": "nominal", "title": _("Outcome"),
                           "scale": {"domain": list(legend),
                                     "range": list(legend.values())}}}},
            {"mark": {"type": "rule", "strokeDash": [4, 3]},
             "encoding": {"x": {"datum": 50}}},
        ],
    }
