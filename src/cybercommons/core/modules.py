"""The registry of installed modules, built from their manifests."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from cybercommons.core.manifest_types import ModuleManifest

logger = logging.getLogger(__name__)


def resolve(path: str) -> Any:
    """Import ``"package.module:attribute"`` and return the attribute."""
    module_path, _, attribute = path.partition(":")
    module = importlib.import_module(module_path)
    return getattr(module, attribute) if attribute else module


class NavEntry(NamedTuple):
    """A navigation item with its URL reversed; ``label`` is lazily translated."""

    label: Any
    url: str
    module: str


class ModuleRegistry:
    """Manifests of the installed apps that have one, in navigation order."""

    def __init__(self) -> None:
        self._manifests: dict[str, ModuleManifest] = {}
        self._loaded = False
        self._navigation: dict[tuple[str, str], tuple[NavEntry, ...]] = {}

    def load(self) -> None:
        """Read each installed app's ``manifest`` and subscribe its event handlers."""
        if self._loaded:
            return
        from cybercommons.core import events

        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.manifest")
            except ModuleNotFoundError as error:
                if error.name == f"{config.name}.manifest":
                    continue
                raise
            manifest: ModuleManifest = module.MANIFEST
            self._manifests[manifest.label] = manifest
            for event_name, handler_path in manifest.subscriptions.items():
                events.subscribe(event_name, _lazy_handler(handler_path))
        self._loaded = True

    def __iter__(self) -> Iterator[ModuleManifest]:
        return iter(sorted(self._manifests.values(), key=lambda m: (m.order, m.label)))

    def navigation(self) -> tuple[NavEntry, ...]:
        """Every navigation entry whose URL name resolves, with its URL, in order.

        Every page shows the navigation, and reversing its dozen URL names cost more than
        the rest of the page's context; the URLs only change with the URL configuration and
        the script prefix, so they are reversed once for each pair.
        """
        key = url_configuration()
        entries = self._navigation.get(key)
        if entries is None:
            found = []
            for manifest in self:
                for item in manifest.nav:
                    try:
                        found.append(NavEntry(item.label, reverse(item.url_name),
                                              manifest.label))
                    except NoReverseMatch:
                        continue
            entries = self._navigation[key] = tuple(found)
        return entries

    def get(self, label: str) -> ModuleManifest | None:
        return self._manifests.get(label)

    def permission_catalogue(self) -> list[tuple[str, str, Any]]:
        """Every permission of every module as (module label, codename, description)."""
        return [(m.label, p.codename, p.description) for m in self for p in m.permissions]


def url_configuration() -> tuple[str, str]:
    """What a reversed URL depends on: the URL configuration and the script prefix.

    A URL reversed once can be kept under this key for the life of the process.
    """
    return str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix()


def _lazy_handler(path: str) -> Callable[[str, dict[str, Any]], None]:
    def handler(name: str, payload: dict[str, Any]) -> None:
        resolve(path)(name, payload)

    handler.__qualname__ = f"lazy<{path}>"
    return handler


registry = ModuleRegistry()
