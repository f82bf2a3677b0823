"""Template context shared by every page: navigation, languages, direction."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi, get_language_info

from cybercommons.core.modules import registry, url_configuration

# The links of the page frame, by the name the base template uses for each.
SHELL_URL_NAMES = {
    "home": "core:home",
    "countries": "core:country-list",
    "organisations": "core:organisation-list",
    "set_language": "set_language",
    "profile": "accounts:profile",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "signup": "accounts:signup",
    "api_docs": "api-1.0.0:openapi-view",
}
_shell_urls: dict[tuple[str, str], dict[str, str]] = {}


@lru_cache(maxsize=4)
def _language_options(codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    # Each language is offered under its own name, the same in every interface language.
    return tuple((code, get_language_info(code)["name_local"]) for code in codes)


def _frame_urls() -> dict[str, str]:
    # Reversed once per URL configuration, like the navigation: every page shows them.
    key = url_configuration()
    urls = _shell_urls.get(key)
    if urls is None:
        urls = _shell_urls[key] = {name: reverse(url_name)
                                   for name, url_name in SHELL_URL_NAMES.items()}
    return urls


def shell(request: HttpRequest) -> dict[str, Any]:
    nav = [{"label": entry.label, "url": entry.url, "module": entry.module,
            "active": request.path.startswith(entry.url)} for entry in registry.navigation()]
    return {
        "nav_items": nav,
        "shell_urls": _frame_urls(),
        "site_name": settings.OTP_TOTP_ISSUER,
        "current_language": get_language(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "ui_languages": settings.LANGUAGES,
        "language_options": _language_options(tuple(code for code, _ in settings.LANGUAGES)),
    }
