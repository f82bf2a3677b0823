"""What the economy module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest

MANIFEST = ModuleManifest(
    label="economy",
    name=_("Digital economy"),
    description=_(
        "Measure the digital divide per country, follow progress to the 2030 targets, and"
        " match digital-development projects with funders."
    ),
    url_prefix="economy/",
    order=30,
)
