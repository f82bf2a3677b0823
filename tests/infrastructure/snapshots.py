"""Write small TeleGeography-style snapshot folders for importer tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def v3_snapshot(folder: Path, *, broken: bool = False) -> Path:
    """Three landing points (FJ, TO, and one in 'Atlantis' when ``broken``), two cables.

    ``broken`` adds a cable record with no name, a cable with malformed geometry and a
    landing point whose country no rule maps.
    """
    points = [("suva", "Suva, Fiji", "Fiji", [178.4, -18.1]),
              ("nukualofa", "Nuku'alofa, Tonga", "Tonga", [-175.2, -21.1]),
              ("apia", "Apia, Samoa", "Samoa", [-171.8, -13.8])]
    if broken:
        points.append(("atlantis-1", "Poseidonis, Atlantis", "Atlantis", [-30.0, 30.0]))
    _write(folder / "config.json", {"creation_time": "2022-11-10T20:10:40-05:00"})
    (folder / "status").mkdir(parents=True, exist_ok=True)
    _write(folder / "landing-point" / "landing-point-geo.json", {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"id": i, "name": n, "is_tbd": False},
                      "geometry": {"type": "Point", "coordinates": xy}}
                     for i, n, _, xy in points]})
    for i, n, c, _ in points:
        _write(folder / "landing-point" / f"{i}.json", {"id": i, "name": n, "country": c})
    cables = {
        "fj-to": ["suva", "nukualofa"],
        "fj-ws": ["suva", "apia"] + (["atlantis-1"] if broken else []),
    }
    geo = [{"type": "Feature", "properties": {"id": "fj-to", "name": "FJ-TO"},
            "geometry": {"type": "MultiLineString",
                         "coordinates": [[[178.4, -18.1], [180.0, -19.5]],
                                         [[-180.0, -19.5], [-175.2, -21.1]]]}},
           {"type": "Feature", "properties": {"id": "fj-ws", "name": "FJ-WS"},
            "geometry": {"type": "MultiLineString",
                         "coordinates": [[[178.4, -18.1], [180.0, -16.0]],
                                         [[-180.0, -16.0], [-171.8, -13.8]]]}}]
    for cid, lps in cables.items():
        _write(folder / "cable" / f"{cid}.json", {
            "id": cid, "name": cid.upper(), "length": "1,234 km", "owners": "A, B",
            "suppliers": "S", "rfs_year": 2015, "is_planned": False, "url": None,
            "notes": None,
            "landing_points": [{"id": lp, "name": lp, "country": c, "is_tbd": False}
                               for lp in lps for i, _, c, _ in points if i == lp]})
    if broken:
        _write(folder / "cable" / "nameless.json", {"id": "nameless", "landing_points": []})
        _write(folder / "cable" / "bent.json", {
            "id": "bent", "name": "BENT", "length": "about 10", "owners": "", "rfs_year": 2020,
            "is_planned": False,
            "landing_points": [{"id": "suva", "name": "Suva", "country": "Fiji"}]})
        geo.append({"type": "Feature", "properties": {"id": "bent"},
                    "geometry": {"type": "MultiLineString",
                                 "coordinates": [[[200.0, 0.0], [0.0, 0.0]]]}})
    _write(folder / "cable" / "cable-geo.json", {"type": "FeatureCollection", "features": geo})
    return folder
