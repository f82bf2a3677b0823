"""Vega-Lite specifications for the infrastructure pages (rendered to SVG by core).

The world map layers cables (lines) and landing points (dots) over core's choropleth of
resilience scores, in the same equalEarth projection, so everything lines up without a
tile server. Routes are thinned and rounded before drawing: the SVG stays light enough for
slow connections while the shapes stay recognisable at page scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cybercommons.core.lib.charts import choropleth_spec

MAX_POINTS_PER_LINE = 60
# Landing points are drawn as one MultiPolygon of small squares (degrees on a side): one
# SVG path for all of them instead of a tagged element each, a fifth of the bytes.
DOT_DEGREES = 0.5


def _thin(line: Sequence[Sequence[float]]) -> list[list[float]]:
    step = max(1, len(line) // MAX_POINTS_PER_LINE)
    kept = list(line[::step])
    if kept[-1] is not line[-1]:
        kept.append(line[-1])
    return [[round(float(p[0]), 1), round(float(p[1]), 1)] for p in kept]


def cable_features(cables: Iterable[tuple[str, str, bool, Any]]) -> list[dict[str, Any]]:
    """GeoJSON features for (id, name, planned, route) cables with a drawn route."""
    out = []
    for source_id, name, planned, route in cables:
        lines = [_thin(line) for line in route or [] if len(line) >= 2]
        if lines:
            out.append({"type": "Feature", "id": source_id,
                        "properties": {"name": name, "planned": planned},
                        "geometry": {"type": "MultiLineString", "coordinates": lines}})
    return out


def world_map_spec(
    scores: Mapping[str, float | None],
    cables: list[dict[str, Any]],
    points: list[dict[str, Any]],
    *,
    title: str,
    legend: str,
    width: int = 860,
    highlight: Sequence[str] = (),
    focus: Sequence[float] | None = None,
) -> dict[str, Any]:
    """Countries shaded by score, cables as lines, landing points as dots.

    ``points`` rows have ``lon`` and ``lat``; ``highlight`` lists cable ids drawn in red
    (a scenario's cut cables). ``focus`` is ``(west, south, east, north)`` from
    ``regional_focus``: the map is then centred on that box and zoomed to it.
    """
    spec = choropleth_spec(scores, title=title, legend=legend, scheme="redyellowgreen",
                           width=width, domain=(0, 100))
    # The island dots share the colour scale without a legend of their own; Vega-Lite then
    # drops the merged legend too unless the shaded layer asks for it explicitly.
    for layer in spec["layer"]:
        colour = layer.get("encoding", {}).get("color")
        if colour is not None and "legend" not in colour:
            colour["legend"] = {"title": legend, "orient": "bottom", "direction": "horizontal"}
    # A regional view is zoomed several times over: cables are drawn bolder to stay visible.
    cable_width = 1.2 if focus is not None else 0.6
    if focus is not None:
        west, south, east, north = focus
        centre = (west + (east - west) / 2 + 180) % 360 - 180
        box = {"type": "Feature", "properties": {}, "geometry": {
            "type": "LineString",
            "coordinates": [[west, south], [east, south], [east, north], [west, north]]}}
        spec["projection"] = {"type": "equalEarth", "rotate": [-centre, 0, 0], "fit": box}
        for layer in spec["layer"]:
            layer.setdefault("mark", {})
            if isinstance(layer["mark"], dict):
                layer["mark"]["clip"] = True
    cut = set(highlight)
    spec["layer"].append({
        "data": {"values": [c for c in cables if c["id"] not in cut],
                 "format": {"type": "json"}},
        "mark": {"type": "geoshape", "filled": False, "stroke": "#1f4e79",
                 "strokeWidth": cable_width, "strokeOpacity": 0.7, "aria": False},
    })
    if cut:
        spec["layer"].append({
            "data": {"values": [c for c in cables if c["id"] in cut],
                     "format": {"type": "json"}},
            "mark": {"type": "geoshape", "filled": False, "stroke": "#c00000",
                     "strokeWidth": cable_width + 1.2, "aria": False},
        })
    if points:
        spec["layer"].append({
            "data": {"values": [_dots(points)], "format": {"type": "json"}},
            "mark": {"type": "geoshape", "fill": "#222222", "stroke": None, "opacity": 0.8,
                     "aria": False},
        })
    return spec


def regional_focus(points: Iterable[tuple[float, float]], max_span: float = 120.0
                   ) -> tuple[float, float, float, float] | None:
    """A (west, south, east, north) box around lon/lat points, or None for a world view.

    Longitudes are taken on the shortest side of the antimeridian, so a Pacific network
    gets a box east of 180 rather than one round the world. ``None`` when the points
    spread over more than ``max_span`` degrees of longitude.
    """
    pts = list(points)
    if not pts:
        return None
    lons = sorted(lon % 360 for lon, _ in pts)
    gaps = [(lons[(i + 1) % len(lons)] - lons[i]) % 360 for i in range(len(lons))]
    widest = max(range(len(gaps)), key=gaps.__getitem__)
    span = 360 - gaps[widest] if len(lons) > 1 else 0.0
    if span > max_span:
        return None
    west = lons[(widest + 1) % len(lons)]
    west = west - 360 if west > 180 else west
    lats = [lat for _, lat in pts]
    pad = 3.0
    return (west - pad, max(-89.0, min(lats) - pad), west + span + pad,
            min(89.0, max(lats) + pad))


def _dots(points: list[dict[str, Any]]) -> dict[str, Any]:
    half = DOT_DEGREES / 2
    seen = sorted({(round(float(p["lon"]), 1), round(float(p["lat"]), 1)) for p in points})
    squares = [[[[round(x - half, 2), round(y - half, 2)], [round(x - half, 2), round(y + half, 2)],
                 [round(x + half, 2), round(y + half, 2)], [round(x + half, 2), round(y - half, 2)],
                 [round(x - half, 2), round(y - half, 2)]]] for x, y in seen]
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "MultiPolygon", "coordinates": squares}}


def bar_spec(rows: list[dict[str, Any]], *, x: str, y: str, x_title: str, y_title: str,
             title: str = "", color: str = "#1f4e79") -> dict[str, Any]:
    """A horizontal bar chart of ``rows`` (label field ``y``, value field ``x``)."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": 520,
        "height": {"step": 16},
        "data": {"values": rows},
        "mark": {"type": "bar", "color": color},
        "encoding": {
            "y": {"field": y, "type": "nominal", "sort": "-x", "title": y_title},
            "x": {"field": x, "type": "quantitative", "title": x_title},
            "tooltip": [{"field": y, "title": y_title}, {"field": x, "title": x_title}],
        },
    }


def compare_spec(rows: list[dict[str, Any]], titles: Sequence[str]) -> dict[str, Any]:
    """Grouped bars: links lost per country in two scenarios."""
    from django.utils.translation import gettext as _

    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 520,
        "height": {"step": 12},
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "y": {"field": "country", "type": "nominal", "title": _("Country")},
            "yOffset": {"field": "scenario"},
            "x": {"field": "links_lost", "type": "quantitative",
                  "title": _("International links lost")},
            "color": {"field": "scenario", "type": "nominal", "title": _("Scenario"),
                      "scale": {"domain": list(titles)}},
        },
    }


def orbit_map_spec(
    satellites: Sequence[Mapping[str, Any]],
    stations: Sequence[Mapping[str, Any]],
    *,
    title: str,
    satellite_label: str,
    station_label: str,
    width: int = 860,
) -> dict[str, Any]:
    """Sub-satellite points and ground stations over the world, in equalEarth.

    ``satellites`` and ``stations`` rows have ``name``, ``lon`` and ``lat``; the two labels
    name them in the legend (one layer, told apart by colour and shape).
    """
    from cybercommons.core import geo

    rows = ([{"name": s["name"], "lon": round(float(s["lon"]), 2),
              "lat": round(float(s["lat"]), 2), "kind": satellite_label} for s in satellites]
            + [{"name": s["name"], "lon": round(float(s["lon"]), 2),
                "lat": round(float(s["lat"]), 2), "kind": station_label} for s in stations])
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": width,
        "height": int(width * 0.5),
        "projection": {"type": "equalEarth"},
        "layer": [
            {
                "data": {"values": geo.world_countries()["features"],
                         "format": {"type": "json"}},
                "mark": {"type": "geoshape", "fill": "#d9d9d9", "stroke": "#ffffff",
                         "strokeWidth": 0.3, "aria": False},
            },
            {
                "data": {"values": rows},
                "mark": {"type": "point", "filled": True, "size": 40, "opacity": 0.9},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "color": {"field": "kind", "type": "nominal", "title": None,
                              "scale": {"domain": [satellite_label, station_label],
                                        "range": ["#1f4e79", "#c00000"]},
                              "legend": {"orient": "bottom"}},
                    "shape": {"field": "kind", "type": "nominal",
                              "scale": {"domain": [satellite_label, station_label],
                                        "range": ["circle", "triangle-up"]}},
                    "tooltip": [{"field": "name"}, {"field": "lon"}, {"field": "lat"}],
                },
            },
        ],
        "config": {"view": {"stroke": None}},
    }
