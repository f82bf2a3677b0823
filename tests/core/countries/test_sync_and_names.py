"""Loading the countries into the database, and their names in the page language."""

from __future__ import annotations

import pycountry
import pytest

from cybercommons.core.countries import localized_name, localized_official_name, sync_countries
from cybercommons.core.models import Country


@pytest.mark.django_db
def test_sync_countries_is_idempotent() -> None:
    first = sync_countries()
    Country.objects.filter(code="KE").update(income_group="", name="Stale")
    second = sync_countries()
    assert first == second == len(pycountry.countries)
    assert Country.objects.count() == len(pycountry.countries)
    assert Country.objects.values("code").distinct().count() == Country.objects.count()
    kenya = Country.objects.get(code="KE")
    # The second run repaired what had been changed behind its back.
    assert (kenya.name, kenya.income_group) == ("Kenya", "LM")
    assert kenya.un_regional_group == "african"
    assert kenya.subregion == "Eastern Africa"


@pytest.mark.django_db
def test_sync_countries_stores_the_groupings_and_the_developing_priority() -> None:
    sync_countries()
    assert Country.objects.filter(un_member=True).count() == 193
    assert Country.objects.get(code="TV").is_developing_priority
    assert not Country.objects.get(code="DE").is_developing_priority
    assert Country.objects.get(code="TW").name == "Taiwan"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "كينيا"),
        ("zh-hans", "肯尼亚"),
        ("fr", "Kenya"),
        ("ru", "Кения"),
        ("es", "Kenia"),
        ("en", "Kenya"),
    ],
)
def test_a_country_is_named_in_the_page_language(language: str, expected: str) -> None:
    assert localized_name(Country(code="KE", name="Kenya"), language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Allemagne"), ("es", "Alemania"), ("ru", "Германия"), ("zh-hans", "德国"),
     ("ar", "ألمانيا")],
)
def test_germany_is_named_in_each_un_language(language: str, expected: str) -> None:
    assert localized_name(Country(code="DE", name="Germany"), language) == expected


def test_a_common_name_without_its_own_translation_falls_back_to_the_iso_name() -> None:
    # "Bolivia" is the common name; iso-codes translates it, and the ISO short name too.
    bolivia = Country(code="BO", name="Bolivia")
    assert localized_name(bolivia, "fr") == "Bolivie"
    # A name the catalogue does not know at all falls back to the ISO short name.
    renamed = Country(code="CI", name="Ivory Coast")
    assert localized_name(renamed, "ru") == "Кот-д'Ивуар"


def test_an_unknown_language_keeps_the_english_name() -> None:
    assert localized_name(Country(code="KE", name="Kenya"), "sw") == "Kenya"
    assert localized_name(Country(code="KE", name="Kenya"), "zh_Hans") == "肯尼亚"


def test_every_country_has_a_name_in_every_un_language() -> None:
    for entry in pycountry.countries:
        country = Country(code=entry.alpha_2,
                          name=getattr(entry, "common_name", None) or entry.name)
        for language in ("ar", "zh-hans", "fr", "ru", "es"):
            assert localized_name(country, language).strip(), (entry.alpha_2, language)
    # Arabic and Chinese names contain no Latin letters for well-known countries.
    for code, name in (("CN", "China"), ("BR", "Brazil"), ("IN", "India")):
        for language in ("ar", "zh-hans"):
            translated = localized_name(Country(code=code, name=name), language)
            assert not any("a" <= ch.lower() <= "z" for ch in translated), translated


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "République du Kenya"), ("es", "República de Kenia"), ("en", "Republic of Kenya"),
     ("ru", "Республика Кения")],
)
def test_the_official_name_is_translated_too(language: str, expected: str) -> None:
    kenya = Country(code="KE", name="Kenya", official_name="Republic of Kenya")
    assert localized_official_name(kenya, language) == expected


def test_a_country_without_an_official_name_has_none_in_any_language() -> None:
    assert localized_official_name(Country(code="JP", name="Japan"), "fr") == ""
