"""Bytes of the pages that show a world map: as Vega draws them, lightened, and gzipped.

Every page that inlines a map is fetched from a demo site (its Pacific network sample,
its indicator sample), plus the atlas of the real 2022 TeleGeography network when the
shared data folder is there, and a world choropleth with a value for four countries in
five. For each: the page's bytes, the SVG's bytes as vl-convert draws it, the SVG as
served (outlines simplified to the drawing's pixels by ``core.lib.svg_paths``), the page
gzipped as served to a browser that accepts it, and how many pixels of the map, drawn at
twice its size, differ from the unsimplified drawing by more than an eighth of the scale.

Usage: python bench/core_map_bytes.py [--no-real]
"""

from __future__ import annotations

import argparse
import gzip
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CYBERCOMMONS_SHARED_DATA", ROOT.parent / "shared" / "data"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-real", action="store_true", help="skip the real cable map")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="cc-maps-"))
    os.environ.update({"CYBERCOMMONS_DATA_DIR": str(data_dir), "SECRET_KEY": "m" * 50,
                       "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING",
                       "DJANGO_SETTINGS_MODULE": "cybercommons.settings"})
    os.environ.pop("DATABASE_URL", None)
    try:
        print("preparing demo data…", flush=True)
        subprocess.run([sys.executable, "-m", "cybercommons", "demo", "--no-serve"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        measure(real=not args.no_real and (SHARED / "submarine_cables").is_dir())
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def measure(*, real: bool) -> None:
    import django

    django.setup()
    import numpy as np
    import vl_convert
    from django.test import Client
    from PIL import Image

    from cybercommons.core import geo
    from cybercommons.core.lib import charts, svg_paths

    drawn: list[str] = []
    lighten = svg_paths.lighten

    def keep_drawing(svg: str, **kwargs: object) -> str:
        drawn.append(svg)
        return lighten(svg, **kwargs)  # type: ignore[arg-type]

    svg_paths.lighten = keep_drawing  # type: ignore[assignment]

    def pixels(svg: str) -> np.ndarray:
        png = vl_convert.svg_to_png(svg, scale=2)
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    def row(name: str, page: bytes, zipped: int, as_drawn: str, served: str,
            seconds: float) -> None:
        changed = np.abs(pixels(as_drawn) - pixels(served)).max(axis=2) > 32
        print(f"{name:44} {len(page):>9,} {len(as_drawn):>9,} {len(served):>9,} "
              f"{len(served) / len(as_drawn):>6.2f} {zipped:>9,} {changed.mean() * 100:>7.3f}% "
              f"{seconds * 1000:>7.0f}")

    client = Client()

    def page_row(name: str, url: str) -> None:
        drawn.clear()
        shutil.rmtree(Path(os.environ["CYBERCOMMONS_DATA_DIR"]) / "cache" / "charts",
                      ignore_errors=True)
        page = client.get(url).content
        zipped = len(client.get(url, HTTP_ACCEPT_ENCODING="gzip").content)
        svg = re.search(rb"<svg.*?</svg>", page, re.S)
        if not drawn or svg is None:
            print(f"{name:44} no map drawn")
            return
        started = time.process_time()
        lighten(drawn[-1])
        row(name, page, zipped, drawn[-1], svg.group(0).decode(),
            time.process_time() - started)

    from cybercommons.infrastructure.models import Cable

    print(f"{'page':44} {'page B':>9} {'SVG drawn':>9} {'SVG sent':>9} {'ratio':>6} "
          f"{'gzip B':>9} {'px diff':>8} {'light ms':>8}", flush=True)
    page_row("infrastructure atlas (demo, Pacific zoom)", "/infrastructure/")
    cable = Cable.objects.exclude(route=None).order_by("pk").first()
    if cable is not None:
        page_row("cable page (demo, zoomed on the cable)", f"/infrastructure/cables/{cable.pk}/")
    page_row("economy world map (demo indicator)", "/economy/map/")
    if real:
        from cybercommons.infrastructure import services

        services.import_file(None, "telegeography-v3", SHARED / "submarine_cables" /
                             "v3_2022-11", system=True, activate=True)
        client.get("/infrastructure/")  # the first visit computes the analysis
        page_row("infrastructure atlas (real 2022 map, world)", "/infrastructure/")
    shapes = geo.world_countries()["features"]
    values = {f["id"]: float(i % 100) for i, f in enumerate(shapes) if i % 5}
    spec = charts.choropleth_spec(values, legend="score")
    as_drawn = vl_convert.vegalite_to_svg(spec)
    started = time.process_time()
    served = lighten(as_drawn)
    seconds = time.process_time() - started
    row(f"world choropleth ({len(values)} countries shaded)", b"", len(gzip.compress(
        served.encode())), as_drawn, served, seconds)
    print("page B: the HTML page; SVG drawn: vl-convert's SVG; SVG sent: after "
          "svg_paths.lighten; gzip B: the page as sent with Accept-Encoding: gzip (the "
          "choropleth row: its SVG alone); px diff: share of pixels (drawn at 2×) differing "
          "by more than 32/255; light ms: CPU time of lighten, once per cached drawing")


if __name__ == "__main__":
    raise SystemExit(main())
