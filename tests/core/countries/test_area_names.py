"""M49 region and sub-region names in the page language."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import translation

from cybercommons.core.countries import M49_AREA_NAMES, area_name, read_facts

# The UNSD M49 overview files are named by these language suffixes.
UNSD_FILES = {"ar": "ar", "zh-hans": "cn", "fr": "fr", "ru": "ru", "es": "es", "en": "en"}


def test_the_facts_file_uses_the_english_names_of_the_areas() -> None:
    used = set()
    for facts in read_facts().values():
        for code, name in ((facts.region_code, facts.region),
                           (facts.subregion_code, facts.subregion)):
            if code:
                used.add(code)
                with translation.override("en"):
                    assert area_name(code) == name, code
    assert used == set(M49_AREA_NAMES)


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [("fr", "002", "Afrique"), ("es", "014", "África oriental"),
     ("ru", "018", "Южная часть Африки"), ("zh-hans", "035", "东南亚"),
     ("ar", "150", "أوروبا"), ("en", "053", "Australia and New Zealand")],
)
def test_an_area_is_named_in_the_active_language(language: str, code: str, expected: str
                                                 ) -> None:
    with translation.override(language):
        assert area_name(code) == expected


def test_an_unknown_area_has_no_name() -> None:
    assert area_name("999") == ""
    assert area_name("") == ""


@pytest.mark.realdata
@pytest.mark.parametrize("language", sorted(UNSD_FILES))
def test_area_names_agree_with_the_un_m49_tables(shared_data: Path, language: str) -> None:
    path = (shared_data / "countries" / "country_codes_datahub"
            / f"UNSD-m49-{UNSD_FILES[language]}.csv")
    official: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        for row in rows:
            # Region, sub-region and intermediate region: (code, name) column pairs.
            for column in (2, 4, 6):
                if row[column]:
                    official[row[column]] = row[column + 1]
    with translation.override(language):
        differing = {code: (area_name(code), official.get(code))
                     for code in M49_AREA_NAMES if area_name(code) != official.get(code)}
    assert differing == {}
