"""Map country names as sources write them onto ISO 3166-1 alpha-2 codes.

The TeleGeography map, like the World Bank, writes "Congo, Dem. Rep.", "Korea, Rep.",
"Micronesia, Fed. Sts.", "Virgin Islands (U.K.)". The resolver tries, in order:

1. the alias table below (World Bank short names, common English names, territories);
2. pycountry's exact lookup (ISO short name, official name, common name, codes);
3. a place-qualified alias for names that no longer denote one ISO entity
   ("Netherlands Antilles" with the place "North Salina, Bonaire" is BQ).

Fuzzy matching is deliberately not used: "Niger" must never become "Nigeria". A name that
none of the steps resolves comes back as unresolved with the reason, so the caller keeps the
record for review instead of dropping it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry

# Source spelling -> ISO 3166-1 alpha-2. Keys are compared after ``normalise``.
ALIASES: dict[str, str] = {
    # World Bank "Name, Qualifier" forms
    "Bahamas, The": "BS",
    "Congo, Dem. Rep.": "CD",
    "Congo, Rep.": "CG",
    "Egypt, Arab Rep.": "EG",
    "Gambia, The": "GM",
    "Hong Kong SAR, China": "HK",
    "Iran, Islamic Rep.": "IR",
    "Korea, Dem. People's Rep.": "KP",
    "Korea, Rep.": "KR",
    "Macao SAR, China": "MO",
    "Micronesia, Fed. Sts.": "FM",
    "Venezuela, RB": "VE",
    "Yemen, Rep.": "YE",
    "St. Martin (French part)": "MF",
    "Sint Maarten (Dutch part)": "SX",
    "St. Kitts and Nevis": "KN",
    "St. Lucia": "LC",
    "St. Vincent and the Grenadines": "VC",
    "Lao PDR": "LA",
    "Kyrgyz Republic": "KG",
    "Slovak Republic": "SK",
    "Turkiye": "TR",
    "West Bank and Gaza": "PS",
    "Cabo Verde": "CV",
    "Curacao": "CW",
    "Cote d'Ivoire": "CI",
    "Sao Tome and Principe": "ST",
    "British Virgin Islands": "VG",
    # Common English names the map uses
    "Brunei": "BN",
    "Cape Verde": "CV",
    "Micronesia": "FM",
    "Russia": "RU",
    "South Korea": "KR",
    "North Korea": "KP",
    "Turkey": "TR",
    "Saint Martin": "MF",
    "Sint Maarten": "SX",
    "Virgin Islands (U.K.)": "VG",
    "Virgin Islands (U.S.)": "VI",
    "Palestine": "PS",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Burma": "MM",
    "East Timor": "TL",
    "Ivory Coast": "CI",
    "Vatican": "VA",
    # Territories written differently from their ISO names
    "Ascension and Tristan da Cunha": "SH",  # v2 splits "Saint Helena, Ascension and ..."
    "Sint Eustatius and Saba": "BQ",  # v2 splits "Bonaire, Sint Eustatius and Saba"
    "Falkland Islands": "FK",
    "Reunion": "RE",
    "Saint Barthelemy": "BL",
    "Wallis and Futuna Islands": "WF",
    # Not ISO 3166-1, but the user-assigned code every statistics office uses
    "Kosovo": "XK",
}

# Historic names that split into several ISO entities: (name, place keyword) -> code.
PLACE_ALIASES: dict[tuple[str, str], str] = {
    ("Netherlands Antilles", "Bonaire"): "BQ",
    ("Netherlands Antilles", "Saba"): "BQ",
    ("Netherlands Antilles", "Sint Eustatius"): "BQ",
    ("Netherlands Antilles", "Curacao"): "CW",
    ("Netherlands Antilles", "Sint Maarten"): "SX",
}


@dataclass(frozen=True, slots=True)
class CountryMatch:
    """The outcome of resolving one source name; ``alpha2`` is ``None`` when unresolved."""

    source_name: str
    alpha2: str | None
    method: str  # "alias", "iso", "place" or "unresolved"
    reason: str = ""

    @property
    def resolved(self) -> bool:
        """True when an ISO alpha-2 code was found."""
        return self.alpha2 is not None


def normalise(name: str) -> str:
    """Fold a name for comparison: no accents, casefolded, "St." as "Saint", single spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").casefold().strip()
    text = re.sub(r"\bst\.?(?=\s)", "saint", text)
    return re.sub(r"\s+", " ", text)


_ALIAS_INDEX = {normalise(k): v for k, v in ALIASES.items()}
_PLACE_INDEX = {(normalise(k[0]), normalise(k[1])): v for k, v in PLACE_ALIASES.items()}


def resolve_country(name: str, place: str | None = None) -> CountryMatch:
    """Resolve one source country name (optionally with the place it was written for).

    ``place`` is the landing point's display name; it is only consulted for historic names
    listed in ``PLACE_ALIASES``.
    """
    if not isinstance(name, str) or not name.strip():
        return CountryMatch(str(name), None, "unresolved", "empty country name")
    key = normalise(name)
    if key in _ALIAS_INDEX:
        return CountryMatch(name, _ALIAS_INDEX[key], "alias")
    try:
        found = pycountry.countries.lookup(name.strip())
    except LookupError:
        found = None
    if found is not None:
        return CountryMatch(name, found.alpha_2, "iso")
    if place:
        folded_place = normalise(place)
        for (alias_name, keyword), code in _PLACE_INDEX.items():
            if alias_name == key and keyword in folded_place:
                return CountryMatch(name, code, "place")
    if any(alias_name == key for alias_name, _ in _PLACE_INDEX):
        return CountryMatch(
            name, None, "unresolved", f"{name!r} spans several ISO codes; the place decides"
        )
    return CountryMatch(name, None, "unresolved", f"no ISO 3166-1 code known for {name!r}")


def resolve_many(
    pairs: Iterable[tuple[str, str | None]],
) -> tuple[dict[tuple[str, str | None], str], list[CountryMatch]]:
    """Resolve ``(country name, place)`` pairs; returns the codes and the unresolved matches.

    Unresolved names are returned, never dropped, so an importer can keep the record for
    review.
    """
    codes: dict[tuple[str, str | None], str] = {}
    unresolved: list[CountryMatch] = []
    seen: set[tuple[str, str | None]] = set()
    for pair in pairs:
        if pair in seen:
            continue
        seen.add(pair)
        match = resolve_country(*pair)
        if match.alpha2 is None:
            unresolved.append(match)
        else:
            codes[pair] = match.alpha2
    return codes, unresolved
