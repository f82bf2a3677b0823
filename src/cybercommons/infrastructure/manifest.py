"""What the infrastructure module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest

MANIFEST = ModuleManifest(
    label="infrastructure",
    name=_("Infrastructure"),
    description=_(
        "Map the Internet's backbone, see how resilient each country's international "
        "connectivity is, simulate cable cuts and plan the links that buy the most "
        "resilience."
    ),
    url_prefix="infrastructure/",
    order=10,
)
