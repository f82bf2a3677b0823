"""The module's charts as Vega-Lite specs (altair), drawn to SVG by core's renderer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cybercommons.core.lib.charts import choropleth_spec


def _altair() -> Any:
    """altair takes half a second to import; load it when a chart is first drawn."""
    import altair

    return altair


def line_chart(points: Sequence[tuple[int, float]], *, title: str = "", unit: str = "",
               width: int = 260, height: int = 120, target: float | None = None,
               projection: Sequence[tuple[int, float]] = ()) -> dict[str, Any]:
    """A small line chart of one series, with an optional target line and projection."""
    alt = _altair()
    data = [{"year": y, "value": v, "series": "observed"} for y, v in points]
    data += [{"year": y, "value": v, "series": "trend"} for y, v in projection]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickCount=5)),
        y=alt.Y("value:Q", title=unit or None),
    )
    observed = base.transform_filter(alt.datum.series == "observed").mark_line(point=True)
    layers: list[Any] = [observed]
    if projection:
        layers.append(base.transform_filter(alt.datum.series == "trend")
                      .mark_line(strokeDash=[4, 3], color="#888888"))
    if target is not None:
        layers.append(alt.Chart(alt.Data(values=[{"target": target}]))
                      .mark_rule(color="#b33", strokeDash=[2, 2]).encode(y="target:Q"))
    chart = alt.layer(*layers).properties(width=width, height=height, title=title)
    return chart.to_dict()


def multi_line_chart(rows: Sequence[tuple[str, int, float]], *, title: str = "",
                     unit: str = "", width: int = 640, height: int = 300) -> dict[str, Any]:
    """Several countries' series of one indicator, one coloured line each."""
    alt = _altair()
    data = [{"country": c, "year": y, "value": v} for c, y, v in rows]
    chart = alt.Chart(alt.Data(values=data)).mark_line(point=True).encode(
        x=alt.X("year:Q", title=None, axis=alt.Axis(format="d")),
        y=alt.Y("value:Q", title=unit or None),
        color=alt.Color("country:N", title=None),
    ).properties(width=width, height=height, title=title)
    return chart.to_dict()


def world_map(values: Mapping[str, float], *, title: str, legend: str,
              reverse: bool = False) -> dict[str, Any]:
    """Core's choropleth with its colour legend shown.

    The small-island dots share the countries' colour scale; a layer that switches its own
    legend off (``legend: None``) takes the shared legend away with it, so the dots' colour
    channel is given the same title instead and Vega-Lite merges the two into one legend.
    """
    spec = choropleth_spec(values, title=title, legend=legend, scheme="blues",
                           reverse=reverse)
    for layer in spec.get("layer", []):
        color = layer.get("encoding", {}).get("color")
        if isinstance(color, dict) and "legend" in color and color["legend"] is None:
            del color["legend"]
            color["title"] = legend
    return spec
