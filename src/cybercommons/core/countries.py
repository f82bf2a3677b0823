"""Loading the country facts into the database, and country names in the page language.

Names and ISO codes come from pycountry (ISO 3166-1); the groupings (UN M49 regions, UN
regional groups, LDC/LLDC/SIDS lists, World Bank income groups) come from the facts file
``data/country_facts.csv`` written into the project with its sources named in
``data/README.md``. Loading is idempotent: running it again updates rows, never duplicates.
"""

from __future__ import annotations

import csv
import gettext
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Protocol

import pycountry
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cybercommons.core.models import Country, IncomeGroup, UNRegionalGroup

logger = logging.getLogger(__name__)

FACTS_FILE = "country_facts.csv"
COLUMNS = (
    "code", "region_code", "region", "subregion_code", "subregion", "un_member",
    "un_regional_group", "ldc", "lldc", "sids", "income_group",
)
FLAG_VALUES = {"0": False, "1": True}

# pycountry ships the iso-codes gettext catalogues under the glibc locale names; Django
# names the languages differently (zh-hans), so the page language is mapped here.
PYCOUNTRY_LOCALES = {
    "ar": "ar",
    "zh-hans": "zh_CN",
    "zh-cn": "zh_CN",
    "zh": "zh_CN",
    "fr": "fr",
    "ru": "ru",
    "es": "es",
}


# The M49 areas used by the facts file, named for translation: the facts file keeps the
# English names, pages show these in the page language.
M49_AREA_NAMES: dict[str, Promise] = {
    "002": _("Africa"),
    "019": _("Americas"),
    "142": _("Asia"),
    "150": _("Europe"),
    "009": _("Oceania"),
    "015": _("Northern Africa"),
    "014": _("Eastern Africa"),
    "017": _("Middle Africa"),
    "018": _("Southern Africa"),
    "011": _("Western Africa"),
    "029": _("Caribbean"),
    "013": _("Central America"),
    "005": _("South America"),
    "021": _("Northern America"),
    "143": _("Central Asia"),
    "030": _("Eastern Asia"),
    "035": _("South-eastern Asia"),
    "034": _("Southern Asia"),
    "145": _("Western Asia"),
    "151": _("Eastern Europe"),
    "154": _("Northern Europe"),
    "039": _("Southern Europe"),
    "155": _("Western Europe"),
    "053": _("Australia and New Zealand"),
    "054": _("Melanesia"),
    "057": _("Micronesia"),
    "061": _("Polynesia"),
}


def area_name(code: str) -> str:
    """The name of an M49 region or sub-region in the active language ("" when unknown)."""
    name = M49_AREA_NAMES.get(code)
    return str(name) if name is not None else ""


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


@dataclass(frozen=True)
class FactsError:
    """A record of the facts file that was skipped, and why."""

    line: int
    code: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line} ({self.code or 'no code'}): {self.problem}"


def _problems(row: dict[str, str], known_codes: set[str]) -> list[str]:
    """Everything wrong with one row of the facts file (empty when the row is valid)."""
    problems = []
    code = row.get("code") or ""
    if code not in known_codes:
        problems.append(f"unknown ISO 3166-1 alpha-2 code {code!r}")
    for column in ("region_code", "subregion_code"):
        value = row.get(column) or ""
        if value and not (len(value) == 3 and value.isdigit()):
            problems.append(f"{column} must be a three-digit M49 code, not {value!r}")
    for column in ("un_member", "ldc", "lldc", "sids"):
        if (row.get(column) or "") not in FLAG_VALUES:
            problems.append(f"{column} must be 0 or 1, not {row.get(column)!r}")
    group = row.get("un_regional_group") or ""
    if group and group not in UNRegionalGroup.values:
        problems.append(f"unknown UN regional group {group!r}")
    if group and row.get("un_member") != "1":
        problems.append("a regional group is given for a non-member")
    income = row.get("income_group") or ""
    if income and income not in IncomeGroup.values:
        problems.append(f"unknown income group {income!r}")
    return problems


def parse_facts(lines: Iterable[str]) -> tuple[dict[str, CountryFacts], list[FactsError]]:
    """Parse facts-file lines; return the valid records by code and the skipped ones.

    Comment lines (``#``) are ignored. A bad record is reported and skipped; the others
    are kept. A missing column in the header is an error for the whole file.
    """
    known_codes = {entry.alpha_2 for entry in pycountry.countries}
    numbered = ((number, line) for number, line in enumerate(lines, start=1)
                if line.strip() and not line.startswith("#"))
    line_numbers: list[int] = []

    def data_lines() -> Iterable[str]:
        for number, line in numbered:
            line_numbers.append(number)
            yield line

    reader = csv.DictReader(data_lines())
    missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"the country facts file lacks the columns: {', '.join(missing)}")
    facts: dict[str, CountryFacts] = {}
    errors: list[FactsError] = []
    for row in reader:
        line = line_numbers[-1]
        code = row.get("code") or ""
        problems = _problems(row, known_codes)
        if code in facts:
            problems.append("the code appears twice")
        if problems:
            errors.append(FactsError(line, code, "; ".join(problems)))
            continue
        facts[code] = CountryFacts(
            code=code,
            region_code=row["region_code"],
            region=row["region"],
            subregion_code=row["subregion_code"],
            subregion=row["subregion"],
            un_member=FLAG_VALUES[row["un_member"]],
            un_regional_group=row["un_regional_group"],
            is_ldc=FLAG_VALUES[row["ldc"]],
            is_lldc=FLAG_VALUES[row["lldc"]],
            is_sids=FLAG_VALUES[row["sids"]],
            income_group=row["income_group"],
        )
    return facts, errors


def read_facts() -> dict[str, CountryFacts]:
    """The facts file as a dict keyed by alpha-2 code (empty when the file is absent).

    Bad records are logged and skipped.
    """
    try:
        text = resources.files("cybercommons.core").joinpath("data", FACTS_FILE).read_text(
            encoding="utf-8")
    except FileNotFoundError:
        return {}
    facts, errors = parse_facts(text.splitlines())
    for error in errors:
        logger.warning("country facts: %s", error)
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


class NamedCountry(Protocol):
    code: str
    name: str


@lru_cache(maxsize=16)
def _catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale],
                               fallback=True)


def localized_name(country: NamedCountry, language: str) -> str:
    """The country's short name in ``language`` (a Django language code such as ``zh-hans``).

    Uses the ISO 3166-1 translations of the iso-codes project shipped with pycountry. The
    stored name is the common name where ISO has one (``Taiwan``), so it is tried first,
    then the ISO short name; the English name is returned for English and for languages or
    names without a translation.
    """
    locale = PYCOUNTRY_LOCALES.get(language.lower().replace("_", "-"))
    if locale is None:
        return country.name
    catalogue = _catalogue(locale)
    translated = catalogue.gettext(country.name)
    if translated != country.name:
        return translated
    entry = pycountry.countries.get(alpha_2=country.code)
    if entry is not None and entry.name != country.name:
        return catalogue.gettext(entry.name)
    return translated


def localized_official_name(country: Country, language: str) -> str:
    """The country's official name in ``language`` ("" when ISO gives none).

    ISO 3166-1 gives official names only where they differ from the short name
    ("Republic of Kenya"); the iso-codes catalogues translate them like the short names.
    """
    if not country.official_name:
        return ""
    locale = PYCOUNTRY_LOCALES.get(language.lower().replace("_", "-"))
    if locale is None:
        return country.official_name
    return _catalogue(locale).gettext(country.official_name)
