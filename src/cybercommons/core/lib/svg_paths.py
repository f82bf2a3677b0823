"""Lighter SVG paths: map outlines simplified to what the screen can show.

Vega draws country outlines and cable routes as ``<path d="M…L…Z">`` in the figure's own
pixels, with three decimals and every vertex of the source shapes, however close together
they land. On a 720-pixel world map most vertices are a fraction of a pixel from the line
through their neighbours, and the decimals are a thousandth of a pixel: the bytes that
make a map page heavy, none of which shows.

:func:`lighten` rewrites each such path in the figure's pixels: Douglas–Peucker
simplification within ``tolerance`` pixels, coordinates rounded to ``1 / 10**digits``
pixel, and specks of sub-pixel islands left out (a path always keeps its largest part, so
no country disappears and every shape keeps its label). Zoomed maps are simplified at their
own scale, since the work is done after projection. Paths with curves, arcs or relative
commands (symbols, bars, the frame) are left as they are.
"""

from __future__ import annotations

import re

import numpy as np
import shapely

# A "d" attribute made only of absolute moves, lines and closes: what geoshape and line
# marks produce. Anything else is passed through untouched.
_PLAIN = re.compile(r"^M[MLZ0-9.,\-]*$")
_TOKEN = re.compile(r"<g\b[^>]*>|</g>|<path\b[^>]*>")
_D = re.compile(r'\sd="([^"]*)"')
_CLIP_REF = re.compile(r'clip-path="url\(#([^)"]+)\)"')
_CLIP_RECT = re.compile(r'<clipPath id="([^"]+)"><rect x="(-?[\d.]+)" y="(-?[\d.]+)" '
                        r'width="([\d.]+)" height="([\d.]+)"/></clipPath>')
_MOVED = re.compile(r'\stransform="(?!translate\(0,0\)")')
# Open lines (cables, chart lines) are thin strokes whose every shift shows, where a
# filled outline hides it under its own edge: they are simplified this much more finely.
LINE_SHARE = 1 / 3
# A part is a speck only if the path's largest part is this many times its size.
SPECK_RATIO = 8.0
# Parts wholly this many pixels outside a clipped mark's frame are not drawn at all
# (wider than any stroke, so nothing of them can show at the edge).
CLIP_MARGIN = 4.0

Rect = tuple[float, float, float, float]


def _parse(d: str) -> list[tuple[np.ndarray, bool]]:
    """The subpaths of ``d`` as (vertices, closed) pairs."""
    parts = []
    for chunk in d.split("M")[1:]:
        closed = chunk.endswith("Z")
        body = chunk[:-1] if closed else chunk
        if "Z" in body:  # "…ZL…" continues from the closed start: not produced by Vega
            raise ValueError("unsupported path")
        numbers = np.array(body.replace("L", ",").split(","), dtype=float)
        if numbers.size % 2 or not numbers.size:
            raise ValueError("odd coordinate count")
        parts.append((numbers.reshape(-1, 2), closed))
    return parts


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _format(parts: list[tuple[np.ndarray, bool]], digits: int) -> str:
    out = []
    for points, closed in parts:
        coords = "L".join(f"{_number(x, digits)},{_number(y, digits)}" for x, y in points)
        out.append("M" + coords + ("Z" if closed else ""))
    return "".join(out)


def _simplified(points: np.ndarray, closed: bool, tolerance: float, digits: int) -> np.ndarray:
    line = np.vstack([points, points[:1]]) if closed else points
    if len(line) > 2:
        simpler = shapely.get_coordinates(shapely.simplify(
            shapely.linestrings(line), tolerance, preserve_topology=False))
        # A ring smaller than the tolerance would collapse to a line: it stays a ring.
        line = line if closed and len(simpler) < 4 else simpler
    if closed and len(line) > 1 and np.array_equal(line[0], line[-1]):
        line = line[:-1]  # "Z" closes the ring
    rounded = np.round(line, digits)
    if len(rounded) > 1:  # drop vertices that rounding made equal to the previous one
        keep = np.ones(len(rounded), dtype=bool)
        keep[1:] = np.any(rounded[1:] != rounded[:-1], axis=1)
        rounded = rounded[keep]
    return rounded


def _lighter_d(d: str, clip: Rect | None, tolerance: float, digits: int,
               speck: float) -> str:
    """The simplified path; empty when no part of it falls inside ``clip``."""
    parts = _parse(d)
    lows = np.array([p.min(axis=0) for p, _ in parts])
    highs = np.array([p.max(axis=0) for p, _ in parts])
    visible = np.ones(len(parts), dtype=bool)
    if clip is not None:
        x0, y0, x1, y1 = clip
        visible = ((highs[:, 0] >= x0 - CLIP_MARGIN) & (lows[:, 0] <= x1 + CLIP_MARGIN)
                   & (highs[:, 1] >= y0 - CLIP_MARGIN) & (lows[:, 1] <= y1 + CLIP_MARGIN))
    if not visible.any():
        return ""
    extents = (highs - lows).max(axis=1)
    largest = int(np.argmax(np.where(visible, extents, -1.0)))
    # A speck is a tiny part beside a much larger one (an islet off a coast); a path of
    # many parts of one small size (landing points drawn as dots) keeps them all.
    speck_size = min(speck, extents[largest] / SPECK_RATIO)
    kept = [(_simplified(points, closed, tolerance if closed else tolerance * LINE_SHARE,
                         digits), closed)
            for i, (points, closed) in enumerate(parts)
            if visible[i] and (i == largest or not closed or extents[i] >= speck_size)]
    return _format(kept, digits)


def lighten(svg: str, *, tolerance: float = 0.3, digits: int = 1, speck: float = 1.0) -> str:
    """``svg`` with its plain line paths simplified to ``tolerance`` pixels.

    Outlines (closed parts) move by at most ``tolerance``, open lines by a third of it.

    ``digits`` is the number of decimals kept (1: a tenth of a pixel). A closed part of a
    path whose extent is under ``speck`` pixels, and under an eighth of the path's largest
    part, is dropped. The identity transform ``translate(0,0)`` is dropped too.
    In a mark group clipped to its frame (a zoomed map), parts wholly outside the frame are
    dropped, and a path with no part inside is left out altogether.
    """
    rects: dict[str, Rect] = {
        m.group(1): (float(m.group(2)), float(m.group(3)),
                     float(m.group(2)) + float(m.group(4)),
                     float(m.group(3)) + float(m.group(5)))
        for m in _CLIP_RECT.finditer(svg)}
    clips: list[Rect | None] = [None]
    out: list[str] = []
    position = 0
    for token in _TOKEN.finditer(svg):
        tag = token.group(0)
        if tag.startswith("<g"):
            if not tag.endswith("/>"):
                ref = _CLIP_REF.search(tag)
                clips.append(rects.get(ref.group(1)) if ref else clips[-1])
            continue
        if tag == "</g>":
            if len(clips) > 1:
                clips.pop()
            continue
        found = _D.search(tag)
        if found is None or not _PLAIN.match(found.group(1)):
            continue
        # A moved path's frame is not the clip's: simplify it, but clip nothing.
        clip = None if _MOVED.search(tag) else clips[-1]
        try:
            lighter = _lighter_d(found.group(1), clip, tolerance, digits, speck)
        except ValueError:
            continue
        out.append(svg[position:token.start()])
        # A path with nothing in sight is left out, unless it has children to close.
        if lighter or not tag.endswith("/>"):
            out.append((tag[:found.start(1)] + lighter + tag[found.end(1):])
                       .replace(' transform="translate(0,0)"', ""))
        position = token.end()
    out.append(svg[position:])
    return "".join(out)
