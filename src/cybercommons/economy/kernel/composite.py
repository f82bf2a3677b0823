"""Composite indices: a definition (indicators, goalposts, direction, weights, pillars),
its validation, and a vectorised computation over every country and year.

Scoring is the capped linear rescaling used by the ITU ICT Development Index: an
indicator value ``v`` becomes ``100 * (v - worst) / (best - worst)``, capped to
[0, 100]. For "higher is better" indicators ``worst`` is usually 0 and ``best`` the
goalpost; for "lower is better" ones (prices) ``best`` is below ``worst``, which
reverses the scale with the same formula. A pillar is the weighted mean of its
indicator scores; the index is the weighted mean of its pillars.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from cybercommons.economy.kernel.messages import Message
from cybercommons.economy.kernel.observations import GeoKind, Observation

WEIGHT_TOLERANCE = 1e-6
FloatArray = NDArray[np.float64]


class Direction(StrEnum):
    """Whether a larger raw value is better (Internet use) or worse (prices)."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator of an index: its goalposts, direction, pillar and weight.

    ``best`` is the value that scores 100, ``worst`` the value that scores 0, both in
    the indicator's own ``unit``. ``weight`` is the weight inside its pillar.
    ``aliases`` are other codes that carry the same series (``IT.NET.USER.ZS`` for
    ITU's ``i99H``). ``provenance`` says where the goalposts come from;
    ``goalposts_confirmed`` is False for a goalpost that stands in for a published value
    not yet checked, so pages can say so plainly.
    """

    code: str
    label: str
    unit: str
    pillar: str
    best: float | None
    worst: float | None
    direction: Direction = Direction.HIGHER_IS_BETTER
    weight: float = 1.0
    aliases: tuple[str, ...] = ()
    provenance: str = ""
    goalposts_confirmed: bool = True


@dataclass(frozen=True)
class PillarSpec:
    """A pillar (sub-index): its code, label and weight in the overall index."""

    code: str
    label: str
    weight: float


@dataclass(frozen=True)
class MissingDataRule:
    """What happens when indicators are missing.

    A missing indicator is never imputed and never counted as zero: its weight is
    shared among the indicators of the same pillar that have data. A pillar score is
    computed only when the indicators with data carry at least ``min_pillar_share`` of
    the pillar's weight. With ``require_all_pillars`` the index is computed only when
    every pillar has a score; otherwise pillar weights are shared the same way.
    """

    min_pillar_share: float = 0.5
    require_all_pillars: bool = True

    def explanation(self) -> Message:
        """The rule as a message, for country pages, rankings and API answers."""
        return Message(
            "index.missing_data_rule",
            {
                "min_pillar_share": self.min_pillar_share,
                "require_all_pillars": self.require_all_pillars,
            },
        )


# Every code a refused definition can carry, for the catalogue that renders them.
PROBLEM_CODES = frozenset({
    "index.no_pillars", "index.no_indicators", "index.duplicate_pillar",
    "index.duplicate_indicator", "index.pillar_invalid_weight", "index.pillar_weights_sum",
    "index.pillar_without_indicators", "index.indicator_weights_sum",
    "index.min_share_out_of_range", "index.indicator_unknown_pillar",
    "index.indicator_invalid_weight", "index.indicator_no_best", "index.indicator_no_worst",
    "index.indicator_equal_goalposts", "index.higher_best_below_worst",
    "index.lower_best_above_worst", "index.missing_key", "index.pillar_field_missing",
    "index.pillar_field_invalid", "index.indicator_field_missing",
    "index.indicator_field_invalid", "index.not_a_list",
})  # fmt: skip


def _problem(name: str, /, **params: Any) -> Message:
    return Message(f"index.{name}", dict(params))


class IndexDefinitionError(ValueError):
    """An index definition that cannot be computed, with every problem found."""

    def __init__(self, problems: Sequence[Message]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class IndexDefinition:
    """A composite index: pillars, indicators with goalposts and weights, missing-data rule."""

    code: str
    name: str
    pillars: tuple[PillarSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    missing: MissingDataRule = field(default_factory=MissingDataRule)
    description: str = ""

    def problems(self) -> list[Message]:
        """Every reason this definition cannot be computed; empty when it is sound."""
        reasons: list[Message] = []
        if not self.pillars:
            reasons.append(_problem("no_pillars"))
        if not self.indicators:
            reasons.append(_problem("no_indicators"))
        reasons += _duplicates("duplicate_pillar", [p.code for p in self.pillars])
        reasons += _duplicates("duplicate_indicator", [i.code for i in self.indicators])
        pillar_codes = {p.code for p in self.pillars}
        for pillar in self.pillars:
            if not _finite(pillar.weight) or pillar.weight < 0:
                reasons.append(
                    _problem("pillar_invalid_weight", pillar=pillar.code, weight=pillar.weight)
                )
        for spec in self.indicators:
            reasons += _indicator_problems(spec, pillar_codes)
        if self.pillars and all(_finite(p.weight) for p in self.pillars):
            total = sum(p.weight for p in self.pillars)
            if abs(total - 1.0) > WEIGHT_TOLERANCE:
                reasons.append(_problem("pillar_weights_sum", total=float(f"{total:.6g}")))
        for pillar in self.pillars:
            members = [i for i in self.indicators if i.pillar == pillar.code]
            if not members:
                reasons.append(_problem("pillar_without_indicators", pillar=pillar.code))
                continue
            if all(_finite(i.weight) for i in members):
                total = sum(i.weight for i in members)
                if abs(total - 1.0) > WEIGHT_TOLERANCE:
                    reasons.append(
                        _problem(
                            "indicator_weights_sum",
                            pillar=pillar.code,
                            total=float(f"{total:.6g}"),
                        )
                    )
        share = self.missing.min_pillar_share
        if not _finite(share) or not 0 < share <= 1:
            reasons.append(_problem("min_share_out_of_range", share=share))
        return reasons

    def validate(self) -> IndexDefinition:
        """Return the definition when sound; raise :class:`IndexDefinitionError` otherwise."""
        reasons = self.problems()
        if reasons:
            raise IndexDefinitionError(reasons)
        return self

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """Indicator codes in definition order (the last axis of score arrays)."""
        return tuple(i.code for i in self.indicators)

    @property
    def pillar_codes(self) -> tuple[str, ...]:
        """Pillar codes in definition order (the last axis of pillar arrays)."""
        return tuple(p.code for p in self.pillars)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for storage and the API (the inverse of :func:`definition_from_dict`)."""
        return {
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "missing": {
                "min_pillar_share": self.missing.min_pillar_share,
                "require_all_pillars": self.missing.require_all_pillars,
            },
            "pillars": [
                {"code": p.code, "label": p.label, "weight": p.weight} for p in self.pillars
            ],
            "indicators": [
                {
                    "code": i.code,
                    "label": i.label,
                    "unit": i.unit,
                    "pillar": i.pillar,
                    "best": i.best,
                    "worst": i.worst,
                    "direction": i.direction.value,
                    "weight": i.weight,
                    "aliases": list(i.aliases),
                    "provenance": i.provenance,
                    "goalposts_confirmed": i.goalposts_confirmed,
                }
                for i in self.indicators
            ],
        }


def definition_from_dict(data: Mapping[str, Any]) -> IndexDefinition:
    """Build a definition from plain data (a form, a JSON body); validates it.

    Raises :class:`IndexDefinitionError` naming every problem, including missing keys
    and fields that are not numbers, with the position of the pillar or indicator.
    """
    reasons = [_problem("missing_key", key=key)
               for key in ("code", "name", "pillars", "indicators") if key not in data]
    if not reasons:
        reasons = [_problem("not_a_list", key=key) for key in ("pillars", "indicators")
                   if not isinstance(data[key], list | tuple)]
    if reasons:
        raise IndexDefinitionError(reasons)
    pillars = []
    for position, raw in enumerate(data["pillars"], start=1):
        fields = _Fields("pillar", position, raw, reasons)
        code = fields.text("code")
        weight = fields.number("weight", required=True)
        if fields.sound and code is not None and weight is not None:
            pillars.append(PillarSpec(code, fields.optional_text("label", code), weight))
    indicators = []
    for position, raw in enumerate(data["indicators"], start=1):
        fields = _Fields("indicator", position, raw, reasons)
        code = fields.text("code")
        pillar = fields.text("pillar")
        best = fields.number("best")
        worst = fields.number("worst")
        weight = fields.number("weight", default=1.0)
        direction = fields.direction()
        if fields.sound and code is not None and pillar is not None and weight is not None:
            indicators.append(
                IndicatorSpec(
                    code=code,
                    label=fields.optional_text("label", code),
                    unit=fields.optional_text("unit", ""),
                    pillar=pillar,
                    best=best,
                    worst=worst,
                    direction=direction,
                    weight=weight,
                    aliases=tuple(str(a) for a in fields.raw.get("aliases", ())),
                    provenance=str(fields.raw.get("provenance", "")),
                    goalposts_confirmed=bool(fields.raw.get("goalposts_confirmed", True)),
                )
            )
    if reasons:
        raise IndexDefinitionError(reasons)
    missing_raw = data.get("missing") or {}
    if not isinstance(missing_raw, Mapping):
        missing_raw = {"min_pillar_share": math.nan}
    try:
        share = float(missing_raw.get("min_pillar_share", 0.5))
    except (TypeError, ValueError):
        share = math.nan  # refused by validate() as out of range, with the others
    definition = IndexDefinition(
        code=str(data["code"]),
        name=str(data["name"]),
        description=str(data.get("description", "")),
        pillars=tuple(pillars),
        indicators=tuple(indicators),
        missing=MissingDataRule(
            min_pillar_share=share,
            require_all_pillars=bool(missing_raw.get("require_all_pillars", True)),
        ),
    )
    return definition.validate()


class _Fields:
    """Reads one pillar or indicator of plain data, noting each field it cannot read."""

    def __init__(self, kind: str, position: int, raw: Any, reasons: list[Message]) -> None:
        self.kind, self.position, self.reasons = kind, position, reasons
        self.is_mapping = isinstance(raw, Mapping)
        self.raw: Mapping[str, Any] = raw if self.is_mapping else {}
        self.sound = True
        if not self.is_mapping:
            self.sound = False
            self.reasons.append(_problem(f"{kind}_field_invalid", position=position, field="*"))

    def _note(self, what: str, name: str) -> None:
        if self.is_mapping:  # a value that is not an object was reported once already
            self.reasons.append(
                _problem(f"{self.kind}_{what}", position=self.position, field=name)
            )
        self.sound = False

    def text(self, name: str) -> str | None:
        """A required text field."""
        if name in self.raw:
            return str(self.raw[name])
        self._note("field_missing", name)
        return None

    def optional_text(self, name: str, default: str) -> str:
        return str(self.raw.get(name, default))

    def number(self, name: str, *, required: bool = False,
               default: float | None = None) -> float | None:
        if name not in self.raw:
            if required:
                self._note("field_missing", name)
            return default
        try:
            return _optional_float(self.raw[name])
        except (TypeError, ValueError):
            self._note("field_invalid", name)
            return None

    def direction(self) -> Direction:
        try:
            return Direction(self.raw.get("direction", Direction.HIGHER_IS_BETTER.value))
        except ValueError:
            self._note("field_invalid", "direction")
            return Direction.HIGHER_IS_BETTER


def _optional_float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _finite(number: float | None) -> bool:
    return number is not None and math.isfinite(number)


def _duplicates(problem: str, codes: list[str]) -> list[Message]:
    seen: set[str] = set()
    reasons = []
    for item in codes:
        if item in seen:
            reasons.append(_problem(problem, code=item))
        seen.add(item)
    return reasons


def _indicator_problems(spec: IndicatorSpec, pillar_codes: set[str]) -> list[Message]:
    reasons = []
    if spec.pillar not in pillar_codes:
        reasons.append(
            _problem("indicator_unknown_pillar", indicator=spec.code, pillar=spec.pillar)
        )
    if not _finite(spec.weight) or spec.weight < 0:
        reasons.append(
            _problem("indicator_invalid_weight", indicator=spec.code, weight=spec.weight)
        )
    if not _finite(spec.best):
        reasons.append(_problem("indicator_no_best", indicator=spec.code))
    if not _finite(spec.worst):
        reasons.append(_problem("indicator_no_worst", indicator=spec.code))
    best, worst = spec.best, spec.worst
    if best is not None and worst is not None and _finite(best) and _finite(worst):
        if best == worst:
            reasons.append(_problem("indicator_equal_goalposts", indicator=spec.code, value=best))
        elif spec.direction is Direction.HIGHER_IS_BETTER and best < worst:
            reasons.append(
                _problem("higher_best_below_worst", indicator=spec.code, best=best, worst=worst)
            )
        elif spec.direction is Direction.LOWER_IS_BETTER and best > worst:
            reasons.append(
                _problem("lower_best_above_worst", indicator=spec.code, best=best, worst=worst)
            )
    return reasons


@dataclass(frozen=True)
class Panel:
    """Indicator values for many places and years: ``values[geo, year, indicator]``, NaN = none."""

    geos: tuple[str, ...]
    years: tuple[int, ...]
    indicators: tuple[str, ...]
    values: FloatArray

    def __post_init__(self) -> None:
        expected = (len(self.geos), len(self.years), len(self.indicators))
        if self.values.shape != expected:
            raise ValueError(f"panel values have shape {self.values.shape}, expected {expected}")

    @classmethod
    def from_observations(
        cls,
        observations: Iterable[Observation],
        definition: IndexDefinition,
        *,
        countries_only: bool = True,
    ) -> Panel:
        """Arrange observations into a panel for ``definition``.

        Why: the store holds long records; the computation wants one dense array. Only
        totals (empty breakdown) are used; an indicator's aliases feed its column; when
        several sources give the same cell, the indicator's own code wins over an alias,
        then earlier aliases over later ones. Aggregates are left out unless
        ``countries_only`` is False.
        """
        column_of: dict[str, tuple[int, int]] = {}
        for column, spec in enumerate(definition.indicators):
            column_of[spec.code] = (column, 0)
            for priority, alias in enumerate(spec.aliases, start=1):
                column_of.setdefault(alias, (column, priority))
        cells: dict[tuple[str, int, int], tuple[int, float]] = {}
        for obs in observations:
            if obs.breakdown or (countries_only and obs.geo_kind is not GeoKind.COUNTRY):
                continue
            target = column_of.get(obs.indicator)
            if target is None:
                continue
            column, priority = target
            key = (obs.geo, obs.year, column)
            held = cells.get(key)
            if held is None or priority < held[0]:
                cells[key] = (priority, obs.value)
        geos = tuple(sorted({geo for geo, _, _ in cells}))
        years = tuple(sorted({year for _, year, _ in cells}))
        geo_at = {geo: i for i, geo in enumerate(geos)}
        year_at = {year: i for i, year in enumerate(years)}
        values = np.full((len(geos), len(years), len(definition.indicators)), np.nan)
        for (geo, year, column), (_, value) in cells.items():
            values[geo_at[geo], year_at[year], column] = value
        return cls(geos, years, definition.indicator_codes, values)


@dataclass(frozen=True)
class IndexResult:
    """Every step of an index computation, as arrays over (geo, year[, axis]).

    - ``raw``: the values used, per indicator (NaN = missing);
    - ``scores``: capped 0-100 indicator scores;
    - ``pillar_share``: share of each pillar's weight that had data (0-1);
    - ``pillars``: pillar scores (NaN when below the missing-data threshold);
    - ``overall``: index scores (NaN when the rule says it cannot be computed).
    """

    definition: IndexDefinition
    geos: tuple[str, ...]
    years: tuple[int, ...]
    raw: FloatArray
    scores: FloatArray
    pillar_share: FloatArray
    pillars: FloatArray
    overall: FloatArray

    @property
    def missing_data_rule(self) -> Message:
        """The missing-data rule these scores were computed under."""
        return self.definition.missing.explanation()

    def overall_for_year(self, year: int) -> dict[str, float]:
        """Index score per place for one year, places without a score left out."""
        if year not in self.years:
            return {}
        column = self.overall[:, self.years.index(year)]
        return {geo: float(v) for geo, v in zip(self.geos, column, strict=True) if not np.isnan(v)}


def capped_scores(values: FloatArray, best: FloatArray, worst: FloatArray) -> FloatArray:
    """Capped linear scores 0-100: ``100 * (v - worst) / (best - worst)`` clipped.

    ``values`` has the indicators on its last axis; ``best`` and ``worst`` are one
    goalpost per indicator, in the indicator's unit. NaN stays NaN (missing).
    """
    with np.errstate(invalid="ignore"):
        return np.clip(100.0 * (values - worst) / (best - worst), 0.0, 100.0)


def compute_index(definition: IndexDefinition, panel: Panel) -> IndexResult:
    """Compute ``definition`` for every place and year of ``panel`` at once.

    Why: ranking tables, maps and the comparison of two definitions need every country
    and year; one set of numpy operations does them all (about 15,000 country-years in
    milliseconds). Indicators of the definition absent from the panel count as missing.
    Scores are 0-100; the missing-data rule of the definition decides which pillar and
    index scores exist (see :class:`MissingDataRule`).
    """
    definition.validate()
    raw = np.full((len(panel.geos), len(panel.years), len(definition.indicators)), np.nan)
    for column, code in enumerate(definition.indicator_codes):
        if code in panel.indicators:
            raw[:, :, column] = panel.values[:, :, panel.indicators.index(code)]
    # validate() guarantees finite goalposts; NaN would only mark a broken definition.
    best = np.array([i.best if i.best is not None else np.nan for i in definition.indicators])
    worst = np.array([i.worst if i.worst is not None else np.nan for i in definition.indicators])
    scores = capped_scores(raw, best, worst)
    membership = np.zeros((len(definition.indicators), len(definition.pillars)))
    for row, spec in enumerate(definition.indicators):
        membership[row, definition.pillar_codes.index(spec.pillar)] = spec.weight
    present = ~np.isnan(scores)
    weighted_sum = np.where(present, scores, 0.0) @ membership
    share = present.astype(np.float64) @ membership
    enough = share >= definition.missing.min_pillar_share - WEIGHT_TOLERANCE
    with np.errstate(invalid="ignore", divide="ignore"):
        pillars = np.where(enough, weighted_sum / share, np.nan)
    pillar_weights = np.array([p.weight for p in definition.pillars])
    pillar_present = ~np.isnan(pillars)
    pillar_sum = np.where(pillar_present, pillars, 0.0) @ pillar_weights
    pillar_share = pillar_present.astype(np.float64) @ pillar_weights
    if definition.missing.require_all_pillars:
        complete = pillar_present.all(axis=-1)
    else:
        complete = pillar_share > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(complete, pillar_sum / pillar_share, np.nan)
    return IndexResult(
        definition=definition,
        geos=panel.geos,
        years=panel.years,
        raw=raw,
        scores=scores,
        pillar_share=share,
        pillars=pillars,
        overall=overall,
    )
