"""Small hand-drawn networks whose answers can be checked on paper."""

from __future__ import annotations

from cybercommons.infrastructure.kernel.graph import Network, Unit, build_network, lp


class FakeCable:
    """The attributes ``build_network`` reads from a parsed cable."""

    def __init__(
        self,
        cable_id: str,
        landing_point_ids: list[str],
        route: tuple = (),
        is_planned: bool = False,
    ) -> None:
        self.id = cable_id
        self.name = cable_id.upper()
        self.landing_point_ids = tuple(landing_point_ids)
        self.route = route
        self.is_planned = is_planned


def network(
    landing: dict[str, str],
    cables: dict[str, list[str]],
    hubs: tuple[str, ...] = ("US", "GB"),
    extra: tuple[Unit, ...] = (),
    routes: dict[str, tuple] | None = None,
) -> Network:
    """Landing point -> country, cable -> landing points, and the hub countries."""
    routes = routes or {}
    parsed = [FakeCable(cid, lps, routes.get(cid, ())) for cid, lps in cables.items()]
    return build_network(parsed, landing, hubs=hubs, extra_units=extra)


def island_with_two_cables() -> Network:
    """Tonga (TO) joined to the US and to GB by one cable each; US and GB joined twice."""
    return network(
        {"us1": "US", "gb1": "GB", "to1": "TO", "to2": "TO"},
        {
            "atlantic-a": ["us1", "gb1"],
            "atlantic-b": ["us1", "gb1"],
            "to-us": ["to1", "us1"],
            "to-gb": ["to2", "gb1"],
        },
    )


def chain() -> Network:
    """NU hangs off TO by one cable; TO hangs off the US by one cable (both SPOFs for NU)."""
    return network(
        {"us1": "US", "gb1": "GB", "to1": "TO", "nu1": "NU"},
        {"atlantic": ["us1", "gb1"], "to-us": ["to1", "us1"], "nu-to": ["nu1", "to1"]},
    )


def festoon() -> Network:
    """One cable landing in FJ, TO and the US, and a second cable FJ-GB.

    FJ has two cables (min-cut 2); TO only the festoon (min-cut 1, SPOF 'festoon').
    """
    return network(
        {"us1": "US", "gb1": "GB", "fj1": "FJ", "to1": "TO"},
        {
            "atlantic": ["us1", "gb1"],
            "festoon": ["to1", "fj1", "us1"],
            "fj-gb": ["fj1", "gb1"],
        },
    )


def unit_between(unit_id: str, *endpoints: str) -> Unit:
    """An extra terrestrial-style unit."""
    return Unit(unit_id, "terrestrial", tuple(endpoints))


__all__ = ["chain", "festoon", "island_with_two_cables", "lp", "network", "unit_between"]
