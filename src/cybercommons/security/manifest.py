"""What the security module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest

MANIFEST = ModuleManifest(
    label="security",
    name=_("Cybersecurity"),
    description=_(
        "Share threat intelligence across borders with STIX and TAXII, under TLP and "
        "sharing groups."
    ),
    url_prefix="security/",
    order=40,
)
