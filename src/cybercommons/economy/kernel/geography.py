"""Tell countries from aggregates, and turn codes and names into ISO 3166-1 alpha-3.

Why: WDI files mix 217 economies with ~50 regional and income-group totals (``WLD``,
``LMC``, ``SSF``, ``EUU``); the UN SDG database mixes countries with M49 regions and
groups (1 = World, 199 = LDCs, 722 = SIDS); Our World in Data uses English names. A
country ranking that counts "Sub-Saharan Africa" as a country is wrong, so every code
is classified here before any number reaches a ranking.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

from cybercommons.economy.kernel.observations import GeoKind

# Kosovo has no ISO 3166-1 code; the World Bank, the EU and the UN all use XKX.
EXTRA_COUNTRIES = {"XKX": "Kosovo"}

# World Bank aggregate codes in WDI files (regions, income groups, lending groups,
# demographic-dividend groups, IDA/IBRD totals, the EU and the euro area).
WB_AGGREGATE_CODES = frozenset(
    {
        "AFE", "AFR", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU",
        "EUU", "FCS", "HIC", "HPC", "IBD", "IBT", "IDA", "IDB", "IDX", "INX", "LAC", "LCN",
        "LDC", "LIC", "LMC", "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED", "OSS", "PRE",
        "PSS", "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS",
        "UMC", "WLD", "XZN",
        # Channel Islands: the World Bank's one series for Jersey and Guernsey together.
        "CHI",
    }
)  # fmt: skip

# The World Bank API's two-character ids for the same aggregates (``"1W"`` is World).
WB_AGGREGATE_API_IDS = frozenset(
    {
        "1A", "1W", "4E", "7E", "8S", "B8", "EU", "F1", "OE", "S1", "S2", "S3", "S4", "T2",
        "T3", "T4", "T5", "T6", "T7", "V1", "V2", "V3", "V4", "XC", "XD", "XE", "XF", "XG",
        "XH", "XI", "XJ", "XL", "XM", "XN", "XO", "XP", "XQ", "XT", "XU", "XY", "Z4", "Z7",
        "ZB", "ZF", "ZG", "ZH", "ZI", "ZJ", "ZQ", "ZT",
    }
)  # fmt: skip

# UN M49 codes that name regions and groupings rather than countries: the geographic
# regions, the SDG regions, LDC/LLDC/SIDS, developed/developing, OECD and EU. Codes of
# 900 and above are UN statistical groupings too (WB income groups 910-914, ILO, WTO,
# FAO and WHO regions, residual ODA).
M49_AGGREGATE_CODES = frozenset(
    {
        1, 2, 5, 9, 11, 13, 14, 15, 17, 18, 19, 21, 29, 30, 34, 35, 39, 53, 54, 57, 61, 62,
        97, 127, 135, 142, 143, 145, 150, 151, 154, 155, 198, 199, 202, 223, 419, 420, 432,
        485, 487, 513, 514, 515, 518, 527, 543, 577, 593, 636, 722, 738, 746, 747, 753,
    }
)  # fmt: skip

# M49 areas that are neither a current ISO country nor a grouping: parts of countries
# and former states. They are kept apart as "unknown" rather than guessed.
M49_TO_ISO3_EXTRA = {412: "XKX"}

# Gapminder's own ids for groupings used in the systema_globalis entity files.
GAPMINDER_AGGREGATE_IDS = frozenset(
    {
        "world", "africa", "americas", "asia", "europe", "america", "east_asia_pacific",
        "europe_central_asia", "middle_east_north_africa", "south_asia",
        "sub_saharan_africa", "high_income", "low_income", "lower_middle_income",
        "upper_middle_income", "middle_income", "coastline", "landlocked",
        "un_least_developed", "un_not_least_developed",
    }
)  # fmt: skip

# English names used by Our World in Data, the World Bank and the submarine cable map
# for countries whose ISO short name differs. Keys are normalised (see ``normalise``).
NAME_ALIASES = {
    "bolivia": "BOL",
    "brunei": "BRN",
    "cape verde": "CPV",
    "congo": "COG",
    "congo rep": "COG",
    "republic of congo": "COG",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "congo dem rep": "COD",
    "dr congo": "COD",
    "cote d'ivoire": "CIV",
    "ivory coast": "CIV",
    "czech republic": "CZE",
    "czechia": "CZE",
    "egypt arab rep": "EGY",
    "egypt": "EGY",
    "faeroe islands": "FRO",
    "gambia the": "GMB",
    "gambia": "GMB",
    "bahamas the": "BHS",
    "hong kong": "HKG",
    "hong kong sar china": "HKG",
    "iran": "IRN",
    "iran islamic rep": "IRN",
    "korea rep": "KOR",
    "south korea": "KOR",
    "korea dem people's rep": "PRK",
    "north korea": "PRK",
    "kosovo": "XKX",
    "kyrgyz republic": "KGZ",
    "lao pdr": "LAO",
    "laos": "LAO",
    "macao": "MAC",
    "macao sar china": "MAC",
    "macau": "MAC",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "micronesia": "FSM",
    "micronesia (country)": "FSM",
    "micronesia fed sts": "FSM",
    "moldova": "MDA",
    "palestine": "PSE",
    "west bank and gaza": "PSE",
    "russia": "RUS",
    "slovak republic": "SVK",
    "st kitts and nevis": "KNA",
    "st lucia": "LCA",
    "st vincent and the grenadines": "VCT",
    "st martin (french part)": "MAF",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "syria": "SYR",
    "syrian arab republic": "SYR",
    "taiwan": "TWN",
    "tanzania": "TZA",
    "timor": "TLS",
    "east timor": "TLS",
    "turkey": "TUR",
    "turkiye": "TUR",
    "united states": "USA",
    "united kingdom": "GBR",
    "venezuela": "VEN",
    "venezuela rb": "VEN",
    "vietnam": "VNM",
    "virgin islands (us)": "VIR",
    "united states virgin islands": "VIR",
    "british virgin islands": "VGB",
    "yemen rep": "YEM",
    "yemen": "YEM",
    "curacao": "CUW",
    "sint maarten (dutch part)": "SXM",
}

# Names of groupings in OWID and World Bank files; anything here is an aggregate.
AGGREGATE_NAMES = frozenset(
    {
        "world", "africa", "asia", "europe", "oceania", "north america", "south america",
        "latin america and caribbean", "latin america & caribbean", "european union",
        "european union (27)", "euro area", "high income", "low income",
        "lower middle income", "upper middle income", "middle income",
        "low and middle income", "sub-saharan africa", "east asia and pacific",
        "east asia & pacific", "europe and central asia", "europe & central asia",
        "middle east and north africa", "middle east & north africa", "south asia",
        "arab world", "oecd members", "least developed countries",
        "small states", "fragile and conflict affected situations",
        "heavily indebted poor countries (hipc)", "ida total", "ibrd only",
        "channel islands",
    }
)  # fmt: skip

# Former states and non-ISO areas that appear in historical series.
FORMER_OR_PARTIAL_NAMES = frozenset(
    {"czechoslovakia", "netherlands antilles", "ussr", "yugoslavia", "serbia and montenegro"}
)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: the code to store and whether it is a country."""

    code: str
    kind: GeoKind

    @property
    def is_country(self) -> bool:
        """True when the place may enter a country ranking."""
        return self.kind is GeoKind.COUNTRY


def normalise(name: str) -> str:
    """Lower-case, strip accents and punctuation noise so that name variants meet."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    lowered = ascii_only.lower().replace("’", "'").replace("&", "and")
    for noise in (".", ","):
        lowered = lowered.replace(noise, "")
    return " ".join(lowered.split())


@cache
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code known to pycountry, plus Kosovo (XKX)."""
    codes = {country.alpha_3 for country in pycountry.countries}
    return frozenset(codes | set(EXTRA_COUNTRIES))


@cache
def _alpha2_to_iso3() -> dict[str, str]:
    mapping = {country.alpha_2: country.alpha_3 for country in pycountry.countries}
    mapping["XK"] = "XKX"
    return mapping


@cache
def _m49_to_iso3() -> dict[int, str]:
    mapping = {int(country.numeric): country.alpha_3 for country in pycountry.countries}
    mapping.update(M49_TO_ISO3_EXTRA)
    return mapping


@cache
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                index[normalise(value)] = country.alpha_3
    index.update({normalise(k): v for k, v in NAME_ALIASES.items()})
    for code, name in EXTRA_COUNTRIES.items():
        index[normalise(name)] = code
    return index


def place_from_code(code: str) -> Place:
    """Classify an ISO code (alpha-3, or alpha-2 as the World Bank API's ``country.id``)
    or a World Bank aggregate code.

    Why: WDI and the World Bank population file use one column for both; the code
    decides. Countries come back as ISO alpha-3; unknown codes (typos, retired codes)
    as UNKNOWN.
    """
    cleaned = code.strip().upper()
    if cleaned in WB_AGGREGATE_CODES or cleaned in WB_AGGREGATE_API_IDS:
        return Place(cleaned, GeoKind.AGGREGATE)
    if cleaned in iso3_codes():
        return Place(cleaned, GeoKind.COUNTRY)
    if len(cleaned) == 2 and cleaned in _alpha2_to_iso3():
        return Place(_alpha2_to_iso3()[cleaned], GeoKind.COUNTRY)
    return Place(cleaned, GeoKind.UNKNOWN)


def place_from_m49(code: str | int) -> Place:
    """Classify a UN M49 numeric area code (the SDG database's ``geo_area``).

    Countries come back as ISO alpha-3; regions and groups as ``M49:<code>``.
    """
    try:
        number = int(str(code).strip())
    except ValueError:
        return Place(str(code).strip(), GeoKind.UNKNOWN)
    iso3 = _m49_to_iso3().get(number)
    if iso3 is not None:
        return Place(iso3, GeoKind.COUNTRY)
    label = f"M49:{number}"
    if number in M49_AGGREGATE_CODES or number >= 900:
        return Place(label, GeoKind.AGGREGATE)
    return Place(label, GeoKind.UNKNOWN)


def place_from_name(name: str) -> Place:
    """Resolve an English country or grouping name (OWID ``Entity`` style)."""
    key = normalise(name)
    if key in AGGREGATE_NAMES or key.endswith(("(wb)", "(un)", "income countries")):
        return Place(name.strip(), GeoKind.AGGREGATE)
    iso3 = _name_index().get(key)
    if iso3 is not None:
        return Place(iso3, GeoKind.COUNTRY)
    return Place(name.strip(), GeoKind.UNKNOWN)


def place_from_gapminder(geo: str, iso3_by_geo: dict[str, str] | None = None) -> Place:
    """Resolve a Gapminder ``geo`` id (lower-case, usually the ISO alpha-3 code).

    ``iso3_by_geo`` comes from ``ddf--entities--geo--country.csv`` when available; ids
    without an ISO code there (``abkh``, ``ussr``) are UNKNOWN, grouping ids AGGREGATE.
    """
    cleaned = geo.strip().lower()
    if cleaned in GAPMINDER_AGGREGATE_IDS or cleaned.startswith("un_"):
        return Place(cleaned, GeoKind.AGGREGATE)
    if iso3_by_geo is not None and cleaned in iso3_by_geo:
        iso3 = iso3_by_geo[cleaned]
        if iso3:
            return place_from_code(iso3)
        return Place(cleaned, GeoKind.UNKNOWN)
    if len(cleaned) == 3 and cleaned.upper() in iso3_codes():
        return Place(cleaned.upper(), GeoKind.COUNTRY)
    return Place(cleaned, GeoKind.UNKNOWN)
