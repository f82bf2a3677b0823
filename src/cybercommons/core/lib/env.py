"""Typed readers for settings that come from the environment.

Every problem is raised as :class:`SettingError` with one line that names the variable and
what is wrong, so a misconfigured server stops at start with a message an operator can act
on rather than a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class SettingError(ValueError):
    """A setting from the environment is missing or malformed."""


def env_str(name: str, default: str = "", environ: Mapping[str, str] | None = None) -> str:
    """The variable as a string, stripped, or ``default`` when unset."""
    source = os.environ if environ is None else environ
    return source.get(name, default).strip()


def env_bool(name: str, default: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """A yes/no variable; anything but the usual words for true and false is an error."""
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    word = source[name].strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingError(f"{name}={source[name]!r} is not a yes/no value (use 1/0, true/false)")


def env_int(
    name: str,
    default: int,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """A whole-number variable, optionally with a lower bound."""
    raw = env_str(name, "", environ)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise SettingError(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; empty items are dropped."""
    raw = env_str(name, "", environ)
    if not raw:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings(url: str) -> dict[str, object]:
    """Django e-mail settings from an ``EMAIL_URL``.

    ``console:`` prints mail to the terminal (the default, so password-reset links are
    visible in a demo); ``smtp://user:password@host:port`` and ``smtps://…`` send through a
    real server; ``?tls=1`` asks for STARTTLS; ``?from=`` sets the sender.
    """
    if not url or url in {"console:", "console://"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url in {"dummy:", "dummy://"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    if url in {"memory:", "memory://", "locmem:", "locmem://"}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise SettingError(
            f"EMAIL_URL={url!r} is not understood (use console:, smtp://host:port or smtps://host)"
        )
    query = parse_qs(parts.query)
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise SettingError(f"EMAIL_URL={url!r} has an invalid port") from None
    settings: dict[str, object] = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0].lower() in TRUE_WORDS,
    }
    if "from" in query:
        settings["DEFAULT_FROM_EMAIL"] = query["from"][0]
    return settings
