"""Why a tally came out as it did, in the reader's language.

The decision kernel explains each result with a code and plain parameters (see
``kernel.decision_rules.WhyCode``); this module turns them into translated sentences for
the result page and the recount command. Results stored before the codes existed carry an
English ``detail`` sentence instead, shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cybercommons.governance import queries
from cybercommons.governance.kernel.decision_rules import Rule, Unit, WhyCode
from cybercommons.governance.outcomes import outcome_label

UNIT_LABELS: dict[str, Promise] = {
    Unit.VOTERS: gettext_lazy("voters"),
    Unit.ORGANISATIONS: gettext_lazy("organisations"),
    Unit.STAKEHOLDER_GROUPS: gettext_lazy("stakeholder groups"),
    Unit.REGIONAL_GROUPS: gettext_lazy("UN regional groups"),
}

PART_LABELS: dict[str, Promise] = {
    "participants": gettext_lazy("Participants"),
    "stakeholder_groups": gettext_lazy("Stakeholder groups"),
    "developing_countries": gettext_lazy("Participants from LDCs, LLDCs and SIDS"),
}


def part_label(name: str) -> str:
    """A readable name for a part of a tally: a stakeholder group, a UN regional group
    (spelled with hyphens in results published with version-1 ballot files), or one of
    the two majorities of a compound rule."""
    labels: dict[str, Any] = {**queries.GROUP_LABELS, **queries.REGION_LABELS, **PART_LABELS}
    return str(labels.get(name, labels.get(name.replace("-", "_"), name)))


def part_rows(result: Mapping[str, Any], organisation_names: Mapping[str, str]
              ) -> list[tuple[str, str, str]]:
    """The parts of a stored tally as (name, for, against) rows. Under one organisation,
    one vote the parts are keyed by organisation id; ``organisation_names`` (see
    ``queries.organisation_names``) gives the names the reader may see, and an
    organisation without one is shown by its number."""
    by_organisation = result.get("rule") == Rule.ONE_ORGANISATION_ONE_VOTE
    rows = []
    for key, part in (result.get("parts") or {}).items():
        if by_organisation:
            name = organisation_names.get(key) or _("Organisation no. %(id)s") % {"id": key}
        else:
            name = part_label(key)
        rows.append((name, str(part["yes"]["fraction"]), str(part["no"]["fraction"])))
    return rows


def _weight(value: Any) -> str:
    """A weight in the reader's number format: whole numbers as they are, split weights
    with up to four decimals."""
    if isinstance(value, int):
        return number_format(value)
    return number_format(round(float(value), 4), decimal_pos=4)


def _share(value: Any) -> str:
    """A share in 0..1 as a percentage with one decimal, in the reader's number format
    (rounded first: the formatter only cuts the decimals, which made two thirds 66.6 %)."""
    percent = round(100 * float(value), 1)
    return _("%(percent)s %%") % {"percent": number_format(percent, decimal_pos=1)}


def _unit(params: Mapping[str, Any]) -> str:
    code = str(params.get("unit", Unit.VOTERS))
    return str(UNIT_LABELS.get(code, code))


def _options(names: Any) -> str:
    return ", ".join(str(n) for n in names or ())


def _all_parts(params: Mapping[str, Any]) -> str:
    pieces = []
    for part in params.get("parts", ()):
        pieces.append(_("%(part)s: %(outcome)s (%(why)s)") % {
            "part": part_label(str(part.get("part", ""))),
            "outcome": outcome_label(str(part.get("outcome", ""))),
            "why": explain(part.get("why")).rstrip(".")})
    return "; ".join(pieces) + "."


_SENTENCES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    WhyCode.NO_VOTES: lambda p: _("No eligible voter voted yes or no."),
    WhyCode.SHARE_AGAINST_THRESHOLD: lambda p: _(
        "%(share)s of the votes cast were in favour; %(threshold)s were needed.") % {
        "share": _share(p["share"]), "threshold": _share(p["threshold"])},
    WhyCode.EVEN: lambda p: _("%(count)s %(unit)s for and as many against.") % {
        "count": _weight(p["count"]), "unit": _unit(p)},
    WhyCode.FOR_AND_AGAINST: lambda p: _("%(yes)s %(unit)s for, %(no)s against.") % {
        "yes": _weight(p["yes"]), "no": _weight(p["no"]), "unit": _unit(p)},
    WhyCode.ALL_PARTS: _all_parts,
    WhyCode.NOBODY_TOOK_PART: lambda p: _("Nobody took part."),
    WhyCode.SUSTAINED_OBJECTIONS: lambda p: ngettext(
        "%(count)d sustained objection with a reason.",
        "%(count)d sustained objections with a reason.", int(p["count"])) % {
        "count": int(p["count"])},
    WhyCode.NO_SUSTAINED_OBJECTION: lambda p: ngettext(
        "No sustained objection; %(count)d concern without a reason.",
        "No sustained objection; %(count)d concerns without a reason.",
        int(p["concerns"])) % {"count": int(p["concerns"])},
    WhyCode.NO_RANKINGS: lambda p: _("No ballot ranked any option."),
    WhyCode.STRONGEST_PATH_WINNER: lambda p: _(
        "%(winner)s beats every other option by strongest path.") % {"winner": p["winner"]},
    WhyCode.STRONGEST_PATH_TIE: lambda p: _(
        "These options are unbeaten by strongest path: %(options)s.") % {
        "options": _options(p.get("tied"))},
    WhyCode.RUNOFF_MAJORITY: lambda p: _(
        "%(winner)s has %(votes)d of %(continuing)d continuing ballots.") % {
        "winner": p["winner"], "votes": int(p["votes"]), "continuing": int(p["continuing"])},
    WhyCode.RUNOFF_TIE: lambda p: _(
        "Round %(round)d: %(options)s are tied for elimination at %(votes)d votes.") % {
        "round": int(p["round"]), "options": _options(p.get("tied")), "votes": int(p["votes"])},
}


def explain(why: Mapping[str, Any] | None, fallback: str = "") -> str:
    """The sentence for a kernel reason ``{"code": ..., "params": {...}}`` in the active
    language; ``fallback`` (an older result's stored sentence) when there is no code, and
    the bare code when it is one this version does not know."""
    if not why or "code" not in why:
        return fallback
    code = str(why["code"])
    sentence = _SENTENCES.get(code)
    if sentence is None:
        return code
    try:
        return sentence(why.get("params") or {})
    except (KeyError, TypeError, ValueError):
        return code


def result_why(result: Mapping[str, Any]) -> str:
    """The reason of a stored tally (see ``tallies.result_json``), translated."""
    return explain(result.get("why"), fallback=str(result.get("detail", "")))
