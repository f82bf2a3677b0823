"""The infrastructure JSON API at /api/v1/infrastructure/.

Operations parse, ask policy for what the caller may see, call analysis or a service, and
shape the answer; service errors become RFC 9457 problems in core's API layer. Private
scenarios, candidates and plans are invisible to everyone but their authors: a 404, never a
403, so their existence does not leak.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.api_auth import PUBLIC, PUBLIC_OPENAPI, SIGNED_IN, signed_in, viewer
from cybercommons.core.lib.pagination import PageParams, paginate
from cybercommons.infrastructure import analysis, constellations, policy, queries, services
from cybercommons.infrastructure.kernel.events import READY_SCENARIOS
from cybercommons.infrastructure.models import Cable, Dataset, Scenario
from cybercommons.infrastructure.schemas import (
    CableDetail,
    CableFilters,
    CablePage,
    CandidateProjectIn,
    CandidateProjectOut,
    CandidateProjectPage,
    ConstellationPositionsOut,
    CountryResilienceOut,
    LandingFilters,
    LandingPointPage,
    PlannerRunIn,
    PlannerRunOut,
    PositionFilters,
    ReadyScenarioOut,
    ResilienceOut,
    ScenarioOut,
    ScenarioPage,
    ScenarioPatch,
    ScenarioRunIn,
    ScenarioSaveIn,
)

router = Router(tags=["infrastructure"])
MAX_ID = 2**63 - 1
COUNTRY_CODE = r"^[A-Za-z]{2}$"


def _dataset(request: HttpRequest) -> Dataset:
    dataset = queries.active_dataset(viewer(request))
    if dataset is None:
        raise Http404(_("No network data has been imported yet."))
    return dataset


def _scenario(request: HttpRequest, public_id: UUID) -> Scenario:
    scenario = policy.scenarios(viewer(request)).filter(public_id=public_id).first()
    if scenario is None:
        raise Http404(_("No scenario you may see has this id."))
    return scenario


@router.get("/cables", response=CablePage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="infrastructure_cables_list", summary="Cables of the active dataset")
def list_cables(request: HttpRequest, response: HttpResponse, filters: Query[CableFilters],
                page: Query[PageParams]) -> dict[str, Any]:
    qs = queries.cables(viewer(request), _dataset(request), q=filters.q,
                        country=filters.country)
    return paginate(request, response, qs, page=page, key="name", name="infra-cables")


@router.get("/cables/{pk}", response=CableDetail, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="infrastructure_cables_get", summary="One cable with its landings")
def get_cable(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> Cable:
    cable = policy.cables(viewer(request)).filter(pk=pk).first()
    if cable is None:
        raise Http404(_("No cable has this id."))
    cable.landing_points = queries.cable_landings(viewer(request), cable)  # type: ignore[attr-defined]
    return cable


@router.get("/landing-points", response=LandingPointPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="infrastructure_landing_points_list",
            summary="Landing points of the active dataset")
def list_landing_points(request: HttpRequest, response: HttpResponse,
                        filters: Query[LandingFilters],
                        page: Query[PageParams]) -> dict[str, Any]:
    qs = queries.landing_points(viewer(request), _dataset(request), country=filters.country)
    return paginate(request, response, qs, page=page, key="name", name="infra-lps")


def _rows(dataset: Dataset) -> tuple[dict[str, Any], dict[str, str]]:
    return analysis.resilience(dataset), analysis.country_names()


@router.get("/countries", response=ResilienceOut, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="infrastructure_countries_list",
            summary="Every country's resilience, with the score's inputs and method")
def list_countries(request: HttpRequest) -> dict[str, Any]:
    dataset = _dataset(request)
    data, names = _rows(dataset)
    return {"dataset": dataset.slug, "revision": data["revision"], "hubs": data["hubs"],
            "countries": [{**r, "name": names.get(c, c)}
                          for c, r in sorted(data["countries"].items())]}


@router.get("/countries/{code}", response=CountryResilienceOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="infrastructure_countries_get",
            summary="One country's resilience")
def get_country(request: HttpRequest,
                code: str = Path(..., pattern=COUNTRY_CODE)) -> dict[str, Any]:
    data, names = _rows(_dataset(request))
    row = data["countries"].get(code.upper())
    if row is None:
        raise Http404(_("This country has no landing point or link in the network."))
    return {**row, "name": names.get(code.upper(), code.upper())}


@router.get("/ready-scenarios", response=list[ReadyScenarioOut], auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="infrastructure_ready_list",
            summary="Real events from the record, ready to run")
def list_ready(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"key": e.key, "title": e.title, "date": e.date,
             "cable_names": list(e.cable_names), "record": e.record}
            for e in READY_SCENARIOS.values()]


@router.post("/scenarios/run", response=dict[str, Any], auth=PUBLIC,
             openapi_extra=PUBLIC_OPENAPI, operation_id="infrastructure_scenarios_run",
             summary="Run a scenario without saving it")
def run_scenario(request: HttpRequest, payload: ScenarioRunIn) -> dict[str, Any]:
    params = analysis.validate(payload.kind, payload.parameters,
                               max_trials=analysis.max_trials_for(viewer(request)))
    return analysis.run(_dataset(request), payload.kind, params)


@router.get("/scenarios", response=ScenarioPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="infrastructure_scenarios_list",
            summary="Saved scenarios: public ones and your own")
def list_scenarios(request: HttpRequest, response: HttpResponse,
                   page: Query[PageParams]) -> dict[str, Any]:
    return paginate(request, response, policy.scenarios(viewer(request)), page=page,
                    key="-created_at", name="infra-scenarios")


@router.post("/scenarios", response={201: ScenarioOut}, auth=SIGNED_IN,
             operation_id="infrastructure_scenarios_save", summary="Run and save a scenario")
def save_scenario(request: HttpRequest, payload: ScenarioSaveIn) -> Status:
    scenario = services.save_scenario(signed_in(request), title=payload.title,
                                      kind=payload.kind, parameters=payload.parameters,
                                      is_public=payload.is_public)
    return Status(201, scenario)


@router.get("/scenarios/{public_id}", response=ScenarioOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="infrastructure_scenarios_get",
            summary="One saved scenario")
def get_scenario(request: HttpRequest, public_id: UUID) -> Scenario:
    return _scenario(request, public_id)


@router.patch("/scenarios/{public_id}", response=ScenarioOut, auth=SIGNED_IN,
              operation_id="infrastructure_scenarios_share",
              summary="Make your scenario public or private")
def share_scenario(request: HttpRequest, payload: ScenarioPatch, public_id: UUID) -> Scenario:
    return services.share_scenario(signed_in(request), _scenario(request, public_id),
                                   payload.is_public)


@router.delete("/scenarios/{public_id}", response={204: None}, auth=SIGNED_IN,
               operation_id="infrastructure_scenarios_delete", summary="Delete your scenario")
def delete_scenario(request: HttpRequest, public_id: UUID) -> Status:
    services.delete_scenario(signed_in(request), _scenario(request, public_id))
    return Status(204, None)


@router.get("/candidates", response=CandidateProjectPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="infrastructure_candidates_list",
            summary="Candidate projects: public ones and your own")
def list_candidates(request: HttpRequest, response: HttpResponse,
                    page: Query[PageParams]) -> dict[str, Any]:
    return paginate(request, response, policy.candidates(viewer(request)), page=page,
                    key="name", name="infra-candidates")


@router.post("/candidates", response={201: CandidateProjectOut}, auth=SIGNED_IN,
             operation_id="infrastructure_candidates_create",
             summary="Add a candidate project")
def create_candidate(request: HttpRequest, payload: CandidateProjectIn) -> Status:
    candidate = services.create_candidate(signed_in(request), **payload.model_dump())
    return Status(201, candidate)


@router.post("/planner/run", response=PlannerRunOut, auth=SIGNED_IN,
             operation_id="infrastructure_planner_run",
             summary="Choose the candidates that buy the most resilience for a budget")
def run_plan(request: HttpRequest, payload: PlannerRunIn) -> dict[str, Any]:
    user = signed_in(request)
    chosen = list(policy.candidates(user).filter(pk__in=payload.candidates))
    missing = sorted(set(payload.candidates) - {c.pk for c in chosen})
    if missing:
        raise ServiceError(_("No candidate you may use has the ids %(ids)s.")
                           % {"ids": ", ".join(map(str, missing))}, field="candidates")
    run = services.run_plan(user, chosen, budget=payload.budget, objective=payload.objective,
                            save=payload.save, is_public=payload.is_public)
    return {"id": run.public_id if run.pk else None, "budget": run.budget,
            "objective": run.objective, "result": run.result}


@router.get("/planner/{public_id}", response=PlannerRunOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="infrastructure_planner_get",
            summary="One saved planner run")
def get_plan(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    run = policy.planner_runs(viewer(request)).filter(public_id=public_id).first()
    if run is None:
        raise Http404(_("No plan you may see has this id."))
    return {"id": run.public_id, "budget": run.budget, "objective": run.objective,
            "result": run.result}


@router.get("/constellations/{pk}/positions", response=ConstellationPositionsOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="infrastructure_constellation_positions",
            summary="Where a constellation's satellites are, and what its stations see")
def constellation_positions(request: HttpRequest, filters: Query[PositionFilters],
                            pk: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    group = policy.constellations(viewer(request)).filter(pk=pk).first()
    if group is None:
        raise Http404(_("No constellation has this id."))
    when = filters.at or timezone.now()
    if timezone.is_naive(when):
        when = when.replace(tzinfo=UTC)
    view = constellations.current_view(viewer(request), group, when, filters.min_elevation)
    return {
        "constellation": group.name, "at": view.when, "min_elevation": view.min_elevation,
        "stale_elements": view.stale,
        "satellites": [{"name": p.name, "lon": p.lon, "lat": p.lat, "alt_km": p.alt_km}
                       for p in view.points],
        "not_propagated": view.failed,
        "ground_stations": [{"name": s.station.name, "country": s.station.country_id,
                             "lon": s.station.lon, "lat": s.station.lat,
                             "visible": [seen.name for seen in s.visible]}
                            for s in view.stations],
    }
