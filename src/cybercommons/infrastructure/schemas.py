"""Shapes of the infrastructure API's requests and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema

from cybercommons.core.lib.pagination import Page


class CableOut(Schema):
    pk: int
    id: str = Field(..., alias="source_id")
    name: str
    owners: list[str]
    suppliers: list[str]
    length_km: float | None
    rfs_year: int | None
    is_planned: bool
    dataset: str = Field(..., alias="dataset.slug")


class CablePage(Page[CableOut]):
    pass


class LandingPointOut(Schema):
    id: str = Field(..., alias="source_id")
    name: str
    country: str | None = Field(None, alias="country_id")
    raw_country: str
    lon: float | None
    lat: float | None
    is_tbd: bool


class LandingPointPage(Page[LandingPointOut]):
    pass


class CableDetail(CableOut):
    url: str
    notes: str
    route: list[Any]
    landing_points: list[LandingPointOut]


class CableFilters(Schema):
    q: str = Field("", max_length=100)
    country: str = Field("", max_length=2)


class LandingFilters(Schema):
    country: str = Field("", max_length=2)


class ResilienceScoreOut(Schema):
    value: float
    inputs: dict[str, float | int | None]
    weights: dict[str, float]
    method: str


class CountryResilienceOut(Schema):
    country: str
    name: str
    is_hub: bool
    cables: int
    landing_stations: int
    international_links: int
    neighbours: int
    min_cable_cut: int | None
    min_station_cut: int | None
    cable_cut: list[str]
    station_cut: list[str]
    single_points_of_failure: list[str]
    station_single_points_of_failure: list[str]
    score: ResilienceScoreOut


class ResilienceOut(Schema):
    dataset: str
    revision: int
    hubs: list[str]
    countries: list[CountryResilienceOut]


ScenarioKind = Literal["cut", "region", "ready", "storm"]


class ScenarioRunIn(Schema):
    kind: ScenarioKind
    parameters: dict[str, Any] = Field(default_factory=dict)


class ScenarioSaveIn(ScenarioRunIn):
    title: str = Field(..., min_length=1, max_length=200)
    is_public: bool = False


class ScenarioPatch(Schema):
    is_public: bool


class ScenarioOut(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    kind: str
    parameters: dict[str, Any]
    results: dict[str, Any]
    is_public: bool
    created_at: datetime
    created_by: str = Field(..., alias="created_by.username")


class ScenarioSummary(Schema):
    id: UUID = Field(..., alias="public_id")
    title: str
    kind: str
    is_public: bool
    created_at: datetime


class ScenarioPage(Page[ScenarioSummary]):
    pass


class ReadyScenarioOut(Schema):
    key: str
    title: str
    date: str
    cable_names: list[str]
    record: str


class CandidateProjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: Literal["cable", "branch", "terrestrial", "ground_station"]
    cost: float = Field(..., gt=0)
    links: dict[str, Any]
    description: str = ""
    is_public: bool = False


class CandidateProjectOut(Schema):
    id: int
    name: str
    kind: str
    cost: float
    links: dict[str, Any]
    description: str
    is_public: bool


class CandidateProjectPage(Page[CandidateProjectOut]):
    pass


class PlannerRunIn(Schema):
    candidates: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        ..., min_length=1, max_length=1000)
    budget: float = Field(..., ge=0)
    objective: Literal["capped_min_cut", "population_out_of_spof"] = "capped_min_cut"
    save: bool = True
    is_public: bool = False


class PlannerRunOut(Schema):
    id: UUID | None = None
    budget: float
    objective: str
    result: dict[str, Any]


class PositionFilters(Schema):
    at: datetime | None = None
    min_elevation: float = Field(25.0, ge=0, le=90)


class SatellitePositionOut(Schema):
    name: str
    lon: float
    lat: float
    alt_km: float


class StationVisibilityOut(Schema):
    name: str
    country: str
    lon: float | None
    lat: float | None
    visible: list[str]


class ConstellationPositionsOut(Schema):
    constellation: str
    at: datetime
    min_elevation: float
    stale_elements: bool
    satellites: list[SatellitePositionOut]
    not_propagated: list[str]
    ground_stations: list[StationVisibilityOut]
