"""Satellite elements (TLE) and ground stations: checks, import, and their effect on resilience."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercommons.infrastructure import analysis, services
from cybercommons.infrastructure.importers.satellites import check_tle, tle_checksum
from cybercommons.infrastructure.models import Dataset, GroundStation, Satellite

pytestmark = pytest.mark.django_db


def _with_checksum(body: str) -> str:
    assert len(body) == 68, len(body)
    return body + str(tle_checksum(body))


def _tle(norad: int, mean_motion: str = "15.06000000") -> tuple[str, str]:
    """A low-orbit element set written for the test (53 degrees, near-circular)."""
    line1 = _with_checksum(f"1 {norad:05d}U 24001A   24001.50000000  .00000000  00000-0  "
                           "00000-0 0  999")
    line2 = _with_checksum(f"2 {norad:05d}  53.0000 100.0000 0001000  90.0000 270.0000 "
                           f"{mean_motion}    1")
    return line1, line2


def test_the_checksum_counts_digits_and_minus_signs() -> None:
    assert tle_checksum("1 2-3") == (1 + 2 + 1 + 3) % 10


def test_it_accepts_good_elements_and_names_what_is_wrong() -> None:
    line1, line2 = _tle(90001)
    assert check_tle(line1, line2) == ""
    broken = line1[:68] + str((int(line1[68]) + 1) % 10)
    assert check_tle(broken, line2) == "line 1 fails its checksum"
    other = _tle(90002)[1]
    assert check_tle(line1, other) == "the two lines name different catalogue numbers"
    assert "69 characters" in check_tle(line1[:40], line2)


def test_it_imports_a_tle_file_and_skips_bad_sets(countries: None, tmp_path: Path) -> None:
    good1, good2 = _tle(90001)
    other1, other2 = _tle(90002)
    path = tmp_path / "sample.tle"
    # A truncated set between two good ones (the second without a name line).
    path.write_text(f"SAMPLE-1\n{good1}\n{good2}\nSAMPLE-2\n{other1}\n{other2[:60]}\n"
                    f"{other1}\n{other2}\n", encoding="utf-8")
    run = services.import_file(None, "tle", path, system=True, constellation="Sample LEO")
    assert run.counts["created"] == 2
    assert run.counts["skipped"] == 1
    assert run.problems[0]["record"] == "SAMPLE-2"
    assert Satellite.objects.get(norad_id=90001).constellation.name == "Sample LEO"
    again = services.import_file(None, "tle", path, system=True, constellation="Sample LEO")
    assert again.counts["updated"] == 2
    assert Satellite.objects.count() == 2


def test_a_ground_station_gives_its_country_another_path(sample: Dataset,
                                                         tmp_path: Path) -> None:
    assert analysis.resilience(sample)["countries"]["TO"]["min_cable_cut"] == 1
    path = tmp_path / "stations.csv"
    path.write_text("name,constellation,country,lon,lat\n"
                    "Sample gateway,Sample LEO,Tonga,-175.2,-21.1\n"
                    "Nowhere,Sample LEO,Atlantis,,\n", encoding="utf-8")
    run = services.import_file(None, "ground-stations", path, system=True)
    assert run.counts["created"] == 1
    assert run.counts["skipped"] == 1
    assert GroundStation.objects.get(name="Sample gateway").country_id == "TO"
    refreshed = Dataset.objects.get(pk=sample.pk)
    assert analysis.resilience(refreshed)["countries"]["TO"]["min_cable_cut"] == 2
