"""Names the kernel gives its built-in indices, in the page's language.

The kernel has no Django and so no translations: the names of the built-in indices'
pillars and indicators, and where their goalposts come from, are declared here so that
the message catalogues carry them (templates translate them with ``{% translate value %}``;
a user-defined index's own words pass through unchanged). Sentences the kernel makes
are rendered from codes in ``explanations.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

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

# Where the built-in indices' goalposts come from, as kernel/idi.py spells it.
BUILT_IN_PROVENANCE = (
    gettext_noop("ITU IDI 2023 goalpost: 100 (the whole population / every inhabitant)"),
    gettext_noop("ITU IDI 2023 goalpost: 100 (the whole population / every inhabitant); "
                 "half of the coverage component"),
    gettext_noop("best: 2 % of monthly GNI per capita, the Broadband Commission "
                 "affordability target used by the IDI; worst: 20 %, a bound chosen here"),
    gettext_noop("upper goalpost chosen here near high-income usage"),
    gettext_noop("100 %: everyone online"),
    gettext_noop("60 per 100: pre-2023 ITU IDI reference"),
    gettext_noop("120 per 100: pre-2023 ITU IDI reference"),
    gettext_noop("100 %: everyone covered"),
)
