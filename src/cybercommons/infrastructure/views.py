"""Pages of the infrastructure module: thin views that parse, query or call a service, and
render. Maps and charts are drawn on the server; their data is offered as CSV beside them."""

from __future__ import annotations

import uuid
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cybercommons.core import policy as core_policy
from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.charts import csv_text, render_svg
from cybercommons.core.models import Country
from cybercommons.core.tasks import start_tracked
from cybercommons.infrastructure import (
    analysis,
    charts,
    constellations,
    policy,
    queries,
    services,
)
from cybercommons.infrastructure.forms import (
    CandidateForm,
    ImportForm,
    PlanForm,
    ScenarioForm,
    SegmentAddForm,
    SegmentForm,
    VisibilityForm,
)
from cybercommons.infrastructure.kernel.events import NAMED_REGIONS, READY_SCENARIOS
from cybercommons.infrastructure.models import CandidateProject, Dataset, Scenario

CSV_TYPE = "text/csv; charset=utf-8"
# Storms with more trials than this run in the background with a progress page.
BACKGROUND_TRIALS = 5000
PLANS_PER_PAGE = 20
NAMES_PER_PAGE = 50
# Summaries, not lists: the page says how many it shows.
RECENT_IMPORTS = 20
COMPARABLE = 50  # scenarios offered to compare with, newest first


def _csv(header: list[str], rows: Any, name: str) -> HttpResponse:
    response = HttpResponse(csv_text(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _dataset(request: HttpRequest) -> Dataset | None:
    return queries.active_dataset(request.user)


def _require_dataset(request: HttpRequest) -> Dataset:
    dataset = _dataset(request)
    if dataset is None:
        raise Http404(_("No network data has been imported yet."))
    return dataset


def _map_svg(request: HttpRequest, dataset: Dataset, resilience: dict[str, Any],
             highlight: list[str] | None = None) -> Any:
    cables = charts.cable_features(
        policy.cables(request.user).filter(dataset=dataset, is_planned=False)
        .values_list("source_id", "name", "is_planned", "route"))
    positions = [
        (float(lon), float(lat)) for lon, lat in policy.landing_points(request.user)
        .filter(dataset=dataset).values_list("lon", "lat")
        if lon is not None and lat is not None]
    points = [{"lon": lon, "lat": lat} for lon, lat in positions]
    scores = {c: r["score"]["value"] for c, r in resilience["countries"].items()}
    return render_svg(charts.world_map_spec(
        scores, cables, points, title=dataset.name, legend=_("Resilience score (0–100)"),
        highlight=highlight or [],
        focus=charts.regional_focus(positions)))


# --- map, countries, cables ---------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    dataset = _dataset(request)
    context: dict[str, Any] = {"dataset": dataset, "can_import": policy.can_import(request.user)}
    if dataset is not None:
        resilience = analysis.resilience(dataset)
        names = analysis.country_names()
        rows = sorted(({"code": c, "name": names.get(c, c), **r}
                       for c, r in resilience["countries"].items()),
                      key=lambda r: (r["score"]["value"], r["code"]))
        context.update({
            "svg": _map_svg(request, dataset, resilience), "weakest": rows[:25],
            "hubs": resilience["hubs"], "country_count": len(rows),
            "cable_count": dataset.cables.count(),
            "lp_count": dataset.landing_points.count(),
            "datasets": policy.datasets(request.user),
        })
    return render(request, "infrastructure/pages/index.html", context)


@require_GET
def resilience_csv(request: HttpRequest) -> HttpResponse:
    dataset = _require_dataset(request)
    names = analysis.country_names()
    data = analysis.resilience(dataset)["countries"]
    return _csv(["country", "name", "score", "cables", "landing_stations",
                 "international_links", "neighbours", "min_cable_cut", "min_station_cut",
                 "single_points_of_failure", "is_hub"],
                ([c, names.get(c, c), r["score"]["value"], r["cables"], r["landing_stations"],
                  r["international_links"], r["neighbours"], r["min_cable_cut"],
                  r["min_station_cut"], " ".join(r["single_points_of_failure"]), r["is_hub"]]
                 for c, r in sorted(data.items())), "resilience")


@require_GET
def cables_csv(request: HttpRequest) -> HttpResponse:
    dataset = _require_dataset(request)
    rows = queries.cables(request.user, dataset).values_list(
        "source_id", "name", "length_km", "rfs_year", "is_planned")
    return _csv(["id", "name", "length_km", "rfs_year", "is_planned"], rows, "cables")


@require_GET
def landing_points_csv(request: HttpRequest) -> HttpResponse:
    dataset = _require_dataset(request)
    rows = queries.landing_points(request.user, dataset).values_list(
        "source_id", "name", "country_id", "raw_country", "lon", "lat")
    return _csv(["id", "name", "country", "country_in_source", "lon", "lat"], rows,
                "landing-points")


@require_GET
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    country = get_object_or_404(core_policy.countries(request.user), code=code.upper())
    dataset = _require_dataset(request)
    row = queries.country_resilience(dataset, country.code)
    names = analysis.unit_names(dataset)
    cables = list(queries.country_cables(request.user, dataset, country))
    return render(request, "infrastructure/pages/country.html", {
        "country": country, "dataset": dataset, "row": row, "cables": cables,
        "landing_points": queries.landing_points(request.user, dataset, country=country.code),
        "ixps": policy.ixps(request.user).filter(country=country).prefetch_related(
            "facilities"),
        "spofs": [names.get(u, u) for u in (row or {}).get("single_points_of_failure", [])],
        "cable_cut": [names.get(u, u) for u in (row or {}).get("cable_cut", [])],
        "station_cut": [names.get(f"lp:{u}", u) for u in (row or {}).get("station_cut", [])],
        "hubs": analysis.resilience(dataset)["hubs"],
        "score_inputs": _score_inputs(row),
    })


def _score_inputs(row: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The score's inputs with readable names beside the method's own symbols."""
    if not row:
        return []
    labels = {"cable_cut": _("Minimum cable cut"),
              "station_cut": _("Minimum landing-station cut"),
              "neighbours": _("Countries reached directly")}
    weights = row["score"]["weights"]
    return [{"key": key, "label": labels.get(key, key), "value": value,
             "weight": weights.get(key)} for key, value in row["score"]["inputs"].items()]


@require_GET
def cable_list(request: HttpRequest) -> HttpResponse:
    dataset = _require_dataset(request)
    q = request.GET.get("q", "")[:100]
    page = Paginator(queries.cables(request.user, dataset, q=q), 50).get_page(
        request.GET.get("page"))
    return render(request, "infrastructure/pages/cable_list.html",
                  {"page": page, "q": q, "dataset": dataset})


@require_GET
def cable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cable = get_object_or_404(policy.cables(request.user), pk=pk)
    landings = queries.cable_landings(request.user, cable)
    resilience = analysis.resilience(cable.dataset)["countries"]
    names = analysis.country_names()
    dependent = sorted((c, names.get(c, c)) for c, r in resilience.items()
                       if cable.source_id in r["single_points_of_failure"])
    return render(request, "infrastructure/pages/cable.html", {
        "cable": cable, "landings": landings, "dependent": dependent,
        "svg": _cable_map(cable, landings, resilience),
        "segments": cable.segments.all(), "can_edit": policy.can_import(request.user),
    })


def _cable_map(cable: Any, landings: list[Any], resilience: dict[str, Any]) -> Any:
    """The cable's route in red over the resilience map, zoomed on the cable."""
    features = charts.cable_features([(cable.source_id, cable.name, cable.is_planned,
                                       cable.route)])
    positions = [(float(p.lon), float(p.lat)) for p in landings
                 if p.lon is not None and p.lat is not None]
    if not features and not positions:
        return None
    drawn = [(float(x), float(y)) for line in cable.route or [] for x, y, *_rest in line]
    return render_svg(charts.world_map_spec(
        {c: r["score"]["value"] for c, r in resilience.items()}, features,
        [{"lon": lon, "lat": lat} for lon, lat in positions], title=cable.name,
        legend=_("Resilience score (0–100)"), highlight=[cable.source_id],
        focus=_at_least(charts.regional_focus(positions + drawn), 40.0, 25.0)))


def _at_least(box: tuple[float, float, float, float] | None, width: float, height: float
              ) -> tuple[float, float, float, float] | None:
    """Widen a short cable's box (degrees) so its coasts and neighbours show around it."""
    if box is None:
        return None
    west, south, east, north = box
    grow_x, grow_y = max(0.0, width - (east - west)) / 2, max(0.0, height - (north - south)) / 2
    return (west - grow_x, max(-89.0, south - grow_y), east + grow_x, min(89.0, north + grow_y))


@login_required
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    cable = get_object_or_404(policy.cables(request.user), pk=pk)
    segment = get_object_or_404(cable.segments.all(), pk=segment_pk)
    if not policy.can_import(request.user):
        raise PermissionDenied(_("Only site staff may correct segments."))
    form = SegmentForm(request.POST or None,
                       initial={"end_a": segment.end_a, "end_b": segment.end_b})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_segment(request.user, segment, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The segment was corrected."))
            return redirect("infrastructure:cable", pk=cable.pk)
    return render(request, "infrastructure/pages/segment_form.html",
                  {"form": form, "cable": cable, "segment": segment},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def segment_add(request: HttpRequest, pk: int) -> HttpResponse:
    cable = get_object_or_404(policy.cables(request.user), pk=pk)
    if not policy.can_import(request.user):
        raise PermissionDenied(_("Only site staff may add segments."))
    form = SegmentAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_segment(request.user, cable, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The segment was added."))
            return redirect("infrastructure:cable", pk=cable.pk)
    return render(request, "infrastructure/pages/segment_form.html",
                  {"form": form, "cable": cable, "adding": True},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def segment_delete(request: HttpRequest, pk: int, segment_pk: int) -> HttpResponse:
    cable = get_object_or_404(policy.cables(request.user), pk=pk)
    segment = get_object_or_404(cable.segments.all(), pk=segment_pk)
    try:
        services.delete_segment(request.user, segment)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The segment was deleted."))
    return redirect("infrastructure:cable", pk=cable.pk)


# --- satellites ---------------------------------------------------------------------------


@require_GET
def constellation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "infrastructure/pages/constellation_list.html",
                  {"constellations": queries.constellations(request.user)})


def _constellation_view(request: HttpRequest, pk: int
                        ) -> tuple[constellations.ConstellationView, VisibilityForm, int]:
    group = get_object_or_404(policy.constellations(request.user), pk=pk)
    form = VisibilityForm(request.GET or None)
    status = 200
    min_elevation = constellations.DEFAULT_MIN_ELEVATION
    when = timezone.now()
    if request.GET:
        if form.is_valid():
            if form.cleaned_data["min_elevation"] is not None:
                min_elevation = form.cleaned_data["min_elevation"]
            if form.cleaned_data["at"] is not None:
                when = form.cleaned_data["at"].astimezone(UTC)
        else:
            status = 400
    view = constellations.current_view(request.user, group, when, min_elevation)
    return view, form, status


@require_GET
def constellation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view, form, status = _constellation_view(request, pk)
    located = [s.station for s in view.stations
               if s.station.lon is not None and s.station.lat is not None]
    svg = None
    if view.points or located:
        svg = render_svg(charts.orbit_map_spec(
            [{"name": p.name, "lon": p.lon, "lat": p.lat} for p in view.points],
            [{"name": s.name, "lon": s.lon, "lat": s.lat} for s in located],
            title=view.constellation.name, satellite_label=_("Satellite (below it)"),
            station_label=_("Ground station")))
    return render(request, "infrastructure/pages/constellation.html",
                  {"view": view, "form": form, "svg": svg}, status=status)


@require_GET
def constellation_csv(request: HttpRequest, pk: int) -> HttpResponse:
    view, _form, _status = _constellation_view(request, pk)
    rows = [(p.name, round(p.lon, 4), round(p.lat, 4), round(p.alt_km, 1),
             view.when.isoformat()) for p in view.points]
    return _csv(["satellite", "lon", "lat", "altitude_km", "time_utc"], rows,
                f"constellation-{view.constellation.pk}-positions")


# --- scenarios ----------------------------------------------------------------------------


def _result_context(request: HttpRequest, dataset: Dataset, results: dict[str, Any]
                    ) -> dict[str, Any]:
    context: dict[str, Any] = {"results": results}
    if results.get("kind") == "storm":
        rows = [{"country": r["country"], "p": r["p_cut_off"]} for r in results["countries"]
                if r["p_cut_off"] > 0][:30]
        if rows:
            context["chart"] = render_svg(charts.bar_spec(
                rows, x="p", y="country", x_title=_("Probability of being cut off"),
                y_title=_("Country")))
        return context
    rows = [{"country": r["country"], "links_lost": r["links_lost"]}
            for r in results.get("countries", []) if r["links_lost"] > 0][:40]
    if rows:
        context["chart"] = render_svg(charts.bar_spec(
            rows, x="links_lost", y="country", x_title=_("International links lost"),
            y_title=_("Country"), color="#c00000"))
    context["map"] = _map_svg(request, dataset, analysis.resilience(dataset),
                              [c["id"] for c in results.get("cables_cut", [])])
    return context


@require_http_methods(["GET", "POST"])
def scenario_builder(request: HttpRequest) -> HttpResponse:
    dataset = _require_dataset(request)
    form = ScenarioForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "ready": READY_SCENARIOS.values(),
                               "regions": NAMED_REGIONS, "dataset": dataset}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                params = analysis.validate(kind, form.parameters(),
                                           max_trials=analysis.max_trials_for(request.user))
                if form.cleaned_data["save"] or (
                        kind == "storm" and params["trials"] > BACKGROUND_TRIALS):
                    return _save_or_queue(request, form, kind, params)
                results = analysis.run(dataset, kind, params)
            except (ServiceError, PermissionDenied) as error:
                form.add_error(None, getattr(error, "message", str(error)))
            else:
                status = 200
                context.update(_result_context(request, dataset, results))
                context["parameters"] = params
    if request.htmx and status == 400:  # type: ignore[attr-defined]
        # htmx swaps only successful answers; the form with its errors must still show.
        status = 200
    return render(request, "infrastructure/pages/scenario_builder.html", context, status=status)


def _save_or_queue(request: HttpRequest, form: ScenarioForm, kind: str,
                   params: dict[str, Any]) -> HttpResponse:
    user = policy.require_signed_in(request.user)
    title = form.cleaned_data["title"] or _("Untitled scenario")
    if kind == "storm" and params["trials"] > BACKGROUND_TRIALS:
        from cybercommons.infrastructure.tasks import run_scenario

        progress = start_tracked(run_scenario, _("Storm scenario"), owner=user, kind=kind,
                                 parameters=params, user_id=user.pk, title=title,
                                 is_public=form.cleaned_data["is_public"])
        return _go(request, reverse("core:progress", args=[progress.key]))
    scenario = services.save_scenario(user, title=title, kind=kind, parameters=params,
                                      is_public=form.cleaned_data["is_public"])
    return _go(request, reverse("infrastructure:scenario", args=[scenario.public_id]))


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that htmx follows as a whole-page visit."""
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_GET
def ready_run(request: HttpRequest, key: str) -> HttpResponse:
    if key not in READY_SCENARIOS:
        raise Http404(_("No ready scenario has this name."))
    dataset = _require_dataset(request)
    level = request.GET.get("level", "cable")
    try:
        results = analysis.run(dataset, "ready", {"key": key, "level": level})
    except ServiceError as error:
        raise Http404(error.message) from None
    event = READY_SCENARIOS[key]
    return render(request, "infrastructure/pages/scenario_result.html", {
        "title": event.title, "event": event, "level": level, "dataset": dataset,
        "parameters": {"key": key, "level": level}, "kind": "ready",
        **_result_context(request, dataset, results)})


@login_required
@require_POST
def ready_save(request: HttpRequest, key: str) -> HttpResponse:
    if key not in READY_SCENARIOS:
        raise Http404(_("No ready scenario has this name."))
    level = request.POST.get("level", "cable")
    try:
        scenario = services.save_scenario(
            request.user, title=f"{READY_SCENARIOS[key].title} ({level})", kind="ready",
            parameters={"key": key, "level": level},
            is_public=request.POST.get("is_public") == "on")
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("infrastructure:scenarios")
    return redirect("infrastructure:scenario", public_id=scenario.public_id)


def _scenario(request: HttpRequest, public_id: uuid.UUID) -> Scenario:
    scenario = policy.scenarios(request.user).filter(public_id=public_id).first()
    if scenario is None:
        raise Http404(_("No scenario you may see has this address."))
    return scenario


@require_GET
def scenario_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    scenario = _scenario(request, public_id)
    dataset = scenario.dataset or _require_dataset(request)
    return render(request, "infrastructure/pages/scenario_result.html", {
        "scenario": scenario, "title": scenario.title, "dataset": dataset,
        "parameters": scenario.parameters, "kind": scenario.kind,
        "can_change": policy.can_change(request.user, scenario.created_by_id),
        "others": policy.scenarios(request.user).exclude(pk=scenario.pk)[:COMPARABLE],
        "comparable": COMPARABLE,
        **_result_context(request, dataset, scenario.results)})


@require_GET
def scenario_csv(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    scenario = _scenario(request, public_id)
    rows = scenario.results.get("countries", [])
    if scenario.results.get("kind") == "storm":
        return _csv(["country", "name", "p_cut_off", "mean_links_lost", "population"],
                    ([r["country"], r["name"], r["p_cut_off"], r["mean_links_lost"],
                      r["population"]] for r in rows), f"scenario-{scenario.public_id}")
    keys = ["country", "name", "cables_before", "cables_after", "links_before", "links_after",
            "links_lost", "min_cut_before", "min_cut_after", "cut_off", "population"]
    return _csv(keys, ([r.get(k) for k in keys] for r in rows),
                f"scenario-{scenario.public_id}")


@require_GET
def scenario_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(policy.scenarios(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "infrastructure/pages/scenario_list.html", {
        "page": page, "ready": READY_SCENARIOS.values()})


@login_required
@require_POST
def scenario_share(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    scenario = _scenario(request, public_id)
    services.share_scenario(request.user, scenario, request.POST.get("is_public") == "on")
    messages.success(request, _("Saved."))
    return redirect("infrastructure:scenario", public_id=scenario.public_id)


@login_required
@require_POST
def scenario_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    scenario = _scenario(request, public_id)
    services.delete_scenario(request.user, scenario)
    messages.success(request, _("The scenario was deleted."))
    return redirect("infrastructure:scenarios")


@require_GET
def scenario_compare(request: HttpRequest) -> HttpResponse:
    try:
        ids = [uuid.UUID(request.GET.get(k, "")) for k in ("a", "b")]
    except ValueError:
        raise Http404(_("Choose two scenarios to compare.")) from None
    first, second = (_scenario(request, i) for i in ids)
    by_country: dict[str, dict[str, Any]] = {}
    chart_rows = []
    for position, scenario in enumerate((first, second)):
        for row in scenario.results.get("countries", []):
            entry = by_country.setdefault(row["country"], {"country": row["country"],
                                                           "name": row["name"],
                                                           "runs": [None, None]})
            # A storm row has a probability where a cut has links lost.
            entry["runs"][position] = {"value": row.get("links_lost", row.get("p_cut_off")),
                                       "cut_off": bool(row.get("cut_off"))}
            if "links_lost" in row:
                chart_rows.append({"country": row["country"], "scenario": scenario.title,
                                   "links_lost": row["links_lost"]})
    chart = render_svg(charts.compare_spec(chart_rows, [first.title, second.title])
                       ) if chart_rows else None
    return render(request, "infrastructure/pages/scenario_compare.html", {
        "first": first, "second": second, "chart": chart,
        "rows": sorted(by_country.values(), key=lambda r: r["country"])})


# --- planner ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def planner(request: HttpRequest) -> HttpResponse:
    dataset = _dataset(request)
    candidates = policy.candidates(request.user)
    form = PlanForm(request.POST or None, initial={"budget": 100})
    status = 200
    if request.method == "POST":
        user = policy.require_signed_in(request.user)
        status = 400
        chosen = list(candidates.filter(pk__in=[v for v in request.POST.getlist("candidate")
                                                if v.isdigit()]))
        if form.is_valid():
            try:
                run = services.run_plan(user, chosen, budget=form.cleaned_data["budget"],
                                        objective=form.cleaned_data["objective"],
                                        is_public=form.cleaned_data["is_public"])
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                return redirect("infrastructure:plan", public_id=run.public_id)
    return render(request, "infrastructure/pages/planner.html", {
        "dataset": dataset, "candidate_rows": [
            {"pk": c.pk, "name": c.name, "get_kind_display": c.get_kind_display(),
             "cost": c.cost, "links_text": _links_text(c.links or {})} for c in candidates],
        "form": form,
        "candidate_form": CandidateForm(),
        "runs": Paginator(policy.planner_runs(request.user).order_by("-created_at", "-pk"),
                          PLANS_PER_PAGE).get_page(request.GET.get("page")),
    }, status=status)


def _links_text(links: dict[str, Any]) -> str:
    """A candidate's links as people write them: "TO – WS", "TV", "lp:x on trunk y"."""
    if "endpoints" in links:
        return " – ".join(str(e) for e in links["endpoints"])
    if "a" in links or "b" in links:
        return f"{links.get('a', '')} – {links.get('b', '')}"
    if "trunk" in links:
        return _("%(landing)s on %(trunk)s") % {"landing": links.get("landing", ""),
                                                "trunk": links["trunk"]}
    return str(links.get("country", ""))


@login_required
@require_POST
def candidate_create(request: HttpRequest) -> HttpResponse:
    form = CandidateForm(request.POST)
    if form.is_valid():
        try:
            services.create_candidate(
                request.user, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                cost=form.cleaned_data["cost"], links=form.links(),
                description=form.cleaned_data["description"],
                is_public=form.cleaned_data["is_public"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The candidate project was added."))
    else:
        messages.error(request, _("Fill in the name, kind, cost and links."))
    return redirect("infrastructure:planner")


@require_GET
def plan_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    run = policy.planner_runs(request.user).filter(public_id=public_id).first()
    if run is None:
        raise Http404(_("No plan you may see has this address."))
    rows = [{"project": c["name"], "value": c["marginal_value"]}
            for c in run.result.get("chosen", [])]
    chart = render_svg(charts.bar_spec(rows, x="value", y="project",
                                       x_title=_("Marginal value"), y_title=_("Project"))
                       ) if rows else None
    kinds = dict(CandidateProject.Kind.choices)
    chosen = [{**c, "kind_label": kinds.get(c["kind"], c["kind"])}
              for c in run.result.get("chosen", [])]
    objective = dict(PlanForm.base_fields["objective"].choices).get(  # type: ignore[attr-defined]
        run.result.get("objective"), run.result.get("objective"))
    return render(request, "infrastructure/pages/plan.html", {
        "run": run, "chart": chart, "chosen": chosen, "objective": objective})


# --- imports ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    if not policy.can_import(request.user):
        raise PermissionDenied(_("Only site staff may import network data."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        server_path = form.cleaned_data["path"].strip()
        if upload is None and not server_path:
            form.add_error("file", _("Choose a file or give a folder on the server."))
        else:
            user = policy.require_signed_in(request.user)
            if upload is not None:
                folder = Path(settings.DATA_DIR) / "uploads" / "infrastructure"
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / f"{uuid.uuid4().hex}-{Path(upload.name).name}"
                with target.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                path, name, cleanup = str(target), Path(upload.name).name, True
            else:
                path, name, cleanup = server_path, Path(server_path).name, False
            from cybercommons.infrastructure.tasks import import_uploaded

            progress = start_tracked(import_uploaded, _("Importing %(name)s") % {"name": name},
                                     owner=user, kind=form.cleaned_data["kind"], path=path,
                                     name=name, user_id=user.pk,
                                     dataset_slug=form.cleaned_data["dataset"],
                                     cleanup=cleanup,
                                     constellation=form.cleaned_data["constellation"])
            return redirect("core:progress", key=progress.key)
    return render(request, "infrastructure/pages/import.html", {
        "form": form, "runs": policy.import_runs(request.user)[:RECENT_IMPORTS],
        "recent_imports": RECENT_IMPORTS, "datasets": policy.datasets(request.user),
        "unresolved": Paginator(
            policy.unresolved_names(request.user).order_by("source_name", "pk"),
            NAMES_PER_PAGE).get_page(request.GET.get("names")),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def dataset_activate(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = get_object_or_404(policy.datasets(request.user), slug=slug)
    services.activate_dataset(request.user, dataset)
    messages.success(request, _("The maps and analyses now read %(name)s.")
                     % {"name": dataset.name})
    return redirect("infrastructure:import")


# --- the panel on core's country page --------------------------------------------------------


def country_panel(request: HttpRequest, country: Country) -> str | None:
    """Cables, min-cut and single points of failure of the country, for core's page."""
    dataset = queries.active_dataset(request.user)
    if dataset is None:
        return None
    row = queries.country_resilience(dataset, country.code)
    if row is None:
        return None
    names = analysis.unit_names(dataset)
    return render_to_string("infrastructure/partials/country_panel.html", {
        "country": country, "row": row,
        "spofs": [names.get(u, u) for u in row["single_points_of_failure"]],
    }, request=request)
