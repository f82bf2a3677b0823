"""The economy JSON API under /api/v1/economy/: indicators, observations, indices, rankings,
progress, projects, funders, matches and expressions of interest.

Operations parse, ask policy what the caller may see, call a service for any change, and
shape the answer; private fields of projects and funders are left null for outsiders.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from cybercommons.core import policy as core_policy
from cybercommons.core.lib.api_auth import PUBLIC, PUBLIC_OPENAPI, SIGNED_IN, signed_in, viewer
from cybercommons.core.lib.pagination import PageParams, paginate
from cybercommons.core.lib.problems import problem_response
from cybercommons.core.models import Country, Organisation
from cybercommons.economy import explanations, policy, queries, services
from cybercommons.economy.kernel.progress import DEFAULT_TREND_WINDOW
from cybercommons.economy.models import Funder, Observation, Project
from cybercommons.economy.schemas import (
    EconomyExplainOut,
    EconomyFunderIn,
    EconomyFunderOut,
    EconomyFunderPage,
    EconomyImportRunPage,
    EconomyIndexIn,
    EconomyIndexOut,
    EconomyIndexPage,
    EconomyIndicatorOut,
    EconomyIndicatorPage,
    EconomyInterestAnswerIn,
    EconomyInterestIn,
    EconomyInterestOut,
    EconomyInterestPage,
    EconomyMatchesOut,
    EconomyObservationFilters,
    EconomyObservationPage,
    EconomyProgressOut,
    EconomyProjectIn,
    EconomyProjectOut,
    EconomyProjectPage,
    EconomyProjectPatch,
    EconomyRankComparisonOut,
    EconomyRankingOut,
)

router = Router(tags=["economy"])

CODE = r"^[A-Za-z0-9_.\-]{1,100}$"
COUNTRY = r"^[A-Za-z]{2,3}$"
MAX_ID = 2**63 - 1
# How many ranked matches one answer carries. The whole ranking is computed either way (a
# rank needs every pair's score), so the limit bounds the answer, not the work.
MATCH_LIMIT_DEFAULT = 50
MATCH_LIMIT_MAX = 500


def _nan_none(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _found(row: Any, absent: str) -> Any:
    """``row`` when a policy query found it, else a 404 whose detail says ``absent``."""
    if row is None:
        raise Http404(absent)
    return row


def _country(request: HttpRequest, code: str) -> Country:
    field = "code" if len(code) == 2 else "alpha3"
    return _found(core_policy.countries(viewer(request)).filter(**{field: code.upper()}).first(),
                  _("No country has the code %(code)s.") % {"code": code})


def _index(request: HttpRequest, code: str) -> Any:
    services.ensure_built_in_indices()
    return _found(queries.index_definition(viewer(request), code),
                  _("No index has the code %(code)s.") % {"code": code})


# --- Indicators and observations ----------------------------------------------------------


@router.get("/indicators", response=EconomyIndicatorPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_indicators_list",
            summary="Indicators in the store")
def list_indicators(request: HttpRequest, response: HttpResponse,
                    page: Query[PageParams]) -> dict[str, Any]:
    return paginate(request, response, policy.indicators(viewer(request)), page=page,
                    key="code", name="economy-indicators")


@router.get("/indicators/{code}", response=EconomyIndicatorOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_indicators_get",
            summary="One indicator")
def get_indicator(request: HttpRequest, code: str = Path(..., pattern=CODE)) -> Any:
    return _found(policy.indicators(viewer(request)).filter(code=code).first(),
                  _("No indicator has the code %(code)s.") % {"code": code})


@router.get("/observations", response=EconomyObservationPage, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_observations_list",
            summary="Observations, filtered by indicator, country, kind of place and years")
def list_observations(request: HttpRequest, response: HttpResponse,
                      filters: Query[EconomyObservationFilters],
                      page: Query[PageParams]) -> dict[str, Any]:
    qs: QuerySet[Observation] = policy.observations(viewer(request)).select_related("indicator")
    if filters.indicator:
        qs = qs.filter(indicator__code=filters.indicator)
    if filters.country:
        qs = qs.filter(country=_country(request, filters.country))
    if filters.geo_kind:
        qs = qs.filter(geo_kind=filters.geo_kind)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.year_from is not None:
        qs = qs.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        qs = qs.filter(year__lte=filters.year_to)
    if filters.total_only:
        qs = qs.filter(breakdown_key="")
    return paginate(request, response, qs, page=page, key="pk", name="economy-observations")


@router.get("/imports", response=EconomyImportRunPage, auth=SIGNED_IN,
            operation_id="economy_imports_list",
            summary="Import runs with their per-file reports (site staff)")
def list_imports(request: HttpRequest, response: HttpResponse,
                 page: Query[PageParams]) -> dict[str, Any]:
    return paginate(request, response, policy.import_runs(signed_in(request)), page=page,
                    key="-started_at", name="economy-imports")


# --- Indices, rankings, country steps and progress ----------------------------------------


def _index_out(row: Any) -> dict[str, Any]:
    rule = queries.kernel_definition(row).missing.explanation()
    return {"code": row.code, "name": row.name, "description": row.description,
            "built_in": row.built_in, "definition": row.definition,
            "missing_data_rule": explanations.render(rule),
            "missing_data_rule_message": explanations.as_json(rule)}


@router.get("/indices", response=EconomyIndexPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="economy_indices_list",
            summary="Composite index definitions, by code")
def list_indices(request: HttpRequest, response: HttpResponse,
                 page: Query[PageParams]) -> dict[str, Any]:
    # Any signed-in person may define an index, so the list has no natural end: paged.
    services.ensure_built_in_indices()
    result = paginate(request, response, policy.index_definitions(viewer(request)), page=page,
                      key="code", name="economy-indices")
    result["items"] = [_index_out(row) for row in result["items"]]
    return result


@router.get("/indices/{code}", response=EconomyIndexOut, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="economy_indices_get", summary="One index definition")
def get_index(request: HttpRequest, code: str = Path(..., pattern=CODE)) -> dict[str, Any]:
    return _index_out(_index(request, code))


@router.post("/indices", response={201: EconomyIndexOut}, auth=SIGNED_IN,
             operation_id="economy_indices_create",
             summary="Define an index (refused with the reasons when it cannot be computed)")
def create_index(request: HttpRequest, payload: EconomyIndexIn) -> Status | HttpResponse:
    try:
        row = services.define_index(signed_in(request), payload.dict())
    except services.IndexRefused as refused:
        # One entry per problem: the code and its values for programs, the sentence in
        # the request's language for people.
        return problem_response(400, refused.message, instance=request.path, errors=[
            {"loc": ["body", "definition"], "msg": explanations.render(problem),
             "type": problem.code, "ctx": dict(problem.params)}
            for problem in refused.problems])
    return Status(201, _index_out(row))


@router.get("/indices/{code}/rankings", response=EconomyRankingOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_rankings",
            summary="Countries ranked by an index, with region/income/LDC-LLDC-SIDS filters")
def get_ranking(request: HttpRequest, code: str = Path(..., pattern=CODE),
                year: int | None = None, region: str = "", income: str = "",
                group: str = "") -> dict[str, Any]:
    table = queries.ranking(viewer(request), _index(request, code), year=year,
                            region=region[:3], income=income[:2], group=group[:4])
    return {"index": code, "year": table.year, "years": list(table.years),
            "pillars": list(table.pillar_labels),
            "missing_data_rule": explanations.render(table.missing_data_rule),
            "missing_data_rule_message": explanations.as_json(table.missing_data_rule),
            "rows": [{"rank": r.rank, "country": r.country.code, "name": r.country.name,
                      "score": r.score, "pillars": list(r.pillars)} for r in table.rows]}


@router.get("/indices/{code}/compare/{other}", response=EconomyRankComparisonOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_rankings_compare",
            summary="How the ranking changes from one index definition to another")
def compare_indices(request: HttpRequest, code: str = Path(..., pattern=CODE),
                    other: str = Path(..., pattern=CODE), year: int | None = None
                    ) -> dict[str, Any]:
    result = queries.compare(viewer(request), _index(request, code), _index(request, other),
                             year)
    comparison = result.comparison
    return {"a": code, "b": other, "year": result.year,
            "spearman": _nan_none(comparison.spearman) if comparison else None,
            "mean_absolute_shift": _nan_none(comparison.mean_absolute_shift)
            if comparison else None,
            "only_in_a": list(comparison.only_in_a) if comparison else [],
            "only_in_b": list(comparison.only_in_b) if comparison else [],
            "shifts": [{"geo": s.geo, "rank_a": s.rank_a, "rank_b": s.rank_b,
                        "shift": s.shift} for s in comparison.shifts] if comparison else []}


@router.get("/countries/{code}/index", response=EconomyExplainOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_country_index",
            summary="An index computed step by step for one country")
def explain_country(request: HttpRequest, code: str = Path(..., pattern=COUNTRY),
                    index: str = "itu-idi-2023") -> dict[str, Any]:
    country = _country(request, code)
    definition = queries.kernel_definition(_index(request, index))
    year, breakdown = queries.explain_country(country, definition)
    if breakdown is None:
        raise Http404(_("No data for this index in %(country)s.") % {"country": country.name})
    return {"index": breakdown.index, "country": country.code, "year": year,
            "score": breakdown.score,
            "missing_data_rule": explanations.render(breakdown.missing_data_rule),
            "missing_data_rule_message": explanations.as_json(breakdown.missing_data_rule),
            "reason_if_missing": explanations.render(breakdown.reason_if_missing),
            "reason_if_missing_message": explanations.as_json(breakdown.reason_if_missing),
            "indicators": [vars(s) for s in breakdown.indicators],
            "pillars": [{**vars(p), "missing_indicators": list(p.missing_indicators)}
                        for p in breakdown.pillars]}


@router.get("/countries/{code}/progress", response=list[EconomyProgressOut], auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_country_progress",
            summary="Progress to the 2030 targets: trend, projection, year reached, rate needed")
def country_progress(request: HttpRequest, code: str = Path(..., pattern=COUNTRY),
                     window: int | None = Query(DEFAULT_TREND_WINDOW, ge=2, le=200,
                                                description="years fitted for the trend; "
                                                "null for every year")
                     ) -> list[dict[str, Any]]:
    country = _country(request, code)
    rows = []
    for item in queries.country_progress(viewer(request), country, window_years=window):
        p = item.progress
        rows.append({
            "target": item.code, "indicator": item.indicator.code, "status": p.status.value,
            "target_value": p.target.value, "target_year": p.target.year,
            "latest_year": p.latest_year, "latest_value": p.latest_value,
            "slope_per_year": p.trend.slope if p.trend else None,
            "slope_ci": [_nan_none(v) for v in p.trend.slope_ci] if p.trend else None,
            "projected": p.projected,
            "projected_interval": [_nan_none(v) for v in p.projected_interval]
            if p.projected_interval else None,
            "year_reached": p.year_reached, "rate_needed": p.rate_needed,
        })
    return rows


# --- Projects and funders -----------------------------------------------------------------


def _project_out(request: HttpRequest, project: Project) -> dict[str, Any]:
    data = {"id": project.pk, "name": project.name, "organisation": project.organisation.slug,
            "country": project.country_id, "sectors": project.sectors,
            "sdg_targets": project.sdg_targets, "accepts": project.accepts,
            "summary": project.summary, "status": project.status,
            "visibility": project.visibility}
    if policy.sees_private_project_fields(viewer(request), project):
        data.update({f: getattr(project, f) for f in Project.PRIVATE_FIELDS})
    return data


def _funder_out(request: HttpRequest, funder: Funder) -> dict[str, Any]:
    data = {f: getattr(funder, f) for f in (
        "name", "type", "sectors", "sdg_targets", "countries", "regions", "excluded",
        "ticket_min_usd", "ticket_max_usd", "description", "visibility")}
    data.update(id=funder.pk, organisation=funder.organisation.slug)
    if policy.sees_private_funder_fields(viewer(request), funder):
        data["notes"] = funder.notes
    return data


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    return _found(core_policy.organisations(viewer(request)).filter(slug=slug).first(),
                  _("No organisation has the short name %(slug)s.") % {"slug": slug})


def _visible(queryset: QuerySet[Any], pk: int, absent: str) -> Any:
    """The row with ``pk`` in a policy queryset, or a 404 saying ``absent``."""
    return _found(queryset.filter(pk=pk).first(), absent)


def _get_project(request: HttpRequest, pk: int) -> Project:
    return _visible(policy.projects(viewer(request)), pk,
                    _("No project with this id is visible to you."))


def _get_funder(request: HttpRequest, pk: int) -> Funder:
    return _visible(policy.funders(viewer(request)), pk,
                    _("No funder with this id is visible to you."))


def _shaped_page(request: HttpRequest, response: HttpResponse, page: PageParams,
                 queryset: QuerySet[Any], name: str,
                 shape: Callable[[HttpRequest, Any], dict[str, Any]]) -> dict[str, Any]:
    """One page of a policy queryset, each row shaped for the caller (private fields)."""
    result = paginate(request, response, queryset, page=page, key="pk", name=name)
    result["items"] = [shape(request, item) for item in result["items"]]
    return result


def _registered(request: HttpRequest, payload: Any, create: Callable[..., Any],
                shape: Callable[[HttpRequest, Any], dict[str, Any]]) -> Status:
    """Create a project or funder for the named organisation through its service."""
    fields = payload.dict()
    organisation = _organisation(request, fields.pop("organisation"))
    return Status(201, shape(request, create(signed_in(request), organisation, **fields)))


def _matches_out(ranked: queries.TopMatches) -> dict[str, Any]:
    """The best of the ranked matches with each component's reason as a sentence in the
    request's language and as the kernel's code and values, and how many there are."""
    items = [{"project": int(match.project_id), "funder": int(match.funder_id),
              "name": other.name, "score": match.score, "eligible": match.eligible,
              "components": [{"name": c.name, "fit": c.fit, "weight": c.weight,
                              "reason": explanations.render(c.reason),
                              "reason_message": explanations.as_json(c.reason)}
                             for c in match.components]}
             for other, match in ranked.rows]
    return {"items": items, "total": ranked.total}


MatchLimit = Query(MATCH_LIMIT_DEFAULT, ge=1, le=MATCH_LIMIT_MAX,
                   description="how many of the best matches to return "
                   f"(at most {MATCH_LIMIT_MAX}); `total` counts them all")


@router.get("/projects", response=EconomyProjectPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="economy_projects_list", summary="Digital-development projects")
def list_projects(request: HttpRequest, response: HttpResponse, page: Query[PageParams],
                  country: str = "") -> dict[str, Any]:
    qs = policy.projects(viewer(request))
    if country:
        qs = qs.filter(country=_country(request, country))
    return _shaped_page(request, response, page, qs, "economy-projects", _project_out)


@router.get("/projects/{pk}", response=EconomyProjectOut, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="economy_projects_get", summary="One project")
def get_project(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return _project_out(request, _get_project(request, pk))


@router.post("/projects", response={201: EconomyProjectOut}, auth=SIGNED_IN,
             operation_id="economy_projects_create",
             summary="Register a project (editors of the organisation)")
def create_project(request: HttpRequest, payload: EconomyProjectIn) -> Status:
    return _registered(request, payload, services.create_project, _project_out)


@router.patch("/projects/{pk}", response=EconomyProjectOut, auth=SIGNED_IN,
              operation_id="economy_projects_update", summary="Change a project")
def update_project(request: HttpRequest, payload: EconomyProjectPatch,
                   pk: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    project = _get_project(request, pk)
    services.update_project(signed_in(request), project, **payload.dict(exclude_unset=True))
    return _project_out(request, project)


@router.get("/projects/{pk}/matches", response=EconomyMatchesOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_project_matches",
            summary="The best funders for a project, ranked, with the reasons")
def project_matches(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID),
                    limit: int = MatchLimit) -> dict[str, Any]:
    project = _get_project(request, pk)
    return _matches_out(queries.top_funders_for_project(viewer(request), project, limit))


@router.get("/funders", response=EconomyFunderPage, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="economy_funders_list", summary="Funders of digital development")
def list_funders(request: HttpRequest, response: HttpResponse,
                 page: Query[PageParams]) -> dict[str, Any]:
    return _shaped_page(request, response, page, policy.funders(viewer(request)),
                        "economy-funders", _funder_out)


@router.get("/funders/{pk}", response=EconomyFunderOut, auth=PUBLIC, openapi_extra=PUBLIC_OPENAPI,
            operation_id="economy_funders_get", summary="One funder")
def get_funder(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return _funder_out(request, _get_funder(request, pk))


@router.post("/funders", response={201: EconomyFunderOut}, auth=SIGNED_IN,
             operation_id="economy_funders_create",
             summary="Register a funder (editors of the organisation)")
def create_funder(request: HttpRequest, payload: EconomyFunderIn) -> Status:
    return _registered(request, payload, services.create_funder, _funder_out)


@router.get("/funders/{pk}/matches", response=EconomyMatchesOut, auth=PUBLIC,
            openapi_extra=PUBLIC_OPENAPI, operation_id="economy_funder_matches",
            summary="The best projects for a funder, ranked, with the reasons")
def funder_matches(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_ID),
                   limit: int = MatchLimit) -> dict[str, Any]:
    funder = _get_funder(request, pk)
    return _matches_out(queries.top_projects_for_funder(viewer(request), funder, limit))


# --- Expressions of interest --------------------------------------------------------------


@router.get("/interests", response=EconomyInterestPage, auth=SIGNED_IN,
            operation_id="economy_interests_list",
            summary="Expressions of interest you are party to")
def list_interests(request: HttpRequest, response: HttpResponse,
                   page: Query[PageParams]) -> dict[str, Any]:
    user = signed_in(request)
    return paginate(request, response, policy.interests(user), page=page, key="pk",
                    name=f"economy-interests:{user.pk}")


@router.post("/interests", response={201: EconomyInterestOut}, auth=SIGNED_IN,
             operation_id="economy_interests_create",
             summary="Express interest between a project and a funder (editors of either side)")
def create_interest(request: HttpRequest, payload: EconomyInterestIn) -> Status:
    user = signed_in(request)
    project = _get_project(request, payload.project)
    funder = _get_funder(request, payload.funder)
    score = next((m.score for f, m in queries.funders_for_project(user, project)
                  if f.pk == funder.pk), None)
    interest = services.express_interest(user, project=project, funder=funder,
                                         message=payload.message, score=score)
    return Status(201, interest)


@router.post("/interests/{pk}/answer", response=EconomyInterestOut, auth=SIGNED_IN,
             operation_id="economy_interests_answer",
             summary="Accept, decline or withdraw an expression of interest")
def answer_interest(request: HttpRequest, payload: EconomyInterestAnswerIn,
                    pk: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    user = signed_in(request)
    interest = _visible(policy.interests(user), pk,
                        _("No expression of interest with this id is visible to you."))
    return services.answer_interest(user, interest, payload.status)
