"""Loading the country facts into the database.

Names and ISO codes come from pycountry (ISO 3166-1); the groupings (UN M49 regions, UN
regional groups, LDC/LLDC/SIDS lists, World Bank income groups) come from the facts file
``data/country_facts.csv`` written into the project with its sources named in
``data/README.md``. Loading is idempotent: running it again updates rows, never duplicates.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import pycountry
from django.db import transaction

from cybercommons.core.models import Country

FACTS_FILE = "country_facts.csv"


@dataclass(frozen=True)
class CountryFacts:
    code: str
    region_code: str = ""
    region: str = ""
    subregion_code: str = ""
    subregion: str = ""
    un_member: bool = False
    un_regional_group: str = ""
    is_ldc: bool = False
    is_lldc: bool = False
    is_sids: bool = False
    income_group: str = ""


def read_facts() -> dict[str, CountryFacts]:
    """The facts file as a dict keyed by alpha-2 code (empty when the file is absent)."""
    try:
        text = resources.files("cybercommons.core").joinpath("data", FACTS_FILE).read_text(
            encoding="utf-8")
    except FileNotFoundError:
        return {}
    facts: dict[str, CountryFacts] = {}
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        facts[row["code"]] = CountryFacts(
            code=row["code"],
            region_code=row.get("region_code", ""),
            region=row.get("region", ""),
            subregion_code=row.get("subregion_code", ""),
            subregion=row.get("subregion", ""),
            un_member=row.get("un_member", "") == "1",
            un_regional_group=row.get("un_regional_group", ""),
            is_ldc=row.get("ldc", "") == "1",
            is_lldc=row.get("lldc", "") == "1",
            is_sids=row.get("sids", "") == "1",
            income_group=row.get("income_group", ""),
        )
    return facts


def sync_countries() -> int:
    """Create or update every ISO 3166-1 country; return how many rows were written."""
    facts = read_facts()
    count = 0
    with transaction.atomic():
        for entry in pycountry.countries:
            extra = facts.get(entry.alpha_2, CountryFacts(code=entry.alpha_2))
            Country.objects.update_or_create(
                code=entry.alpha_2,
                defaults={
                    "alpha3": entry.alpha_3,
                    "numeric": entry.numeric,
                    "name": getattr(entry, "common_name", None) or entry.name,
                    "official_name": getattr(entry, "official_name", ""),
                    "region_code": extra.region_code,
                    "region": extra.region,
                    "subregion_code": extra.subregion_code,
                    "subregion": extra.subregion,
                    "un_member": extra.un_member,
                    "un_regional_group": extra.un_regional_group,
                    "is_ldc": extra.is_ldc,
                    "is_lldc": extra.is_lldc,
                    "is_sids": extra.is_sids,
                    "income_group": extra.income_group,
                },
            )
            count += 1
    return count
