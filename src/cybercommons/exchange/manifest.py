"""What the exchange module contributes to the platform (read by core)."""

from django.utils.translation import gettext_lazy as _

from cybercommons.core.manifest_types import ModuleManifest, NavItem, PermissionSpec

MANIFEST = ModuleManifest(
    label="exchange",
    name=_("Cultural exchange"),
    description=_(
        "Publish and curate cultural and knowledge works in many languages, with licences"
        " and attribution, exhibitions and federation — with child safety built in."
    ),
    url_prefix="exchange/",
    urls="cybercommons.exchange.urls",
    root_urls="cybercommons.exchange.protocol_urls",
    api_router="cybercommons.exchange.api:router",
    nav=(NavItem(_("Works"), "exchange:work-list"),),
    permissions=(
        PermissionSpec("exchange.contribute",
                       _("Contribute and edit an organisation's works and exhibitions (its "
                         "editors)")),
        PermissionSpec("exchange.translate",
                       _("Translate an organisation's works (its members)")),
        PermissionSpec("exchange.report", _("Report a work to moderators (anyone signed in)")),
        PermissionSpec("exchange.moderate",
                       _("Review held and reported works, import hash lists, set policies "
                         "for other servers (moderators)")),
    ),
    demo_loader="cybercommons.exchange.demo:load",
    country_panel="cybercommons.exchange.views:country_panel",
    order=20,
)
