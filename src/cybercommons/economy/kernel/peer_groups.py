"""Peer groups for comparisons: UN regions, LDC/LLDC/SIDS and World Bank income groups.

Why: "how does Nepal compare" means against other least developed, landlocked or
South Asian countries, or its income group. Groups are read from the public country
tables (datahub ``country-codes.csv``; Gapminder's country entities for the current
income group) and returned as ``{group code: frozenset of ISO alpha-3}``; the codes are
the ones the store uses for aggregates (``M49:202``, ``LDC``, ``LMC``).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

LDC = "LDC"
LLDC = "LLDC"
SIDS = "SIDS"
_UN_FLAGS = {
    LDC: "Least Developed Countries (LDC)",
    LLDC: "Land Locked Developing Countries (LLDC)",
    SIDS: "Small Island Developing States (SIDS)",
}
_REGION_COLUMNS = ("Region Code", "Sub-region Code", "Intermediate Region Code")
# Gapminder income-group ids to the World Bank aggregate codes used in WDI files.
INCOME_GROUP_CODES = {
    "low_income": "LIC",
    "lower_middle_income": "LMC",
    "upper_middle_income": "UMC",
    "high_income": "HIC",
}


def un_groups(country_codes_csv: str | Path) -> dict[str, frozenset[str]]:
    """LDC, LLDC, SIDS and every M49 region, sub-region and intermediate region.

    Reads the datahub ``country-codes.csv`` (cells marked ``x`` for the UN groupings;
    M49 codes for regions). Rows without an ISO alpha-3 code are skipped.
    """
    groups: dict[str, set[str]] = defaultdict(set)
    with Path(country_codes_csv).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            iso3 = (row.get("ISO3166-1-Alpha-3") or "").strip()
            if not iso3:
                continue
            for group, column in _UN_FLAGS.items():
                if (row.get(column) or "").strip().lower() == "x":
                    groups[group].add(iso3)
            for column in _REGION_COLUMNS:
                code = (row.get(column) or "").strip()
                if code:
                    groups[f"M49:{int(float(code))}"].add(iso3)
    return {group: frozenset(members) for group, members in groups.items()}


def income_groups(gapminder_countries_csv: str | Path) -> dict[str, frozenset[str]]:
    """Current World Bank income groups (LIC, LMC, UMC, HIC) from Gapminder's country table."""
    groups: dict[str, set[str]] = defaultdict(set)
    with Path(gapminder_countries_csv).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            iso3 = (row.get("iso3166_1_alpha3") or "").strip()
            code = INCOME_GROUP_CODES.get((row.get("income_groups") or "").strip())
            if iso3 and code:
                groups[code].add(iso3)
    return {group: frozenset(members) for group, members in groups.items()}
