"""What the governance module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest

MANIFEST = ModuleManifest(
    label="governance",
    name=_("Governance"),
    description=_(
        "Consult on draft international rules: versioned drafts, comments, amendments, "
        "opinion maps and decisions that balance stakeholder groups and regions."
    ),
    url_prefix="governance/",
    order=50,
)
