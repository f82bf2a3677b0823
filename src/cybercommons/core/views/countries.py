"""Country pages: the facts, and what each module knows of the country."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cybercommons.core import policy, queries
from cybercommons.core.countries import localized_name
from cybercommons.core.modules import registry, resolve


def collation_key(name: str) -> str:
    """Sort names by letter, ignoring accents (Åland next to Albania, not after Zimbabwe)."""
    import unicodedata

    return "".join(ch for ch in unicodedata.normalize("NFKD", name.casefold())
                   if not unicodedata.combining(ch))


@require_GET
def country_list(request: HttpRequest) -> HttpResponse:
    countries = policy.countries(request.user)
    region = request.GET.get("region", "")
    if region:
        countries = countries.filter(region_code=region)
    language = get_language() or "en"
    ordered = sorted(countries, key=lambda c: collation_key(localized_name(c, language)))
    return render(request, "core/pages/country_list.html", {
        "countries": ordered,
        "regions": policy.countries(request.user).exclude(region_code="")
        .values_list("region_code", "region").distinct().order_by("region"),
        "region": region,
    })


@require_GET
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = get_object_or_404(policy.countries(request.user), code=code.upper())
    panels = []
    for manifest in registry:
        if manifest.country_panel:
            html = resolve(manifest.country_panel)(request, country)
            if html:
                panels.append({"module": manifest, "html": html})
    return render(request, "core/pages/country_detail.html", {
        "country": country,
        "organisations": queries.organisations_by_country(request.user, country),
        "panels": panels,
    })
