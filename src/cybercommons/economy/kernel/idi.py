"""The ITU ICT Development Index (IDI), 2023 method, shown step by step.

Structure (as ITU DataHub publishes the IDI tree, ``/idi/dashboard/all``):

- Universal connectivity pillar: individuals using the Internet (%), households with
  Internet access at home (%), active mobile-broadband subscriptions per 100
  inhabitants; equal weights.
- Meaningful connectivity pillar: mobile-broadband coverage (population covered by at
  least 3G and by at least 4G/LTE, %, one component made of the two), mobile-broadband
  traffic per subscription (GB), fixed-broadband traffic per subscription (GB), mobile
  data and voice high-consumption basket price (% of GNI per capita, reversed),
  fixed-broadband basket price (% of GNI per capita, reversed), individuals owning a
  mobile phone (%); equal weights for the six components.
- Each indicator is scored 0-100 by capped linear rescaling between goalposts; each
  pillar is the mean of its scores; the IDI is the mean of the two pillars.

Missing data: ITU imputes missing values before scoring; this implementation does not
impute. It applies :class:`~cybercommons.economy.kernel.composite.MissingDataRule`
(shared weight among indicators that have data, pillar only when indicators carrying at
least half its weight have data, IDI only when both pillars exist) and returns that rule
with every result, so a score is never presented as more complete than its data.

Goalposts: the four marked ``goalposts_confirmed=False`` (the two traffic-per-subscription
upper bounds and the two price "worst" bounds) stand in for values of the published
methodology table that could not be checked here; pages flag them as placeholders. The
other six are 100 % (or 100 per 100 inhabitants) by construction of the indicator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from cybercommons.economy.kernel.composite import (
    Direction,
    IndexDefinition,
    IndicatorSpec,
    MissingDataRule,
    Panel,
    PillarSpec,
    compute_index,
)
from cybercommons.economy.kernel.messages import Message

UNIVERSAL = "universal"
MEANINGFUL = "meaningful"

# Goalpost provenance, stated per indicator so a country page can show it; pages translate
# these through the message catalogue (declared in economy/labels.py).
_ITU_100 = "ITU IDI 2023 goalpost: 100 (the whole population / every inhabitant)"
_BB_COMMISSION = (
    "best: 2 % of monthly GNI per capita, the Broadband Commission affordability target "
    "used by the IDI; worst: 20 %, a bound chosen here"
)
_TRAFFIC = "upper goalpost chosen here near high-income usage"

IDI_2023 = IndexDefinition(
    code="itu-idi-2023",
    name="ICT Development Index (ITU, 2023 method)",
    description=(
        "Universal and meaningful connectivity, ten indicators in two pillars, capped "
        "linear scores between goalposts, prices reversed, pillar and overall means."
    ),
    pillars=(
        PillarSpec(UNIVERSAL, "Universal connectivity", 0.5),
        PillarSpec(MEANINGFUL, "Meaningful connectivity", 0.5),
    ),
    indicators=(
        IndicatorSpec(
            "i99H",
            "Individuals using the Internet",
            "%",
            UNIVERSAL,
            best=100.0,
            worst=0.0,
            weight=1 / 3,
            aliases=("IT.NET.USER.ZS", "IT_USE_II99"),
            provenance=_ITU_100,
        ),
        IndicatorSpec(
            "xHH6",
            "Households with Internet access at home",
            "%",
            UNIVERSAL,
            best=100.0,
            worst=0.0,
            weight=1 / 3,
            provenance=_ITU_100,
        ),
        IndicatorSpec(
            "i911mw",
            "Active mobile-broadband subscriptions",
            "per 100 inhabitants",
            UNIVERSAL,
            best=100.0,
            worst=0.0,
            weight=1 / 3,
            provenance=_ITU_100,
        ),
        IndicatorSpec(
            "i271G",
            "Population covered by at least a 3G mobile network",
            "%",
            MEANINGFUL,
            best=100.0,
            worst=0.0,
            weight=1 / 12,
            aliases=("IT_MOB_3GNTWK",),
            provenance=_ITU_100 + "; half of the coverage component",
        ),
        IndicatorSpec(
            "i271GA",
            "Population covered by at least a 4G/LTE mobile network",
            "%",
            MEANINGFUL,
            best=100.0,
            worst=0.0,
            weight=1 / 12,
            aliases=("IT_MOB_4GNTWK",),
            provenance=_ITU_100 + "; half of the coverage component",
        ),
        IndicatorSpec(
            "i136mwi_subs",
            "Mobile-broadband Internet traffic per subscription",
            "GB per year",
            MEANINGFUL,
            best=240.0,
            worst=0.0,
            weight=1 / 6,
            provenance=_TRAFFIC,
            goalposts_confirmed=False,
        ),
        IndicatorSpec(
            "i135tfb_subs",
            "Fixed-broadband Internet traffic per subscription",
            "GB per year",
            MEANINGFUL,
            best=2400.0,
            worst=0.0,
            weight=1 / 6,
            provenance=_TRAFFIC,
            goalposts_confirmed=False,
        ),
        IndicatorSpec(
            "i271mb_high_ts_GNI",
            "Mobile data and voice high-consumption basket price",
            "% of monthly GNI per capita",
            MEANINGFUL,
            best=2.0,
            worst=20.0,
            direction=Direction.LOWER_IS_BETTER,
            weight=1 / 6,
            provenance=_BB_COMMISSION,
            goalposts_confirmed=False,
        ),
        IndicatorSpec(
            "i154_FBB_ts_GNI",
            "Fixed-broadband Internet basket price",
            "% of monthly GNI per capita",
            MEANINGFUL,
            best=2.0,
            worst=20.0,
            direction=Direction.LOWER_IS_BETTER,
            weight=1 / 6,
            provenance=_BB_COMMISSION,
            goalposts_confirmed=False,
        ),
        IndicatorSpec(
            "xHH18",
            "Individuals owning a mobile phone",
            "%",
            MEANINGFUL,
            best=100.0,
            worst=0.0,
            weight=1 / 6,
            aliases=("IT_MOB_OWN",),
            provenance=_ITU_100,
        ),
    ),
    missing=MissingDataRule(min_pillar_share=0.5, require_all_pillars=True),
).validate()


# Not the ITU index: a connectivity index built only from series that are openly
# published for most countries (WDI via Gapminder, the UN SDG database), so that every
# country-year with open data gets a score and rankings can be compared with the IDI.
OPEN_CONNECTIVITY_INDEX = IndexDefinition(
    code="open-connectivity",
    name="Open-data connectivity index",
    description=(
        "Use and access from openly published series (WDI, UN SDG database): Internet "
        "use, mobile and fixed-broadband subscriptions, 3G/4G coverage."
    ),
    pillars=(PillarSpec("use", "Use", 0.5), PillarSpec("access", "Access", 0.5)),
    indicators=(
        IndicatorSpec(
            "IT.NET.USER.ZS", "Individuals using the Internet", "%", "use", 100.0, 0.0,
            weight=0.5, aliases=("IT_USE_II99",), provenance="100 %: everyone online",
        ),
        IndicatorSpec(
            "IT.NET.BBND.P2", "Fixed-broadband subscriptions", "per 100 people", "use",
            60.0, 0.0, weight=0.5, provenance="60 per 100: pre-2023 ITU IDI reference",
        ),
        IndicatorSpec(
            "IT.CEL.SETS.P2", "Mobile-cellular subscriptions", "per 100 people", "access",
            120.0, 0.0, weight=1 / 3, provenance="120 per 100: pre-2023 ITU IDI reference",
        ),
        IndicatorSpec(
            "IT_MOB_3GNTWK", "Population covered by at least 3G", "%", "access", 100.0, 0.0,
            weight=1 / 3, provenance="100 %: everyone covered",
        ),
        IndicatorSpec(
            "IT_MOB_4GNTWK", "Population covered by at least 4G", "%", "access", 100.0, 0.0,
            weight=1 / 3, provenance="100 %: everyone covered",
        ),
    ),
    missing=MissingDataRule(min_pillar_share=0.5, require_all_pillars=True),
).validate()  # fmt: skip


@dataclass(frozen=True)
class IndicatorStep:
    """One indicator's path to its score, for the country page."""

    code: str
    label: str
    unit: str
    pillar: str
    raw: float | None
    best: float
    worst: float
    direction: str
    uncapped_score: float | None
    score: float | None
    weight: float
    provenance: str
    goalposts_confirmed: bool = True


@dataclass(frozen=True)
class PillarStep:
    """One pillar: its score (None under the missing-data rule) and data coverage."""

    code: str
    label: str
    weight: float
    score: float | None
    weight_with_data: float
    missing_indicators: tuple[str, ...]


@dataclass(frozen=True)
class IndexBreakdown:
    """Every step of one country-year: indicators, pillars, the index and the rule applied.

    ``reason_if_missing`` is None when there is a score, else a message naming the
    pillars left without one (code ``index.pillars_without_score``).
    """

    index: str
    indicators: tuple[IndicatorStep, ...]
    pillars: tuple[PillarStep, ...]
    score: float | None
    missing_data_rule: Message
    reason_if_missing: Message | None


def explain(
    values: Mapping[str, float | None], definition: IndexDefinition = IDI_2023
) -> IndexBreakdown:
    """Compute one country-year and return every step.

    ``values`` maps indicator codes (or their aliases) to raw values in the indicator's
    unit; absent or None means missing. The computation is the same vectorised one used
    for rankings, so the page and the table cannot disagree. Scores are 0-100.
    """
    row = np.full((1, 1, len(definition.indicators)), np.nan)
    for column, spec in enumerate(definition.indicators):
        for code in (spec.code, *spec.aliases):
            value = values.get(code)
            if value is not None and not np.isnan(value):
                row[0, 0, column] = float(value)
                break
    result = compute_index(definition, Panel(("-",), (0,), definition.indicator_codes, row))
    steps = []
    for column, spec in enumerate(definition.indicators):
        raw = row[0, 0, column]
        # explain() runs after compute_index() validated the definition: goalposts are set.
        best = float(spec.best) if spec.best is not None else np.nan
        worst = float(spec.worst) if spec.worst is not None else np.nan
        uncapped = 100.0 * (raw - worst) / (best - worst)
        steps.append(
            IndicatorStep(
                code=spec.code,
                label=spec.label,
                unit=spec.unit,
                pillar=spec.pillar,
                raw=None if np.isnan(raw) else float(raw),
                best=best,
                worst=worst,
                direction=spec.direction.value,
                uncapped_score=None if np.isnan(uncapped) else float(uncapped),
                score=_none_if_nan(result.scores[0, 0, column]),
                weight=spec.weight,
                provenance=spec.provenance,
                goalposts_confirmed=spec.goalposts_confirmed,
            )
        )
    pillars = []
    for position, pillar in enumerate(definition.pillars):
        pillars.append(
            PillarStep(
                code=pillar.code,
                label=pillar.label,
                weight=pillar.weight,
                score=_none_if_nan(result.pillars[0, 0, position]),
                weight_with_data=float(result.pillar_share[0, 0, position]),
                missing_indicators=tuple(
                    s.code for s in steps if s.pillar == pillar.code and s.raw is None
                ),
            )
        )
    score = _none_if_nan(result.overall[0, 0])
    reason = None
    if score is None:
        absent = [p for p in pillars if p.score is None]
        reason = Message(
            "index.pillars_without_score",
            {"pillars": [p.code for p in absent], "labels": [p.label for p in absent]},
        )
    return IndexBreakdown(
        index=definition.code,
        indicators=tuple(steps),
        pillars=tuple(pillars),
        score=score,
        missing_data_rule=definition.missing.explanation(),
        reason_if_missing=reason,
    )


def _none_if_nan(value: float) -> float | None:
    return None if np.isnan(value) else float(value)
