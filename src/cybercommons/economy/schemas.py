"""Shapes of the economy JSON API (prefixed: OpenAPI component names are global)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from cybercommons.core.lib.pagination import Page


class EconomyIndicatorOut(Schema):
    code: str
    name: str
    unit: str
    source: str
    description: str
    higher_is_better: bool
    valid_min: float | None
    valid_max: float | None
    sdg_indicator: str


class EconomyIndicatorPage(Page[EconomyIndicatorOut]):
    pass


class EconomyObservationOut(Schema):
    indicator: str = Field(description="indicator code")
    geo: str = Field(description="ISO alpha-3 for countries, the source's code for aggregates")
    geo_kind: str = Field(description="country, aggregate or unknown")
    country: str | None = Field(description="ISO alpha-2 when the place is a known country")
    year: int
    value: float
    breakdown: dict[str, str]
    note: str
    source_file: str

    @staticmethod
    def resolve_indicator(obj: Any) -> str:
        return str(obj.indicator.code)

    @staticmethod
    def resolve_country(obj: Any) -> str | None:
        return obj.country_id


class EconomyObservationPage(Page[EconomyObservationOut]):
    pass


class EconomyObservationFilters(Schema):
    indicator: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=3, description="ISO alpha-2 or alpha-3")
    geo_kind: str | None = Field(None, pattern=r"^(country|aggregate|unknown)$")
    year: int | None = Field(None, ge=1000, le=2200)
    year_from: int | None = Field(None, ge=1000, le=2200)
    year_to: int | None = Field(None, ge=1000, le=2200)
    total_only: bool = Field(False, description="only totals (no sex/location breakdowns)")


class EconomyMessageOut(Schema):
    """Something the kernel says: a stable code, its values, and the sentence in the
    request's language (Accept-Language)."""

    code: str
    params: dict[str, Any]
    text: str


class EconomyIndexOut(Schema):
    code: str
    name: str
    description: str
    built_in: bool
    definition: dict[str, Any]
    missing_data_rule: str = ""
    missing_data_rule_message: EconomyMessageOut | None = None


class EconomyIndexPage(Page[EconomyIndexOut]):
    pass


class EconomyIndexIn(Schema):
    code: str = Field(max_length=60)
    name: str = Field(max_length=200)
    description: str = ""
    pillars: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    missing: dict[str, Any] = Field(default_factory=dict)


class EconomyRankingRowOut(Schema):
    rank: float
    country: str
    name: str
    score: float
    pillars: list[float | None]


class EconomyRankingOut(Schema):
    index: str
    year: int | None
    years: list[int]
    pillars: list[str]
    missing_data_rule: str
    missing_data_rule_message: EconomyMessageOut
    rows: list[EconomyRankingRowOut]


class EconomyRankShiftOut(Schema):
    geo: str
    rank_a: float
    rank_b: float
    shift: float


class EconomyRankComparisonOut(Schema):
    a: str
    b: str
    year: int | None
    spearman: float | None
    mean_absolute_shift: float | None
    only_in_a: list[str]
    only_in_b: list[str]
    shifts: list[EconomyRankShiftOut]


class EconomyExplainStepOut(Schema):
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
    goalposts_confirmed: bool


class EconomyExplainPillarOut(Schema):
    code: str
    label: str
    weight: float
    score: float | None
    weight_with_data: float
    missing_indicators: list[str]


class EconomyExplainOut(Schema):
    index: str
    country: str
    year: int | None
    score: float | None
    missing_data_rule: str
    missing_data_rule_message: EconomyMessageOut
    reason_if_missing: str = Field(description="empty when there is a score")
    reason_if_missing_message: EconomyMessageOut | None
    indicators: list[EconomyExplainStepOut]
    pillars: list[EconomyExplainPillarOut]


class EconomyProgressOut(Schema):
    target: str
    indicator: str
    status: str
    target_value: float
    target_year: int
    latest_year: int | None
    latest_value: float | None
    slope_per_year: float | None
    slope_ci: list[float | None] | None
    projected: float | None
    projected_interval: list[float | None] | None
    year_reached: float | None
    rate_needed: float | None


class EconomyProjectOut(Schema):
    id: int
    name: str
    organisation: str
    country: str
    sectors: list[str]
    sdg_targets: list[str]
    accepts: list[str]
    summary: str
    status: str
    visibility: str
    budget_usd: Decimal | None = Field(None, description="private: parties only")
    ask_usd: Decimal | None = Field(None, description="private: parties only")
    needs: str | None = Field(None, description="private: parties only")
    contact: str | None = Field(None, description="private: parties only")


class EconomyProjectPage(Page[EconomyProjectOut]):
    pass


class EconomyProjectIn(Schema):
    organisation: str = Field(description="the organisation's short name")
    name: str = Field(max_length=200)
    country: str = Field(max_length=2)
    sectors: list[str] = Field(default_factory=list)
    sdg_targets: list[str] = Field(default_factory=list)
    accepts: list[str] = Field(default_factory=list)
    summary: str = ""
    status: str = "seeking"
    visibility: str = "public"
    budget_usd: Decimal | None = None
    ask_usd: Decimal | None = None
    needs: str = ""
    contact: str = ""


class EconomyProjectPatch(Schema):
    name: str | None = None
    sectors: list[str] | None = None
    sdg_targets: list[str] | None = None
    accepts: list[str] | None = None
    summary: str | None = None
    status: str | None = None
    visibility: str | None = None
    budget_usd: Decimal | None = None
    ask_usd: Decimal | None = None
    needs: str | None = None
    contact: str | None = None


class EconomyFunderOut(Schema):
    id: int
    name: str
    organisation: str
    type: str
    sectors: list[str]
    sdg_targets: list[str]
    countries: list[str]
    regions: list[str]
    excluded: list[str]
    ticket_min_usd: Decimal | None
    ticket_max_usd: Decimal | None
    description: str
    visibility: str
    notes: str | None = Field(None, description="private: parties only")


class EconomyFunderPage(Page[EconomyFunderOut]):
    pass


class EconomyFunderIn(Schema):
    organisation: str
    name: str = Field(max_length=200)
    type: str
    sectors: list[str] = Field(default_factory=list)
    sdg_targets: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(default_factory=list)
    ticket_min_usd: Decimal | None = None
    ticket_max_usd: Decimal | None = None
    description: str = ""
    notes: str = ""
    visibility: str = "public"


class EconomyMatchComponentOut(Schema):
    name: str
    fit: float
    weight: float
    reason: str = Field(description="in the request's language")
    reason_message: EconomyMessageOut


class EconomyMatchOut(Schema):
    project: int
    funder: int
    name: str
    score: float
    eligible: bool
    components: list[EconomyMatchComponentOut]


class EconomyMatchesOut(Schema):
    """The best matches first, as many as ``limit`` asked, and how many there are in all."""

    items: list[EconomyMatchOut]
    total: int = Field(description="matches in the whole ranking, including those not shown")


class EconomyInterestOut(Schema):
    id: int
    project: int
    funder: int
    direction: str
    message: str
    status: str
    score: float | None
    created_at: Any

    @staticmethod
    def resolve_project(obj: Any) -> int:
        return int(obj.project_id)

    @staticmethod
    def resolve_funder(obj: Any) -> int:
        return int(obj.funder_id)


class EconomyInterestPage(Page[EconomyInterestOut]):
    pass


class EconomyInterestIn(Schema):
    project: int = Field(ge=1)
    funder: int = Field(ge=1)
    message: str = Field("", max_length=5000)


class EconomyInterestAnswerIn(Schema):
    status: str = Field(pattern=r"^(accepted|declined|withdrawn)$")


class EconomyImportRunOut(Schema):
    id: int
    kind: str
    file_name: str
    status: str
    started_at: Any
    finished_at: Any
    rows_written: int
    created: int
    updated: int
    counts: dict[str, Any]
    problems: list[dict[str, Any]]
    message: str


class EconomyImportRunPage(Page[EconomyImportRunOut]):
    pass
