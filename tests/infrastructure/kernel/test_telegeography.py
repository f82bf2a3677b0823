"""Parsing the TeleGeography submarine-cable-map JSON, v3 and v2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cybercommons.infrastructure.kernel.telegeography import (
    Cable,
    RecordError,
    detect_version,
    iter_routes,
    load_snapshot,
    parse_length_km,
    parse_rfs_date,
    split_names,
)


def write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def line_feature(cable_id: str, coords: object, kind: str = "MultiLineString") -> dict:
    return {
        "type": "Feature",
        "properties": {"id": cable_id, "feature_id": f"{cable_id}-0"},
        "geometry": {"type": kind, "coordinates": coords},
    }


@pytest.fixture
def v3_folder(tmp_path: Path) -> Path:
    root = tmp_path / "v3"
    write(root / "config.json", {"creation_time": "2022-11-10T20:10:40-05:00"})
    write(root / "status" / "planned.json", {"id": "planned", "cables": []})
    write(
        root / "cable" / "alpha.json",
        {
            "id": "alpha",
            "name": "Alpha",
            "length": "45,000 km",
            "landing_points": [
                {"id": "a-congo", "name": "A, Congo, Dem. Rep.", "country": "Congo, Dem. Rep."},
                {"id": "b-france", "name": "B, France", "country": "France"},
            ],
            "owners": "Meta,  Orange, ",
            "suppliers": "ASN",
            "rfs": "2023",
            "rfs_year": 2023,
            "is_planned": True,
        },
    )
    write(
        root / "cable" / "beta.json",
        {
            "id": "beta",
            "name": "Beta",
            "length": "about a thousand",
            "landing_points": [{"id": "b-france", "name": "B, France", "country": "France"}],
            "owners": "X",
            "suppliers": None,
            "rfs_year": 1999,
            "is_planned": False,
        },
    )
    write(root / "cable" / "broken.json", {"name": "no id"})
    write(
        root / "cable" / "cable-geo.json",
        {
            "type": "FeatureCollection",
            "features": [
                line_feature("alpha", [[[12.0, -6.0], [5.0, 43.0]]]),
                line_feature("beta", [[[5.0, 43.0], [500.0, 43.0]]]),
                line_feature("beta", [[[5.0, 43.0], [6.0, 44.0]]]),
            ],
        },
    )
    write(
        root / "landing-point" / "landing-point-geo.json",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"id": "a-congo", "name": "A, Congo, Dem. Rep.", "is_tbd": False},
                    "geometry": {"type": "Point", "coordinates": [12.0, -6.0]},
                },
                {
                    "type": "Feature",
                    "properties": {"id": "b-france", "name": "B, France", "is_tbd": None},
                    "geometry": {"type": "Point", "coordinates": [5.0, 43.0]},
                },
                {
                    "type": "Feature",
                    "properties": {"id": "nowhere", "name": "Nowhere"},
                    "geometry": {"type": "Point", "coordinates": ["x", 1]},
                },
            ],
        },
    )
    write(root / "landing-point" / "a-congo.json", {"id": "a-congo", "country": "Congo, Dem. Rep."})
    return root


def test_it_parses_lengths_in_km_and_refuses_other_text() -> None:
    assert parse_length_km("45,000 km") == 45000.0
    assert parse_length_km("1,234.5 km") == 1234.5
    assert parse_length_km(None) is None
    assert parse_length_km("n.a.") is None
    with pytest.raises(ValueError, match="not a length"):
        parse_length_km("45,000 miles")


def test_it_splits_owner_lists_and_reads_rfs_dates() -> None:
    assert split_names("Facebook,  Vodafone,  MTN Group") == ("Facebook", "Vodafone", "MTN Group")
    assert split_names(None) == ()
    assert parse_rfs_date("2016 Q3").month == 7
    assert parse_rfs_date("March 2021").month == 3
    assert parse_rfs_date("soon") is None


def test_it_reads_a_v3_folder_keeping_good_records(v3_folder: Path) -> None:
    data = load_snapshot(v3_folder)
    assert data.version == 3 == detect_version(v3_folder)
    alpha = data.cables["alpha"]
    assert isinstance(alpha, Cable)
    assert alpha.length_km == 45000.0
    assert alpha.owners == ("Meta", "Orange")
    assert alpha.suppliers == ("ASN",)
    assert alpha.rfs_year == 2023
    assert alpha.is_planned
    assert alpha.landing_point_ids == ("a-congo", "b-france")
    assert alpha.route == (((12.0, -6.0), (5.0, 43.0)),)
    # The landing point without a detail file gets its country from the cable file.
    assert data.landing_points["b-france"].country == "France"
    assert data.landing_points["a-congo"].lon == 12.0


def test_it_rejects_malformed_geometry_per_record_with_the_reason(v3_folder: Path) -> None:
    data = load_snapshot(v3_folder)
    reasons = {(e.record_id, e.reason) for e in data.errors}
    assert any(rid == "beta-0" and "outside lon" in reason for rid, reason in reasons)
    assert any(rid == "nowhere" and "non-numeric" in reason for rid, reason in reasons)
    assert "nowhere" not in data.landing_points
    # The good feature of the same cable is kept.
    assert data.cables["beta"].route == (((5.0, 43.0), (6.0, 44.0)),)


def test_it_keeps_a_cable_with_an_unreadable_length_and_says_so(v3_folder: Path) -> None:
    data = load_snapshot(v3_folder)
    assert data.cables["beta"].length_km is None
    kept = [e for e in data.errors if e.record_id == "beta" and e.kept]
    assert kept
    assert "about a thousand" in kept[0].reason


def test_it_skips_a_cable_without_id_and_reports_it(v3_folder: Path) -> None:
    data = load_snapshot(v3_folder)
    assert set(data.cables) == {"alpha", "beta"}
    assert any(e.record_id == "broken" and not e.kept for e in data.errors)


def test_it_reports_a_geojson_feature_of_the_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "geo.json"
    write(path, {"type": "FeatureCollection", "features": [line_feature("x", [1, 2], "Point")]})
    items = list(iter_routes(path))
    assert len(items) == 1
    assert isinstance(items[0], RecordError)
    assert "not a MultiLineString" in items[0].reason


def test_it_reads_a_v2_folder_with_countries_from_place_names(tmp_path: Path) -> None:
    root = tmp_path / "v2"
    write(root / "config.json", {"creation_time": "2021-06-28"})
    write(root / "country" / "congo-dem-rep.json", {"name": "Congo, Dem. Rep.", "cables": []})
    write(root / "country" / "congo-rep.json", {"name": "Congo, Rep.", "cables": []})
    write(root / "country" / "france.json", {"name": "France", "cables": []})
    write(
        root / "landing-point" / "all.json",
        [
            {
                "id": "m",
                "name": "Muanda, Congo, Dem. Rep.",
                "latitude": "-5.9",
                "longitude": "12.3",
                "is_tbd": "false",
            },
            {
                "id": "b",
                "name": "B, France",
                "latitude": "43.0",
                "longitude": "5.0",
                "is_tbd": "true",
            },
            {"id": "bad", "name": "Bad, France", "latitude": "north", "longitude": "5.0"},
        ],
    )
    write(
        root / "cable" / "c.json",
        {
            "id": "c",
            "name": "C",
            "cable_id": 1,
            "length": "n.a.",
            "rfs": "2022 Q1",
            "owners": "O",
            "landing_points": [{"id": "m", "latlon": "-5.9,12.3"}, {"id": "b", "latlon": "43,5"}],
        },
    )
    write(
        root / "cable" / "cable-geo.json",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"slug": "c"},
                    "geometry": {
                        "type": "MultiLineString",
                        "coordinates": [[[12.3, -5.9], [5.0, 43.0]]],
                    },
                }
            ],
        },
    )
    data = load_snapshot(root)
    assert data.version == 2
    assert data.landing_points["m"].country == "Congo, Dem. Rep."
    assert data.landing_points["b"].is_tbd is True
    assert any(e.record_id == "bad" for e in data.errors)
    cable = data.cables["c"]
    assert cable.length_km is None
    assert cable.suppliers == ()
    assert cable.is_planned  # ready in 2022 Q1, after the June 2021 snapshot
    assert len(cable.route) == 1


@pytest.mark.realdata
def test_it_imports_the_real_v3_snapshot_cleanly(shared_data: Path) -> None:
    data = load_snapshot(shared_data / "submarine_cables" / "v3_2022-11")
    assert len(data.cables) == 526
    assert sum(c.is_planned for c in data.cables.values()) == 65
    assert sum(c.length_km is None for c in data.cables.values()) == 32
    assert data.errors == []
    assert all(p.country for p in data.landing_points.values())
    two_africa = data.cables["2africa"]
    assert two_africa.length_km == 45000.0
    assert "Meta" in two_africa.owners
    assert two_africa.suppliers == ("ASN",)
    assert all(c.route for c in data.cables.values())
    referenced = {i for c in data.cables.values() for i in c.landing_point_ids}
    assert referenced <= set(data.landing_points)


@pytest.mark.realdata
def test_it_imports_the_real_v2_snapshot_with_every_landing_point_placed(shared_data: Path) -> None:
    data = load_snapshot(shared_data / "submarine_cables" / "v2_2021-06")
    assert len(data.cables) == 484
    assert all(p.country for p in data.landing_points.values())
    # Lengths published as "n.a." are read as unknown, not as errors.
    assert data.errors == []
    assert sum(c.length_km is None for c in data.cables.values()) >= 32
    assert data.landing_points["muanda-congo-dem-rep-"].country == "Congo, Dem. Rep."
