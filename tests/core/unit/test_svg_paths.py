"""Map outlines simplified to the drawing's pixels: hand-checked paths, then a real map."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
import vl_convert
from PIL import Image

from cybercommons.core import geo
from cybercommons.core.lib import charts
from cybercommons.core.lib.svg_paths import lighten


def _svg(*paths: str, clip: bool = False) -> str:
    group = '<g clip-path="url(#clip1)">' if clip else "<g>"
    return ('<svg xmlns="http://www.w3.org/2000/svg">' + group + "".join(paths) + "</g>"
            '<defs><clipPath id="clip1"><rect x="0" y="0" width="100" height="50"/>'
            "</clipPath></defs></svg>")


def _ds(svg: str) -> list[str]:
    return re.findall(r' d="([^"]*)"', svg)


def test_points_within_the_tolerance_of_a_line_are_dropped_and_the_rest_rounded() -> None:
    line = '<path d="M0,0L1,0.01L2,-0.02L3,0.01L10,0L10.04,5.004"/>'
    assert _ds(lighten(_svg(line))) == ["M0,0L10,0L10,5"]
    # A bend larger than the tolerance stays.
    bent = '<path d="M0,0L5,2L10,0"/>'
    assert _ds(lighten(_svg(bent))) == ["M0,0L5,2L10,0"]


def test_specks_under_a_pixel_go_but_a_shape_keeps_its_largest_part() -> None:
    island = "M50,20L50.3,20L50.3,20.3Z"
    coast = "M0,0L20,0L20,20L0,20Z"
    path = f'<path aria-label="Country: Tonga" d="{coast}{island}"/>'
    assert _ds(lighten(_svg(path))) == ["M0,0L20,0L20,20L0,20Z"]
    alone = f'<path aria-label="Country: Tuvalu" d="{island}"/>'
    light = lighten(_svg(alone))
    assert _ds(light) == ["M50,20L50.3,20L50.3,20.3Z"]
    assert "Tuvalu" in light
    # Landing points drawn as one path of small squares are all kept: none is a speck
    # beside a larger part.
    dots = "".join(f"M{x},5L{x}.8,5L{x}.8,5.8L{x},5.8Z" for x in range(10, 20))
    assert _ds(lighten(_svg(f'<path fill="#222222" d="{dots}"/>'))) == [dots]


def test_curves_relative_commands_and_other_attributes_are_left_alone() -> None:
    circle = '<path d="M2.7,0A2.7,2.7,0,1,1,-2.7,0A2.7,2.7,0,1,1,2.7,0"/>'
    frame = '<path class="background" d="M0,0h720v360h-720Z"/>'
    labelled = '<path aria-label="a &amp; b" fill="rgb(1, 2, 3)" d="M0.04,0L9.96,0"/>'
    light = lighten(_svg(circle, frame, labelled))
    assert circle in light
    assert frame in light
    assert '<path aria-label="a &amp; b" fill="rgb(1, 2, 3)" d="M0,0L10,0"/>' in light


def test_in_a_clipped_mark_only_what_can_show_is_kept() -> None:
    inside = '<path transform="translate(0,0)" d="M10,10L20,10L20,20Z"/>'
    outside = '<path transform="translate(0,0)" d="M300,300L320,300L320,320Z"/>'
    across = ('<path transform="translate(0,0)" '
              'd="M-200,-200L-180,-200L-180,-180ZM90,40L120,40L120,60Z"/>')
    edge = '<path transform="translate(0,0)" d="M102,10L110,10L110,20Z"/>'
    moved = '<path transform="translate(300,300)" d="M300,300L320,300L320,320Z"/>'
    light = lighten(_svg(inside, outside, across, edge, moved, clip=True))
    assert _ds(light) == ["M10,10L20,10L20,20Z", "M90,40L120,40L120,60Z",
                          "M102,10L110,10L110,20Z", "M300,300L320,300L320,320Z"]
    # Outside a clipped group nothing is cut away.
    assert len(_ds(lighten(_svg(inside, outside)))) == 2


def _pixels(svg: str) -> np.ndarray:
    image = Image.open(io.BytesIO(vl_convert.svg_to_png(svg, scale=2))).convert("RGB")
    return np.asarray(image).astype(int)


@pytest.mark.slow
def test_a_world_map_loses_most_of_its_bytes_and_none_of_its_look() -> None:
    shapes = geo.world_countries()["features"]
    values = {f["id"]: float(i % 100) for i, f in enumerate(shapes) if i % 5}
    drawn = vl_convert.vegalite_to_svg(charts.choropleth_spec(values, legend="Score"))
    light = lighten(drawn)
    assert len(light) < 0.5 * len(drawn)
    # Every shaded country keeps its shape and its label for screen readers.
    assert light.count('aria-roledescription="geoshape"') == len(values)
    difference = np.abs(_pixels(drawn) - _pixels(light)).max(axis=2)
    assert (difference > 32).mean() < 0.002  # a few edge pixels in a thousand at most
    assert (difference > 96).mean() < 0.0002
