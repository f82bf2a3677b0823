"""What the economy module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest, NavItem, PermissionSpec

MANIFEST = ModuleManifest(
    label="economy",
    name=_("Digital economy"),
    description=_(
        "Measure the digital divide per country, follow progress to the 2030 targets, and"
        " match digital-development projects with funders."
    ),
    url_prefix="economy/",
    urls="cybercommons.economy.urls",
    api_router="cybercommons.economy.api:router",
    nav=(NavItem(_("Digital economy"), "economy:overview"),),
    permissions=(
        PermissionSpec("economy.import_indicators",
                       _("Import indicator files (site staff)")),
        PermissionSpec("economy.define_index",
                       _("Define a composite index (any signed-in person)")),
        PermissionSpec("economy.manage_projects",
                       _("Register and edit an organisation's projects and funders (its "
                         "editors)")),
        PermissionSpec("economy.express_interest",
                       _("Express interest between a project and a funder (editors of either "
                         "side)")),
    ),
    demo_loader="cybercommons.economy.demo:load",
    country_panel="cybercommons.economy.views:country_panel",
    order=30,
)
