"""What the exchange module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest

MANIFEST = ModuleManifest(
    label="exchange",
    name=_("Cultural exchange"),
    description=_(
        "Publish and curate cultural and knowledge works in many languages, with licences"
        " and attribution, exhibitions and federation — with child safety built in."
    ),
    url_prefix="exchange/",
    order=20,
)
