"""What a module declares about itself so that core can wire it in without knowing it.

Each module has a ``manifest.py`` with ``MANIFEST = ModuleManifest(...)``. Core reads it to
build the navigation, mount the pages and the API router, list the permissions, subscribe
the event handlers, load the demo sample and fill the country page. Everything is named by
dotted path, so core never imports a module directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation."""

    label: Any  # a lazily translated string
    url_name: str


@dataclass(frozen=True)
class PermissionSpec:
    """A permission a module checks, listed in the permission catalogue."""

    codename: str
    description: Any


@dataclass(frozen=True)
class ModuleManifest:
    """A module's declaration. Dotted paths are ``"package.module:attribute"``."""

    label: str
    name: Any
    description: Any
    url_prefix: str = ""
    urls: str = ""
    # URL patterns mounted at the site root, for protocols whose place a standard fixes
    # (/taxii2/, /.well-known/…, ActivityPub actors and inboxes, NodeInfo).
    root_urls: str = ""
    api_router: str = ""
    nav: tuple[NavItem, ...] = ()
    permissions: tuple[PermissionSpec, ...] = ()
    subscriptions: dict[str, str] = field(default_factory=dict)
    demo_loader: str = ""
    country_panel: str = ""
    order: int = 100
