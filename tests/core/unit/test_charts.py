"""World maps and charts drawn on the server."""

from __future__ import annotations

import re

from cybercommons.core import geo
from cybercommons.core.lib import charts


def test_world_shapes_have_one_feature_per_iso_code_and_mark_small_states() -> None:
    features = geo.world_countries()["features"]
    codes = [f["id"] for f in features]
    assert len(codes) == len(set(codes)) > 200
    by_code = {f["id"]: f["properties"] for f in features}
    assert by_code["TV"]["small"]
    assert by_code["MV"]["small"]
    assert not by_code["BR"]["small"]
    assert by_code["FR"]["name"] == "France"


def test_a_choropleth_shades_only_countries_with_a_value() -> None:
    spec = charts.choropleth_spec({"KE": 80.0, "TV": 30.0, "NP": None}, legend="%")
    base, shaded, dots = spec["layer"]
    # Each country is drawn once: grey without a value (NP included), shaded with one.
    grey = {f["id"] for f in base["data"]["values"]}
    assert len(grey) == len(geo.world_countries()["features"]) - 2
    assert "NP" in grey
    assert not grey & {"KE", "TV"}
    assert sorted(f["id"] for f in shaded["data"]["values"]) == ["KE", "TV"]
    assert [d["code"] for d in dots["data"]["values"]] == ["TV"]


def test_the_map_renders_to_svg_with_its_legend(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    svg = charts.render_svg(charts.choropleth_spec({"KE": 80.0}, legend="Internet use"))
    assert svg.startswith("<svg")
    assert "Internet use" in svg
    assert list((tmp_path / "cache" / "charts").glob("*.svg"))
    # Outlines are drawn at a tenth of a pixel, not a thousandth.
    assert not re.search(r"\d\.\d\d", " ".join(re.findall(r' d="(M[^"]*)"', svg)))


def test_chart_data_is_offered_as_csv() -> None:
    text = charts.csv_text(["country", "value"], [("KE", 80), ("FR", 95.5)])
    assert text.splitlines() == ["country,value", "KE,80", "FR,95.5"]
