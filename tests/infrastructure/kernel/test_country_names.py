"""Source country names onto ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cybercommons.infrastructure.kernel.country_names import resolve_country, resolve_many
from cybercommons.infrastructure.kernel.telegeography import load_snapshot


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Congo, Dem. Rep.", "CD"),
        ("Congo, Rep.", "CG"),
        ("Korea, Rep.", "KR"),
        ("South Korea", "KR"),
        ("Korea, Dem. People's Rep.", "KP"),
        ("Micronesia, Fed. Sts.", "FM"),
        ("Micronesia", "FM"),
        ("Virgin Islands (U.K.)", "VG"),
        ("Virgin Islands (U.S.)", "VI"),
        ("Saint Martin", "MF"),
        ("Sint Maarten", "SX"),
        ("St. Kitts and Nevis", "KN"),
        ("Bonaire, Sint Eustatius and Saba", "BQ"),
        ("Saint Helena, Ascension and Tristan da Cunha", "SH"),
        ("Curaçao", "CW"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("Egypt, Arab Rep.", "EG"),
        ("Gambia, The", "GM"),
        ("Iran", "IR"),
        ("Russia", "RU"),
        ("Turkey", "TR"),
        ("Cape Verde", "CV"),
        ("Brunei", "BN"),
        ("Niger", "NE"),
        ("Nigeria", "NG"),
    ],
)
def test_it_maps_tricky_source_names_to_iso_codes(name: str, code: str) -> None:
    assert resolve_country(name).alpha2 == code


def test_it_returns_unknown_names_as_unresolved_with_a_reason() -> None:
    match = resolve_country("Atlantis")
    assert match.alpha2 is None
    assert not match.resolved
    assert "Atlantis" in match.reason


def test_it_uses_the_place_for_a_name_that_split_into_several_codes() -> None:
    assert resolve_country("Netherlands Antilles").alpha2 is None
    assert resolve_country("Netherlands Antilles", "North Salina, Bonaire, Netherlands Antilles")
    assert (
        resolve_country("Netherlands Antilles", "Willemstad, Curaçao, Netherlands Antilles").alpha2
        == "CW"
    )


def test_resolve_many_keeps_every_unresolved_name_once() -> None:
    codes, unresolved = resolve_many(
        [("France", None), ("Atlantis", None), ("Atlantis", None), ("Korea, Rep.", None)]
    )
    assert codes == {("France", None): "FR", ("Korea, Rep.", None): "KR"}
    assert [m.source_name for m in unresolved] == ["Atlantis"]


@pytest.mark.realdata
@pytest.mark.parametrize("snapshot", ["v3_2022-11", "v2_2021-06"])
def test_every_country_name_in_the_real_snapshots_maps(shared_data: Path, snapshot: str) -> None:
    data = load_snapshot(shared_data / "submarine_cables" / snapshot)
    pairs = [(p.country or "", p.name) for p in data.landing_points.values()]
    codes, unresolved = resolve_many(pairs)
    assert unresolved == []
    by_name: dict[str, set[str]] = {}
    for (name, _), code in codes.items():
        by_name.setdefault(name, set()).add(code)
    # One source name never lands on two codes, and every code is a real alpha-2 code.
    assert all(len(v) == 1 for v in by_name.values())
    assert len(by_name) >= 180
    assert all(len(c) == 2 and c.isupper() for c in codes.values())
