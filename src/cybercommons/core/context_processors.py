"""Template context shared by every page: navigation, languages, direction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, get_language_bidi

from cybercommons.core.modules import registry


def shell(request: HttpRequest) -> dict[str, Any]:
    nav = []
    for manifest in registry:
        for item in manifest.nav:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            nav.append({"label": item.label, "url": url, "module": manifest.label,
                        "active": request.path.startswith(url)})
    return {
        "nav_items": nav,
        "site_name": settings.OTP_TOTP_ISSUER,
        "current_language": get_language(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "ui_languages": settings.LANGUAGES,
    }
