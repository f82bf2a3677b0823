"""A small sample for the demo, written by the project (not copied from any data file).

Rounded, approximate values for twelve countries: Internet use and the price of 1 GB of
mobile data for a few years, and one year of the ICT Development Index indicators, so that
maps, rankings (of the IDI and of the open-data index), the IDI step by step, the
affordability test and progress to 2030 show something within a minute of
``cybercommons demo``. The
source of every value says it is a demo sample. Two projects, two funders and one
expression of interest show the matching. Loading twice changes nothing.
"""

from __future__ import annotations

from typing import IO

from django.db import transaction

from cybercommons.core.countries import sync_countries
from cybercommons.core.models import Country, Organisation, StakeholderType
from cybercommons.economy import services
from cybercommons.economy.importers.store import write_records
from cybercommons.economy.kernel.observations import GeoKind, Observation
from cybercommons.economy.models import ExpressionOfInterest, Funder, Project
from cybercommons.economy.models import Observation as StoredObservation

SOURCE = "Demo sample (rounded, approximate)"
DEMO_FILE = "demo-sample"

# Individuals using the Internet, % of population, rounded to whole points.
INTERNET_USE: dict[str, dict[int, float]] = {
    "KEN": {2015: 16, 2017: 17, 2019: 23, 2021: 29, 2023: 35},
    "GHA": {2015: 31, 2017: 38, 2019: 50, 2021: 60, 2023: 70},
    "NGA": {2015: 24, 2017: 28, 2019: 33, 2021: 36, 2023: 39},
    "ZAF": {2015: 52, 2017: 56, 2019: 66, 2021: 72, 2023: 75},
    "IND": {2015: 15, 2017: 18, 2019: 30, 2021: 46, 2023: 56},
    "BRA": {2015: 58, 2017: 67, 2019: 74, 2021: 81, 2023: 84},
    "PER": {2015: 41, 2017: 50, 2019: 60, 2021: 72, 2023: 78},
    "FRA": {2015: 78, 2017: 81, 2019: 83, 2021: 86, 2023: 87},
    "DEU": {2015: 88, 2017: 88, 2019: 89, 2021: 91, 2023: 92},
    "FJI": {2015: 42, 2017: 50, 2019: 58, 2021: 72, 2023: 80},
    "NPL": {2015: 18, 2017: 24, 2019: 38, 2021: 51, 2023: 56},
    "SGP": {2015: 79, 2017: 84, 2019: 89, 2021: 92, 2023: 96},
}

# One year (2023) of the IDI indicators, rounded: households with Internet (%), mobile
# broadband per 100, 3G and 4G coverage (%), mobile and fixed traffic per subscription
# (GB a year), the two basket prices (% of monthly GNI per capita), phone ownership (%).
IDI_2023_VALUES = {
    #      xHH6 i911mw 3G  4G  mob-GB fix-GB mob-price fix-price own
    "KEN": (28, 60, 96, 90, 20, 600, 6.0, 12.0, 70),
    "GHA": (55, 75, 95, 80, 40, 900, 3.5, 9.0, 80),
    "NGA": (30, 45, 85, 80, 25, 500, 3.0, 10.0, 75),
    "ZAF": (70, 110, 99, 98, 60, 1500, 2.5, 4.0, 90),
    "IND": (60, 65, 98, 98, 200, 1800, 1.0, 3.0, 80),
    "BRA": (80, 95, 97, 95, 70, 2000, 1.5, 2.5, 88),
    "PER": (55, 80, 90, 85, 60, 1200, 1.8, 3.5, 85),
    "FRA": (92, 110, 99, 99, 180, 3000, 0.3, 0.8, 95),
    "DEU": (94, 95, 99, 99, 90, 2800, 0.6, 1.0, 96),
    "FJI": (60, 70, 95, 85, 50, 700, 2.5, 6.0, 85),
    "NPL": (40, 70, 90, 60, 60, 1000, 3.0, 7.0, 82),
    "SGP": (98, 160, 100, 100, 150, 3500, 0.2, 0.5, 98),
}
IDI_CODES = ("xHH6", "i911mw", "i271G", "i271GA", "i136mwi_subs", "i135tfb_subs",
             "i271mb_high_ts_GNI", "i154_FBB_ts_GNI", "xHH18")
# 2023 fixed-broadband and mobile-cellular subscriptions per 100 people, rounded, so the
# open-data index (World Bank and SDG codes) can be ranked beside the IDI; its 3G and 4G
# coverage are the IDI columns above under their SDG codes.
OPEN_DATA_2023 = {
    "KEN": (1.5, 122), "GHA": (0.4, 130), "NGA": (0.1, 100), "ZAF": (2.5, 170),
    "IND": (2.5, 82), "BRA": (22, 100), "PER": (10, 130), "FRA": (48, 114),
    "DEU": (45, 128), "FJI": (2, 105), "NPL": (5, 135), "SGP": (27, 170),
}
# Price of 1 GB of mobile data, % of monthly GNI per capita (the A4AI "1 for 2" test), so
# the country page shows the affordability test and progress toward the 2 % line.
MOBILE_DATA_PRICE: dict[str, dict[int, float]] = {
    "KEN": {2019: 5.5, 2021: 4.2, 2023: 3.4},
    "GHA": {2019: 2.0, 2021: 1.5, 2023: 1.1},
    "NGA": {2019: 2.6, 2021: 1.9, 2023: 1.4},
    "ZAF": {2019: 1.4, 2021: 1.1, 2023: 0.9},
    "IND": {2019: 0.4, 2021: 0.3, 2023: 0.3},
    "BRA": {2019: 0.9, 2021: 0.7, 2023: 0.6},
    "PER": {2019: 0.9, 2021: 0.7, 2023: 0.6},
    "FRA": {2019: 0.1, 2021: 0.1, 2023: 0.1},
    "DEU": {2019: 0.3, 2021: 0.2, 2023: 0.2},
    "FJI": {2019: 2.5, 2021: 2.2, 2023: 1.8},
    "NPL": {2019: 4.0, 2021: 3.1, 2023: 2.5},
    "SGP": {2019: 0.1, 2021: 0.1, 2023: 0.1},
}
# Mobile-phone ownership by sex (%), so the country page shows a gender gap.
OWNERSHIP_BY_SEX = {"KEN": (74, 66), "NPL": (88, 76), "IND": (85, 75)}


def _observations() -> list[Observation]:
    rows = []
    for iso3, by_year in INTERNET_USE.items():
        for year, value in by_year.items():
            rows.append(Observation(iso3, GeoKind.COUNTRY, year, float(value), "IT.NET.USER.ZS",
                                    unit="% of population", source=SOURCE))
    for iso3, values in IDI_2023_VALUES.items():
        for code, value in zip(IDI_CODES, values, strict=True):
            rows.append(Observation(iso3, GeoKind.COUNTRY, 2023, float(value), code,
                                    source=SOURCE))
    for iso3, (broadband, cellular) in OPEN_DATA_2023.items():
        coverage_3g, coverage_4g = IDI_2023_VALUES[iso3][2:4]
        for code, value in (("IT.NET.BBND.P2", broadband), ("IT.CEL.SETS.P2", cellular),
                            ("IT_MOB_3GNTWK", coverage_3g), ("IT_MOB_4GNTWK", coverage_4g)):
            rows.append(Observation(iso3, GeoKind.COUNTRY, 2023, float(value), code,
                                    source=SOURCE))
    for iso3, by_year in MOBILE_DATA_PRICE.items():
        for year, value in by_year.items():
            rows.append(Observation(iso3, GeoKind.COUNTRY, year, value, "A4AI.1GB.GNI",
                                    unit="% of monthly GNI per capita", source=SOURCE))
    for iso3, (male, female) in OWNERSHIP_BY_SEX.items():
        for sex, value in (("male", male), ("female", female)):
            rows.append(Observation(iso3, GeoKind.COUNTRY, 2023, float(value), "IT_MOB_OWN",
                                    breakdown={"sex": sex}, unit="%", source=SOURCE))
    return rows


ORGANISATIONS = {
    "ministry-digital-ke": ("Ministry of Information, Communications and the Digital Economy",
                            StakeholderType.GOVERNMENT, "KE"),
    "pacific-cable-co": ("Pacific Island Cable Company", StakeholderType.COMPANY, "FJ"),
    "regional-dev-bank": ("Regional Development Bank for Digital Infrastructure",
                          StakeholderType.INTERNATIONAL, "CI"),
    "digital-rights-forum": ("Digital Rights Forum", StakeholderType.CIVIL_SOCIETY, "IN"),
}


def _organisation(slug: str) -> Organisation:
    name, kind, country = ORGANISATIONS[slug]
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={
        "name": name, "stakeholder_type": kind, "country_id": country})
    return organisation


def load(stdout: IO[str] | None = None) -> None:
    """Load the economy sample (idempotent)."""
    if not Country.objects.exists():
        sync_countries()
    services.ensure_built_in_indices()
    # Never overwrite real imported data with the rounded sample.
    imported = set(StoredObservation.objects.exclude(source_file=DEMO_FILE)
                   .values_list("indicator__code", flat=True).distinct())
    write_records([o for o in _observations() if o.indicator not in imported], name=DEMO_FILE)
    with transaction.atomic():
        kenya, _ = Project.objects.get_or_create(
            organisation=_organisation("ministry-digital-ke"),
            name="Community networks for rural Kenya",
            defaults={"country_id": "KE", "sectors": ["connectivity", "community-networks"],
                      "sdg_targets": ["9.c", "17.8"], "accepts": ["development_bank",
                                                                 "foundation"],
                      "summary": "Shared last-mile wireless networks run by rural "
                                 "communities, backhauled over the national fibre.",
                      "budget_usd": 4_000_000, "ask_usd": 3_000_000,
                      "needs": "Capital for 120 sites; spectrum licence support.",
                      "contact": "projects@ministry.example"})
        fiji, _ = Project.objects.get_or_create(
            organisation=_organisation("pacific-cable-co"),
            name="Outer-island connectivity for Fiji",
            defaults={"country_id": "FJ", "sectors": ["connectivity", "submarine-cable"],
                      "sdg_targets": ["9.c"], "accepts": [], "status": "preparation",
                      "summary": "Domestic cable spurs and satellite backup for outer islands.",
                      "budget_usd": 25_000_000, "ask_usd": 20_000_000,
                      "needs": "Senior debt and a feasibility study.",
                      "visibility": "private"})
        bank, _ = Funder.objects.get_or_create(
            organisation=_organisation("regional-dev-bank"),
            name="Digital infrastructure facility",
            defaults={"type": "development_bank", "sectors": ["connectivity"],
                      "sdg_targets": ["9.c"], "regions": ["M49:2", "LDC"],
                      "ticket_min_usd": 1_000_000, "ticket_max_usd": 50_000_000,
                      "description": "Loans and grants for connectivity in Africa and LDCs.",
                      "notes": "Board prefers co-financing above US$20M."})
        Funder.objects.get_or_create(
            organisation=_organisation("digital-rights-forum"),
            name="Digital inclusion small grants",
            defaults={"type": "foundation", "sectors": ["community-networks", "skills"],
                      "sdg_targets": ["4.4", "5.b"], "ticket_min_usd": 10_000,
                      "ticket_max_usd": 250_000,
                      "description": "Small grants for community-led access and skills."})
        ExpressionOfInterest.objects.get_or_create(
            project=kenya, funder=bank,
            direction=ExpressionOfInterest.Direction.FUNDER_TO_PROJECT,
            defaults={"message": "The facility would like to discuss a blended loan.",
                      "score": None})
    if stdout is not None:
        stdout.write(f"economy: sample of {len(INTERNET_USE)} countries, 2 projects "
                     f"({kenya.name}; {fiji.name}), 2 funders, 1 expression of interest\n")
