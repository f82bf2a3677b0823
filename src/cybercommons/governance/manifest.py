"""What the governance module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest, NavItem, PermissionSpec

MANIFEST = ModuleManifest(
    label="governance",
    name=_("Governance"),
    description=_(
        "Consult on draft international rules: versioned drafts, comments, amendments, "
        "opinion maps and decisions that balance stakeholder groups and regions."
    ),
    url_prefix="governance/",
    urls="cybercommons.governance.urls",
    api_router="cybercommons.governance.api:router",
    nav=(NavItem(_("Consultations"), "governance:index"),),
    permissions=(
        PermissionSpec("governance.convene",
                       _("Open and run a consultation in an organisation's name (its editors)")),
        PermissionSpec("governance.participate",
                       _("Comment, amend, vote and cast a ballot (people the consultation "
                         "invites, by stakeholder group, region and country)")),
        PermissionSpec("governance.publish_decision",
                       _("Tally and publish the result with its ballot file (convenors)")),
        PermissionSpec("governance.import_polis",
                       _("Import a Pol.is export into an opinion map (convenors)")),
    ),
    demo_loader="cybercommons.governance.demo:load",
    country_panel="cybercommons.governance.views:country_panel",
    order=50,
)
