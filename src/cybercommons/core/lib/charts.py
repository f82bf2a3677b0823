"""Charts and maps rendered on the server as SVG, with no CDN and no browser script.

Pages build a Vega-Lite specification (with altair or as a dict) and inline the SVG that
``vl-convert`` renders from it; the same data is offered as CSV beside each chart.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import vl_convert
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from cybercommons.core import geo
from cybercommons.core.lib import svg_paths

# Part of each cached drawing's name: changing how drawings are made renames them all, so
# none drawn the old way is served again.
RENDERING = "light-1"


def render_svg(spec: Mapping[str, Any] | Any) -> SafeString:
    """Render a Vega-Lite spec (a dict or an altair chart) to an inline SVG element.

    Outlines are simplified to the drawing's own pixels (:mod:`.svg_paths`), which takes
    a world map from about 0.4 MB to a third of that or less. Renders are cached on disk
    by the spec's hash: the same chart of the same data is drawn once, however many times
    the page is shown.
    """
    if hasattr(spec, "to_dict"):
        spec = spec.to_dict()
    text = json.dumps(spec, sort_keys=True, default=str)
    folder = Path(settings.DATA_DIR) / "cache" / "charts"
    digest = hashlib.sha256(f"{RENDERING}\n{text}".encode()).hexdigest()
    path = folder / (digest + ".svg")
    if path.exists():
        svg = path.read_text(encoding="utf-8")
    else:
        svg = svg_paths.lighten(vl_convert.vegalite_to_svg(json.loads(text)))
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(path)
    # vl-convert escapes every text it draws, so the SVG is safe to inline.
    return mark_safe(svg)


def choropleth_spec(
    values: Mapping[str, float | None],
    *,
    title: str = "",
    legend: str = "",
    scheme: str = "blues",
    width: int = 720,
    reverse: bool = False,
    domain: Sequence[float] | None = None,
) -> dict[str, Any]:
    """A world map shading each country (ISO alpha-2 key) by its value; grey where unknown."""
    shapes = geo.world_countries()["features"]
    known = [
        {**feature, "properties": {**feature["properties"], "value": values[feature["id"]]}}
        for feature in shapes if values.get(feature["id"]) is not None
    ]
    # Each country is drawn once: grey when it has no value, shaded when it has one.
    unknown = [feature for feature in shapes if values.get(feature["id"]) is None]
    color: dict[str, Any] = {
        "field": "properties.value", "type": "quantitative", "title": legend,
        "scale": {"scheme": scheme, "reverse": reverse,
                  **({"domain": list(domain)} if domain else {})},
    }
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": width,
        "height": int(width * 0.5),
        "projection": {"type": "equalEarth"},
        "layer": [
            {   # the countries without a value, in grey, so that they still show
                "data": {"values": unknown, "format": {"type": "json"}},
                "mark": {"type": "geoshape", "fill": "#d9d9d9", "stroke": "#ffffff",
                         "strokeWidth": 0.3},
            },
            {
                "data": {"values": known, "format": {"type": "json"}},
                "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.3},
                "encoding": {
                    "color": color,
                    "tooltip": [{"field": "properties.name", "title": "Country"},
                                {"field": "properties.value", "title": legend or "Value"}],
                },
            },
            {   # small island states would vanish at this scale: a dot marks each
                "data": {"values": [f["properties"] for f in known if f["properties"]["small"]]},
                "mark": {"type": "circle", "size": 30, "stroke": "#333333",
                         "strokeWidth": 0.5, "opacity": 1},
                "encoding": {
                    "longitude": {"field": "lon", "type": "quantitative"},
                    "latitude": {"field": "lat", "type": "quantitative"},
                    "color": {**color, "field": "value"},
                    "tooltip": [{"field": "name", "title": "Country"},
                                {"field": "value", "title": legend or "Value"}],
                },
            },
        ],
        "config": {"view": {"stroke": None}},
    }


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The data behind a chart as CSV text (for the download link beside it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
