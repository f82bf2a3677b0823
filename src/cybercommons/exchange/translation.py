"""Machine translation as an optional, pluggable backend.

No backend is installed by default. A deployment names one with the setting
``EXCHANGE_TRANSLATION_BACKEND = "package.module:Class"``; the class is built without
arguments and must offer ``name`` and ``translate(text, source, target)``. An adapter for
Argos Translate (when its language packages are installed) fits this interface. Texts it
produces are stored with ``is_machine_translation=True`` and its name as translator, and
pages label them as machine translations.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings

from cybercommons.core.modules import resolve


class TranslationBackend(Protocol):
    name: str

    def translate(self, text: str, source: str, target: str) -> str:
        """``text`` from language ``source`` into ``target`` (platform codes)."""
        ...


class TranslationUnavailable(RuntimeError):
    pass


def backend() -> TranslationBackend | None:
    """The configured backend, or None when machine translation is not installed."""
    path = getattr(settings, "EXCHANGE_TRANSLATION_BACKEND", "")
    if not path:
        return None
    return resolve(path)()
