"""Which countries each cable's surviving parts still join: cables served and links counted."""

from __future__ import annotations

from collections.abc import Iterable

from .graph import Network, Unit


class CableReach:
    """Which countries each cable's surviving parts still join together.

    A cable serves a country when some group of landing points still joined by its intact
    parts holds one of the country's landing points and at least one other landing point.
    International links are (cable, foreign country) pairs within such groups; they add up
    cable by cable, so a scenario only needs to recompute the cables it touches.
    """

    def __init__(self, network: Network) -> None:
        self.network = network
        self.units_by_cable: dict[str, list[Unit]] = {}
        for unit in network.units.values():
            self.units_by_cable.setdefault(unit.parent or unit.id, []).append(unit)
        self.cable_of = {u.id: cable for cable, units in self.units_by_cable.items() for u in units}
        self._intact = {c: self._links(c, frozenset()) for c in self.units_by_cable}

    def groups(
        self, cable_id: str, removed: frozenset[str], stations: frozenset[str] = frozenset()
    ) -> list[set[str]]:
        """Country groups the cable still joins once ``removed`` units and ``stations`` are gone."""
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        places: set[str] = set()
        for unit in self.units_by_cable[cable_id]:
            ends = [
                e
                for e in unit.endpoints
                if e.startswith(("lp:", "junction:", "country:"))
                and not (e.startswith("lp:") and e[3:] in stations)
            ]
            places.update(e for e in ends if not e.startswith("junction:"))
            if unit.id in removed or not ends:
                continue
            for e in ends[1:]:
                parent[find(ends[0])] = find(e)
        grouped: dict[str, set[str]] = {}
        for end in places:
            grouped.setdefault(find(end), set()).add(end)
        return [{self._country(e) for e in g} for g in grouped.values() if len(g) >= 2]

    def _country(self, end: str) -> str:
        return self.network.landing_country[end[3:]] if end.startswith("lp:") else end[8:]

    def _links(
        self, cable_id: str, removed: frozenset[str], stations: frozenset[str] = frozenset()
    ) -> dict[str, int]:
        foreign: dict[str, set[str]] = {}
        for group in self.groups(cable_id, removed, stations):
            for c in group:
                foreign.setdefault(c, set()).update(group - {c})
        return {c: len(f) for c, f in foreign.items()}

    def counts(
        self, removed: Iterable[str] = (), stations: Iterable[str] = ()
    ) -> dict[str, tuple[int, int]]:
        """Per country: (cables serving it, international links), after the given losses."""
        dead = frozenset(removed)
        gone = frozenset(stations)
        touched = {self.cable_of[u] for u in dead if u in self.cable_of}
        if gone:
            touched |= {
                cable
                for cable, units in self.units_by_cable.items()
                if any(e[3:] in gone for u in units for e in u.endpoints if e.startswith("lp:"))
            }
        cables: dict[str, int] = {}
        links: dict[str, int] = {}
        for cable_id, intact in self._intact.items():
            per = self._links(cable_id, dead, gone) if cable_id in touched else intact
            for c, n in per.items():
                cables[c] = cables.get(c, 0) + 1
                links[c] = links.get(c, 0) + n
        return {c: (cables.get(c, 0), links.get(c, 0)) for c in self.network.countries()}

    def links_lost(self, removed: Iterable[str]) -> dict[str, int]:
        """International links each country loses when ``removed`` units are gone."""
        dead = frozenset(removed)
        out: dict[str, int] = {}
        for cable_id in {self.cable_of[u] for u in dead if u in self.cable_of}:
            mine = frozenset(u.id for u in self.units_by_cable[cable_id]) & dead
            after = self._links(cable_id, mine)
            for c, n in self._intact[cable_id].items():
                if n - after.get(c, 0):
                    out[c] = out.get(c, 0) + n - after.get(c, 0)
        return out
