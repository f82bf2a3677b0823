"""Country and region names in the page's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from cybercommons.core.countries import area_name, localized_name, localized_official_name
from cybercommons.core.models import Country

register = template.Library()


@register.filter
def country_name(country: Country | None) -> str:
    """``{{ country|country_name }}``: the short name in the active language."""
    if country is None:
        return ""
    return localized_name(country, get_language() or "en")


@register.filter
def country_official_name(country: Country | None) -> str:
    if country is None:
        return ""
    return localized_official_name(country, get_language() or "en")


@register.filter
def area(code: str, fallback: str = "") -> str:
    """``{{ country.region_code|area:country.region }}``: an M49 area in the active language."""
    return area_name(code) or fallback
