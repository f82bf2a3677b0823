"""What the security module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest, NavItem, PermissionSpec

MANIFEST = ModuleManifest(
    label="security",
    name=_("Cybersecurity"),
    description=_(
        "Share threat intelligence across borders with STIX and TAXII, under TLP and "
        "sharing groups."
    ),
    url_prefix="security/",
    urls="cybercommons.security.urls",
    root_urls="cybercommons.security.root_urls",
    api_router="cybercommons.security.api:router",
    nav=(NavItem(_("Threat intelligence"), "security:index"),),
    permissions=(
        PermissionSpec("security.read_objects",
                       _("Read shared objects, as TLP, sharing groups and collection rights "
                         "allow")),
        PermissionSpec("security.add_objects",
                       _("Add STIX objects to a collection (its writers)")),
        PermissionSpec("security.manage_collections",
                       _("Create and share collections and communities (administrators of "
                         "the owner organisation)")),
        PermissionSpec("security.manage_sharing_groups",
                       _("Create sharing groups and change their members (administrators of "
                         "the owner organisation)")),
        PermissionSpec("security.federate",
                       _("Subscribe to remote TAXII collections and push to them (editors)")),
    ),
    demo_loader="cybercommons.security.demo:load",
    country_panel="cybercommons.security.views:country_panel",
    order=40,
)
