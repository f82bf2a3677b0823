"""What the infrastructure module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest, NavItem, PermissionSpec

MANIFEST = ModuleManifest(
    label="infrastructure",
    name=_("Infrastructure"),
    description=_(
        "Map the Internet's backbone, see how resilient each country's international "
        "connectivity is, simulate cable cuts and plan the links that buy the most "
        "resilience."
    ),
    url_prefix="infrastructure/",
    urls="cybercommons.infrastructure.urls",
    api_router="cybercommons.infrastructure.api:router",
    nav=(NavItem(_("Infrastructure"), "infrastructure:index"),),
    permissions=(
        PermissionSpec("infrastructure.import",
                       _("Import network data; add, correct and delete segments (site staff)")),
        PermissionSpec("infrastructure.save_scenario",
                       _("Save and share failure scenarios (any signed-in person)")),
        PermissionSpec("infrastructure.plan",
                       _("Add candidate projects and run the planner (any signed-in "
                         "person)")),
    ),
    subscriptions={
        "economy.population.updated": "cybercommons.infrastructure.event_handlers:"
                                      "population_updated",
    },
    demo_loader="cybercommons.infrastructure.demo:load",
    country_panel="cybercommons.infrastructure.views:country_panel",
    order=10,
)
