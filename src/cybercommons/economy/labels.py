"""Words the kernel writes in English, in the page's language.

The kernel has no Django and so no translations: the names of the built-in indices'
pillars and indicators are declared here so that the message catalogues carry them (the
templates translate them with ``{% translate value %}``), and the missing-data rule is
rewritten from the rule's own numbers.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cybercommons.economy.kernel.composite import MissingDataRule

# Names of the built-in indices, their pillars and indicators, as the kernel spells them.
BUILT_IN_NAMES = (
    gettext_noop("ICT Development Index (ITU, 2023 method)"),
    gettext_noop("Open-data connectivity index"),
    gettext_noop("Universal connectivity"),
    gettext_noop("Meaningful connectivity"),
    gettext_noop("Use"),
    gettext_noop("Access"),
    gettext_noop("Individuals using the Internet"),
    gettext_noop("Households with Internet access at home"),
    gettext_noop("Active mobile-broadband subscriptions"),
    gettext_noop("Population covered by at least a 3G mobile network"),
    gettext_noop("Population covered by at least a 4G/LTE mobile network"),
    gettext_noop("Mobile-broadband Internet traffic per subscription"),
    gettext_noop("Fixed-broadband Internet traffic per subscription"),
    gettext_noop("Mobile data and voice high-consumption basket price"),
    gettext_noop("Fixed-broadband Internet basket price"),
    gettext_noop("Individuals owning a mobile phone"),
    gettext_noop("Fixed-broadband subscriptions"),
    gettext_noop("Mobile-cellular subscriptions"),
    gettext_noop("Population covered by at least 3G"),
    gettext_noop("Population covered by at least 4G"),
)


def missing_data_rule(rule: MissingDataRule) -> str:
    """The rule in one sentence in the active language (the kernel's ``describe`` in
    English); the share is a percentage of the pillar's weight."""
    overall = (_("the index is computed only when every pillar has a score")
               if rule.require_all_pillars
               else _("the index is the weighted mean of the pillars that have a score"))
    return _("Missing indicators are not imputed and not counted as zero: their weight is "
             "shared among the indicators of the same pillar that have data; a pillar is "
             "scored only when indicators carrying at least %(share)s %% of its weight have "
             "data; %(overall)s.") % {"share": round(rule.min_pillar_share * 100),
                                      "overall": overall}
