"""The kernels' messages in the reader's language.

The kernels return a code and its parameters (:class:`~cybercommons.economy.kernel.
messages.Message`); this module holds the sentence for each code, marked for the
message catalogues, and fills it in with the active language's translation. Pages, the
API (beside the code and parameters) and the command line all render through
:func:`render`, so a sentence is written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from cybercommons.core.countries import area_name, localized_name
from cybercommons.core.models import Country, IncomeGroup
from cybercommons.economy import queries
from cybercommons.economy.kernel.messages import Message
from cybercommons.economy.models import FunderType

# One sentence per code, with %(name)s placeholders filled by the parameters (after the
# preparation below). gettext_noop marks them for the catalogues; render() translates.
SENTENCES: dict[str, str] = {
    # Project-funder matching (kernel/matching.py).
    "match.funder_excludes_country": gettext_noop("funder excludes %(country)s"),
    "match.funder_funds_country": gettext_noop("funder funds projects in %(country)s"),
    "match.funder_funds_regions": gettext_noop("funder funds projects in %(regions)s"),
    "match.funder_funds_anywhere": gettext_noop("funder funds anywhere"),
    "match.funder_not_in_country": gettext_noop(
        "funder does not fund in %(country)s or its regions"),
    "match.funder_no_sector_focus": gettext_noop("funder states no sector focus"),
    "match.project_no_sector": gettext_noop("project states no sector"),
    "match.no_sector_in_common": gettext_noop("no sector in common"),
    "match.shared_sectors": gettext_noop("shared sectors: %(sectors)s"),
    "match.project_no_sdg": gettext_noop("project names no SDG target"),
    "match.funder_no_sdg": gettext_noop("funder names no SDG target"),
    "match.no_sdg_goal_in_common": gettext_noop("no SDG goal in common"),
    "match.sdg_overlap": "%(overlap)s",  # made of the two parts below
    "match.funder_no_ticket": gettext_noop("funder states no ticket size"),
    "match.project_no_amount": gettext_noop("project states no amount sought"),
    "match.ask_below_minimum": gettext_noop(
        "ask %(ask)s is below the minimum ticket %(minimum)s"),
    "match.ask_above_maximum": gettext_noop(
        "ask %(ask)s is above the maximum ticket %(maximum)s: funder could cover "
        "%(share)s %%, co-funding needed"),
    "match.ask_within_range": gettext_noop(
        "ask %(ask)s is within the ticket range %(minimum)s–%(maximum)s"),
    "match.project_accepts_any_type": gettext_noop("project accepts any funder type"),
    "match.project_seeks_type": gettext_noop("project seeks %(funder_type)s funding"),
    "match.project_does_not_seek_type": gettext_noop(
        "project does not seek %(funder_type)s funding"),
    # Index definitions refused (kernel/composite.py).
    "index.no_pillars": gettext_noop("the index has no pillars"),
    "index.no_indicators": gettext_noop("the index has no indicators"),
    "index.duplicate_pillar": gettext_noop("pillar %(code)s is defined twice"),
    "index.duplicate_indicator": gettext_noop("indicator %(code)s is defined twice"),
    "index.pillar_invalid_weight": gettext_noop(
        "pillar %(pillar)s has an invalid weight %(weight)s"),
    "index.pillar_weights_sum": gettext_noop("pillar weights add up to %(total)s, not 1"),
    "index.pillar_without_indicators": gettext_noop("pillar %(pillar)s has no indicators"),
    "index.indicator_weights_sum": gettext_noop(
        "indicator weights in pillar %(pillar)s add up to %(total)s, not 1"),
    "index.min_share_out_of_range": gettext_noop(
        "the minimum pillar share must be above 0 and at most 1, not %(share)s"),
    "index.indicator_unknown_pillar": gettext_noop(
        "indicator %(indicator)s belongs to unknown pillar %(pillar)s"),
    "index.indicator_invalid_weight": gettext_noop(
        "indicator %(indicator)s has an invalid weight %(weight)s"),
    "index.indicator_no_best": gettext_noop(
        "indicator %(indicator)s has no best goalpost (the value scoring 100)"),
    "index.indicator_no_worst": gettext_noop(
        "indicator %(indicator)s has no worst goalpost (the value scoring 0)"),
    "index.indicator_equal_goalposts": gettext_noop(
        "indicator %(indicator)s has equal goalposts (%(value)s)"),
    "index.higher_best_below_worst": gettext_noop(
        "indicator %(indicator)s is “higher is better” but its best goalpost %(best)s is "
        "below its worst %(worst)s"),
    "index.lower_best_above_worst": gettext_noop(
        "indicator %(indicator)s is “lower is better” but its best goalpost %(best)s is "
        "above its worst %(worst)s"),
    "index.missing_key": gettext_noop("the definition needs the key “%(key)s”"),
    "index.not_a_list": gettext_noop("“%(key)s” must be a list"),
    "index.pillar_field_missing": gettext_noop("pillar %(position)s: “%(field)s” is missing"),
    "index.pillar_field_invalid": gettext_noop(
        "pillar %(position)s: “%(field)s” is not valid"),
    "index.indicator_field_missing": gettext_noop(
        "indicator %(position)s: “%(field)s” is missing"),
    "index.indicator_field_invalid": gettext_noop(
        "indicator %(position)s: “%(field)s” is not valid"),
    # Scores and their rule (kernel/composite.py, kernel/idi.py).
    "index.pillars_without_score": gettext_noop(
        "no score for %(pillars)s: too few indicators with data"),
    "index.missing_data_rule": gettext_noop(
        "Missing indicators are not imputed and not counted as zero: their weight is shared "
        "among the indicators of the same pillar that have data; a pillar is scored only "
        "when indicators carrying at least %(share)s %% of its weight have data; "
        "%(overall)s."),
}

_SDG_SAME_TARGETS = gettext_noop("same targets %(targets)s")
_SDG_SAME_GOAL = gettext_noop("same goal for %(targets)s")
_EVERY_PILLAR = gettext_noop("the index is computed only when every pillar has a score")
_PILLARS_WITH_SCORE = gettext_noop(
    "the index is the weighted mean of the pillars that have a score")
_ANY_AMOUNT = gettext_noop("any")


def _listed(items: Iterable[Any]) -> str:
    return ", ".join(str(item) for item in items)


def _number(value: Any, digits: int = 6) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return number_format(value)
    if isinstance(value, float):
        return number_format(float(f"{value:.{digits}g}"))
    return str(value)


def money(amount: float | None) -> str:
    """An amount in US dollars, shortened (US$2.5M), in the active language's digits."""
    if amount is None:
        return _(_ANY_AMOUNT)
    for size, text in ((1e9, _("US$%(amount)s bn")), (1e6, _("US$%(amount)s M"))):
        if amount >= size:
            return text % {"amount": number_format(amount / size, 1)}
    if amount >= 1e3:
        return _("US$%(amount)s k") % {"amount": number_format(round(amount / 1e3))}
    return _("US$%(amount)s") % {"amount": number_format(round(amount))}


# The peer groups a project or funder may name besides M49 areas (services.REGION).
_GROUP_NAMES = {
    "LDC": gettext_noop("Least developed countries"),
    "LLDC": gettext_noop("Landlocked developing countries"),
    "SIDS": gettext_noop("Small island developing states"),
}
# The income-group codes used in matching (queries.INCOME_CODES), back to the group.
_INCOME_CODES = {code: IncomeGroup(group) for group, code in queries.INCOME_CODES.items()}


def place_name(code: str) -> str:
    """A country (ISO alpha-2), M49 area (``M49:2``) or group code as a name in the active
    language; a code with no name is shown as it is, never dropped."""
    if code.startswith("M49:") and code[4:].isdigit():
        return area_name(f"{int(code[4:]):03d}") or code
    if code in _GROUP_NAMES:
        return _(_GROUP_NAMES[code])
    if code in _INCOME_CODES:
        return str(_INCOME_CODES[code].label)
    if len(code) != 2 or not code.isalpha():
        return code
    country = Country.objects.filter(pk=code.upper()).only("code", "name").first()
    return localized_name(country, get_language() or "en") if country else code


def _funder_type(code: str) -> str:
    try:
        return str(FunderType(code).label).lower()
    except ValueError:
        return code.replace("_", " ")


def _sdg_overlap(params: dict[str, Any]) -> dict[str, Any]:
    parts = []
    if params.get("same_targets"):
        parts.append(_(_SDG_SAME_TARGETS) % {"targets": _listed(params["same_targets"])})
    if params.get("same_goal"):
        parts.append(_(_SDG_SAME_GOAL) % {"targets": _listed(params["same_goal"])})
    return {"overlap": "; ".join(parts)}


def _missing_rule(params: dict[str, Any]) -> dict[str, Any]:
    overall = _EVERY_PILLAR if params.get("require_all_pillars", True) else _PILLARS_WITH_SCORE
    return {"share": _number(round(float(params["min_pillar_share"]) * 100)),
            "overall": _(overall)}


# How each code's parameters become the words put in its sentence; by default each
# list is joined with commas and each number written in the active language.
PREPARE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "match.sdg_overlap": _sdg_overlap,
    "match.ask_below_minimum": lambda p: {"ask": money(p["ask_usd"]),
                                          "minimum": money(p["minimum_usd"])},
    "match.ask_above_maximum": lambda p: {"ask": money(p["ask_usd"]),
                                          "maximum": money(p["maximum_usd"]),
                                          "share": _number(round(p["share_covered"] * 100))},
    "match.ask_within_range": lambda p: {"ask": money(p["ask_usd"]),
                                         "minimum": money(p["minimum_usd"]),
                                         "maximum": money(p["maximum_usd"])},
    "match.project_seeks_type": lambda p: {"funder_type": _funder_type(p["funder_type"])},
    "match.funder_excludes_country": lambda p: {"country": place_name(p["country"])},
    "match.funder_funds_country": lambda p: {"country": place_name(p["country"])},
    "match.funder_not_in_country": lambda p: {"country": place_name(p["country"])},
    "match.funder_funds_regions": lambda p: {
        "regions": _listed(place_name(code) for code in p["regions"])},
    "match.project_does_not_seek_type": lambda p: {
        "funder_type": _funder_type(p["funder_type"])},
    # Pillar names of the built-in indices are in the catalogues (labels.py).
    "index.pillars_without_score": lambda p: {
        "pillars": _listed(_(str(label)) for label in p["labels"])},
    "index.missing_data_rule": _missing_rule,
}


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    words = {}
    for key, value in params.items():
        if isinstance(value, list | tuple | set | frozenset):
            words[key] = _listed(value)
        elif isinstance(value, bool) or value is None:
            words[key] = str(value)
        elif isinstance(value, int | float):
            words[key] = _number(value)
        else:
            words[key] = str(value)
    return words


def render(message: Message | None) -> str:
    """The message as a sentence in the active language ("" for None).

    An unknown code (a message from a newer kernel) is shown as its code, never dropped.
    """
    if message is None:
        return ""
    sentence = SENTENCES.get(message.code)
    if sentence is None:
        return str(message)
    prepare = PREPARE.get(message.code, _plain)
    return _(sentence) % prepare(dict(message.params))


def rendered_list(messages: Iterable[Message]) -> list[str]:
    return [render(message) for message in messages]


def as_json(message: Message | None) -> dict[str, Any] | None:
    """Code, parameters and the sentence in the request's language, for the API."""
    if message is None:
        return None
    return {**message.to_dict(), "text": render(message)}
