"""Pages of the digital-economy observatory: thin views that parse, query or call a
service, and render. Every chart is drawn on the server and has its data as CSV."""

from __future__ import annotations

import uuid
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
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cybercommons.core import policy as core_policy
from cybercommons.core.countries import localized_name
from cybercommons.core.errors import ServiceError
from cybercommons.core.lib.charts import csv_text, render_svg
from cybercommons.core.models import Country, IncomeGroup, Reference
from cybercommons.core.tasks import start_tracked
from cybercommons.economy import charts, explanations, policy, queries, services
from cybercommons.economy.forms import (
    FunderForm,
    ImportForm,
    IndexForm,
    InterestForm,
    LinkForm,
    ProjectForm,
)
from cybercommons.economy.importers.formats import FormatError, parse_column_map
from cybercommons.economy.kernel.idi import IDI_2023
from cybercommons.economy.kernel.progress import DEFAULT_TREND_WINDOW, check_window
from cybercommons.economy.models import ExpressionOfInterest, IndexDefinition, Indicator

MAX_COMPARED = 5
CSV_TYPE = "text/csv; charset=utf-8"
PAGE_SIZE = 50  # projects or funders per page
# A summary, not a list: the page says how many it shows.
RECENT_IMPORTS = 20
MATCHES_PER_PAGE = 50  # of a ranked list of matches, best first
# Any signed-in person may define an index: the overview pages through all of them, and the
# dropdowns of other pages offer the built-in ones and the newest others, up to this many.
INDICES_PER_PAGE = 50
INDEX_CHOICES = 50
STATUS_LABELS = {
    "already_reached": gettext_lazy("target already reached"),
    "on_track": gettext_lazy("on track: reached by the target year at the current pace"),
    "off_track": gettext_lazy("off track: reached after the target year at the current pace"),
    "never": gettext_lazy("not reached at the current pace (flat or moving away)"),
    "insufficient_data": gettext_lazy("too few years of data for a trend"),
}


def _csv(header: list[str], rows: Any, name: str) -> HttpResponse:
    response = HttpResponse(csv_text(header, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _year(request: HttpRequest) -> int | None:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return None


def _name_in_language(countries: Any) -> list[Country]:
    """The countries, each with ``local_name`` set to its name in the page's language."""
    language = get_language() or "en"
    named = list(countries)
    for country in named:
        country.local_name = localized_name(country, language)
    return named


def _index_row(request: HttpRequest, code: str) -> IndexDefinition:
    services.ensure_built_in_indices()
    row = queries.index_definition(request.user, code)
    if row is None:
        raise Http404(_("No index has this code."))
    return row


def _index_choices(request: HttpRequest, *selected: str) -> dict[str, Any]:
    """The indices an index dropdown offers, and whether some were left out.

    The built-in indices come first, then the most recently defined, up to ``INDEX_CHOICES``;
    the ones already selected (``selected`` codes) are always offered so the form shows what
    the page shows. The page links to the full list when some were left out.
    """
    visible = policy.index_definitions(request.user)
    rows = list(visible.order_by("-built_in", "-created_at", "-pk")[:INDEX_CHOICES + 1])
    capped = len(rows) > INDEX_CHOICES
    rows = rows[:INDEX_CHOICES]
    missing = set(selected) - {row.code for row in rows}
    if missing:
        rows += list(visible.filter(code__in=missing))
    rows.sort(key=lambda row: (not row.built_in, row.name, row.pk))
    return {"indices": rows, "indices_capped": capped, "index_choices": INDEX_CHOICES}


# --- Overview ----------------------------------------------------------------------------


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    services.ensure_built_in_indices()
    indices = policy.index_definitions(request.user).order_by("-built_in", "name", "pk")
    return render(request, "economy/pages/overview.html", {
        "indicators": queries.indicators_with_data(request.user),
        "indices": Paginator(indices, INDICES_PER_PAGE).get_page(request.GET.get("indices")),
        "can_import": policy.can_import(request.user),
    })


# --- World map ----------------------------------------------------------------------------


DEFAULT_LAYERS = ("index:itu-idi-2023", "index:open-connectivity",
                  "indicator:IT.NET.USER.ZS")


def _default_layer(request: HttpRequest) -> str:
    """The first of the default layers that has data (the IDI needs data few files carry)."""
    for layer in DEFAULT_LAYERS:
        kind, _sep, code = layer.partition(":")
        if kind == "index":
            row = _index_row(request, code)
            if queries.index_map(row, None)[2]:
                return layer
        elif policy.observations(request.user).filter(indicator__code=code).exists():
            return layer
    return DEFAULT_LAYERS[0]


def _map_layer(request: HttpRequest) -> tuple[str, str, Indicator | IndexDefinition]:
    layer = request.GET.get("layer") or _default_layer(request)
    kind, _sep, code = layer.partition(":")
    if kind == "indicator":
        indicator = policy.indicators(request.user).filter(code=code).first()
        if indicator is None:
            raise Http404(_("No indicator has this code."))
        return layer, kind, indicator
    return layer, "index", _index_row(request, code or "itu-idi-2023")


def _map_data(request: HttpRequest) -> dict[str, Any]:
    layer, kind, obj = _map_layer(request)
    if isinstance(obj, Indicator):
        years = queries.indicator_years(request.user, obj)
        # A year carried over from another layer falls back to this one's latest.
        wanted = _year(request)
        year, values = queries.indicator_map(request.user, obj,
                                             wanted if wanted in years else None)
        title, unit, reverse_scale = obj.name, obj.unit, not obj.higher_is_better
    else:
        year, years_tuple, values = queries.index_map(obj, _year(request))
        years, title, unit, reverse_scale = list(years_tuple), obj.name, _("score 0–100"), False
    return {"layer": layer, "kind": kind, "obj": obj, "year": year, "years": years,
            "values": values, "title": title, "unit": unit, "reverse": reverse_scale}


@require_GET
def world_map(request: HttpRequest) -> HttpResponse:
    data = _map_data(request)
    svg = render_svg(charts.world_map(
        data["values"], title=f"{data['title']} ({data['year'] or '—'})", legend=data["unit"],
        reverse=data["reverse"])) if data["values"] else None
    shown = data["obj"].code if data["kind"] == "index" else ""
    context = {**data, "svg": svg,
               "indicators": queries.indicators_with_data(request.user),
               **_index_choices(request, shown),
               "countries": len(data["values"])}
    template = ("economy/partials/map.html" if request.htmx  # type: ignore[attr-defined]
                else "economy/pages/map.html")
    return render(request, template, context)


@require_GET
def world_map_csv(request: HttpRequest) -> HttpResponse:
    data = _map_data(request)
    names = dict(Country.objects.values_list("code", "name"))
    rows = [(code, names.get(code, ""), data["year"], value)
            for code, value in sorted(data["values"].items())]
    return _csv(["country", "name", "year", "value"], rows, "map")


# --- Rankings and index definitions -------------------------------------------------------


def _ranking_filters(request: HttpRequest) -> dict[str, Any]:
    return {"region": request.GET.get("region", "")[:3],
            "income": request.GET.get("income", "")[:2],
            "group": request.GET.get("group", "")[:4]}


@require_GET
def rankings(request: HttpRequest) -> HttpResponse:
    row = _index_row(request, request.GET.get("index", "itu-idi-2023"))
    filters = _ranking_filters(request)
    table = queries.ranking(request.user, row, year=_year(request), **filters)
    if not request.GET.get("index") and not table.rows:
        # Without the IDI's survey and price data, start from the open-data index.
        row = _index_row(request, "open-connectivity")
        table = queries.ranking(request.user, row, year=_year(request), **filters)
    _name_in_language(r.country for r in table.rows)
    regions = (Country.objects.exclude(region_code="").values_list("region_code", "region")
               .distinct().order_by("region"))
    context = {"table": table, "filters": filters, **_index_choices(request, row.code),
               "regions": regions, "incomes": IncomeGroup.choices,
               "query": request.GET.urlencode(),
               "missing_rule": explanations.render(table.missing_data_rule)}
    template = ("economy/partials/ranking_table.html" if request.htmx  # type: ignore[attr-defined]
                else "economy/pages/rankings.html")
    return render(request, template, context)


@require_GET
def rankings_csv(request: HttpRequest) -> HttpResponse:
    row = _index_row(request, request.GET.get("index", "itu-idi-2023"))
    table = queries.ranking(request.user, row, year=_year(request), **_ranking_filters(request))
    header = ["rank", "country", "name", "year", "score", *table.pillar_labels]
    rows = [(r.rank, r.country.code, r.country.name, table.year, round(r.score, 3),
             *[None if p is None else round(p, 3) for p in r.pillars]) for r in table.rows]
    return _csv(header, rows, f"ranking-{row.code}-{table.year}")


@require_GET
def rank_compare(request: HttpRequest) -> HttpResponse:
    a = _index_row(request, request.GET.get("a", "itu-idi-2023"))
    b = _index_row(request, request.GET.get("b", "open-connectivity"))
    result = queries.compare(request.user, a, b, _year(request))
    if request.GET.get("format") == "csv":
        rows = [] if result.comparison is None else [
            (s.geo, result.countries[s.geo].name, s.rank_a, s.rank_b, s.shift)
            for s in result.comparison.shifts]
        return _csv(["alpha3", "name", f"rank_{a.code}", f"rank_{b.code}", "places_gained"],
                    rows, f"compare-{a.code}-{b.code}")
    shifts = result.comparison.largest_moves(25) if result.comparison else []
    countries = {c.alpha3: c for c in _name_in_language(
        result.countries[s.geo] for s in shifts if s.geo in result.countries)}
    moves = [(s, countries.get(s.geo)) for s in shifts]
    return render(request, "economy/pages/rank_compare.html", {
        "result": result, "moves": moves, **_index_choices(request, a.code, b.code),
        "query": request.GET.urlencode(),
    })


@require_GET
def index_detail(request: HttpRequest, code: str) -> HttpResponse:
    row = _index_row(request, code)
    definition = queries.kernel_definition(row)
    return render(request, "economy/pages/index_detail.html", {
        "row": row, "definition": definition,
        "missing_rule": explanations.render(definition.missing.explanation()),
        "unconfirmed": [i for i in definition.indicators if not i.goalposts_confirmed],
    })


@login_required
@require_http_methods(["GET", "POST"])
def index_create(request: HttpRequest) -> HttpResponse:
    form = IndexForm(request.POST or None)
    reasons: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            row = services.define_index(request.user, form.definition())
        except services.IndexRefused as error:
            reasons = explanations.rendered_list(error.problems)
        except ServiceError as error:
            reasons = [error.message]
        else:
            messages.success(request, _("The index was defined. Compare its ranking below."))
            return redirect(reverse("economy:rank-compare") + f"?a=itu-idi-2023&b={row.code}")
    return render(request, "economy/pages/index_form.html", {"form": form, "reasons": reasons},
                  status=400 if request.method == "POST" else 200)


# --- Country profile ----------------------------------------------------------------------


def _country(request: HttpRequest, code: str) -> Country:
    return get_object_or_404(core_policy.countries(request.user), code=code.upper())


@require_GET
def country_profile(request: HttpRequest, code: str) -> HttpResponse:
    country = _country(request, code)
    series = [
        {"indicator": indicator, "points": points, "latest": points[-1],
         "svg": render_svg(charts.line_chart(points, unit=indicator.unit, width=180,
                                             height=80))}
        for indicator, points in queries.country_series(request.user, country)
    ]
    year, breakdown = queries.explain_country(country)
    window, window_error = _trend_window(request)
    progress_rows = []
    for item in queries.country_progress(request.user, country, window_years=window):
        trend = item.progress.trend
        projection = []
        if trend is not None and item.progress.latest_year is not None:
            low, high = item.progress.target.valid_range
            projection = [(y, min(max(trend.value_at(y), low), high))
                          for y in (item.points[0][0], item.progress.target.year)]
        progress_rows.append({"row": item, "status": STATUS_LABELS.get(item.progress.status, ""),
                              "svg": render_svg(charts.line_chart(
            item.points, unit=item.indicator.unit, target=item.progress.target.value,
            projection=projection))})
    gaps = [{"gap": gap, "svg": render_svg(charts.line_chart(gap.points,
                                                              unit=gap.indicator.unit))}
            for gap in queries.country_gaps(request.user, country)]
    peer_indicator = policy.indicators(request.user).filter(
        code=request.GET.get("peer", "IT.NET.USER.ZS")).first()
    peer_year = peer_value = None
    peers: list[queries.PeerRow] = []
    if peer_indicator is not None:
        peer_year, peer_value, peers = queries.country_peers(request.user, country,
                                                             peer_indicator)
    return render(request, "economy/pages/country.html", {
        "country": country, "country_name": localized_name(country, get_language() or "en"),
        "missing_rule": explanations.render(IDI_2023.missing.explanation()),
        "series": series, "explain_year": year, "breakdown": breakdown,
        "affordability": queries.affordability(country), "progress_rows": progress_rows,
        "gaps": gaps, "peer_indicator": peer_indicator, "peer_year": peer_year,
        "peer_value": peer_value, "peers": peers,
        "peer_choices": queries.indicators_with_data(request.user),
        "window": window, "default_window": DEFAULT_TREND_WINDOW, "window_error": window_error,
    })


def _trend_window(request: HttpRequest) -> tuple[int | None, str]:
    """The trend window asked for (``?window=15``, ``?window=all``), or the default with
    the reason a bad value was refused."""
    raw = request.GET.get("window", "").strip()
    if not raw:
        return DEFAULT_TREND_WINDOW, ""
    if raw.lower() == "all":
        return None, ""
    try:
        return check_window(int(raw)), ""
    except ValueError:
        return DEFAULT_TREND_WINDOW, _(
            "The trend window must be a whole number of years, at least 2, or “all”; "
            "%(value)s was ignored.") % {"value": repr(raw[:20])}


@require_GET
def country_csv(request: HttpRequest, code: str, what: str) -> HttpResponse:
    """The data of one chart of a country page: a series, a gap or the index steps."""
    country = _country(request, code)
    if what == "idi":
        year, breakdown = queries.explain_country(country)
        if breakdown is None:
            raise Http404(_("No index data for this country."))
        rows: list[tuple[Any, ...]] = [
            (s.code, s.label, s.pillar, year, s.raw, s.worst, s.best, s.direction,
                 s.uncapped_score, s.score, s.weight) for s in breakdown.indicators]
        return _csv(["indicator", "label", "pillar", "year", "raw", "worst", "best",
                     "direction", "uncapped_score", "score", "weight"], rows,
                    f"idi-{country.code}")
    indicator = policy.indicators(request.user).filter(code=request.GET.get("indicator", ""))
    found = indicator.first()
    if found is None:
        raise Http404(_("No indicator has this code."))
    if what == "gap":
        gaps = [g for g in queries.country_gaps(request.user, country)
                if g.indicator.pk == found.pk]
        rows = [(found.code, g.label, "; ".join(f"{k}={v}" for k, v in g.breakdown.items()),
                 y, v) for g in gaps for y, v in g.points]
        return _csv(["indicator", "gap", "breakdown", "year", "value"], rows,
                    f"gap-{country.code}-{found.code}")
    rows = [(country.code, found.code, y, v) for y, v in queries.series(request.user, country,
                                                                        found)]
    return _csv(["country", "indicator", "year", "value"], rows,
                f"{country.code}-{found.code}")


@require_GET
def compare_countries(request: HttpRequest) -> HttpResponse:
    codes = [c.upper() for c in request.GET.getlist("country") if c.strip()][:MAX_COMPARED]
    countries = _name_in_language(core_policy.countries(request.user).filter(code__in=codes))
    indicators = queries.indicators_with_data(request.user)
    indicator = policy.indicators(request.user).filter(
        code=request.GET.get("indicator", "IT.NET.USER.ZS")).first()
    rows = queries.multi_series(request.user, countries, indicator) if indicator else []
    if request.GET.get("format") == "csv":
        return _csv(["country", "name", "year", "value"],
                    [(c.code, c.name, y, v) for c, y, v in rows], "comparison")
    names = {c.pk: getattr(c, "local_name", c.name) for c in countries}
    svg = render_svg(charts.multi_line_chart([(names[c.pk], y, v) for c, y, v in rows],
                                             unit=indicator.unit if indicator else "")
                     ) if rows else None
    return render(request, "economy/pages/compare.html", {
        "countries": countries,
        "all_countries": sorted(_name_in_language(core_policy.countries(request.user)),
                                key=lambda c: c.local_name),
        "selected": codes, "indicators": indicators, "indicator": indicator, "svg": svg,
        "max": MAX_COMPARED, "too_many": len(request.GET.getlist("country")) > MAX_COMPARED,
        "query": request.GET.urlencode(),
    })


def country_panel(request: HttpRequest, country: Country) -> str | None:
    """A few headline figures for core's country page, with a link to the profile."""
    year, breakdown = queries.explain_country(country)
    headline = []
    for code in ("IT.NET.USER.ZS", "IT.CEL.SETS.P2", "IT.NET.BBND.P2"):
        indicator = policy.indicators(request.user).filter(code=code).first()
        if indicator is None:
            continue
        points = queries.series(request.user, country, indicator)
        if points:
            headline.append({"indicator": indicator, "year": points[-1][0],
                             "value": points[-1][1]})
    if not headline and breakdown is None:
        return None
    return render_to_string("economy/partials/country_panel.html", {
        "country": country, "headline": headline, "breakdown": breakdown, "year": year,
    }, request=request)


# --- Imports ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    if not policy.can_import(request.user):
        raise PermissionDenied(_("Only site staff may import indicator files."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        column_map = form.cleaned_data["column_map"].strip()
        try:
            if column_map:
                parse_column_map(column_map)
        except FormatError as error:
            form.add_error("column_map", str(error))
        else:
            upload = form.cleaned_data["file"]
            # A folder per upload keeps the file's own name, which DDF files are read by.
            folder = Path(settings.DATA_DIR) / "uploads" / "economy" / uuid.uuid4().hex
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / Path(upload.name).name
            with target.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            from cybercommons.economy.tasks import import_uploaded_file

            user = core_policy.require_signed_in(request.user)
            progress = start_tracked(import_uploaded_file, _("Importing %(name)s") % {
                "name": upload.name}, owner=user, kind=form.cleaned_data["kind"],
                path=str(target), name=Path(upload.name).name, user_id=user.pk,
                column_map=column_map)
            return redirect("core:progress", key=progress.key)
    return render(request, "economy/pages/import.html", {
        "form": form, "runs": policy.import_runs(request.user).order_by(
            "-started_at", "-pk")[:RECENT_IMPORTS],
        "recent_imports": RECENT_IMPORTS,
    }, status=400 if request.method == "POST" else 200)


# --- Projects, funders, matches and interests ---------------------------------------------


def _interest_rows(request: HttpRequest, interests: Any
                   ) -> list[tuple[ExpressionOfInterest, list[str]]]:
    """Each expression of interest with the answers this person may give to it."""
    return [(interest, policy.answers_allowed(request.user, interest))
            for interest in interests.select_related("project", "funder",
                                                     "project__organisation",
                                                     "funder__organisation")]


def _editable_orgs(request: HttpRequest) -> Any:
    memberships = policy.editable_organisations(request.user)
    return core_policy.organisations(request.user).filter(
        pk__in=memberships.values("organisation_id"))


def _page(request: HttpRequest, rows: Any) -> Any:
    """One page of a list of projects or funders, by name; the key orders equal names."""
    return Paginator(rows.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    projects = policy.projects(request.user)
    if request.GET.get("country"):
        projects = projects.filter(country_id=request.GET["country"].upper()[:2])
    return render(request, "economy/pages/project_list.html",
                  {"page": _page(request, projects)})


def _project(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(policy.projects(request.user), pk=pk)


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    links = Reference.objects.filter(source_module="economy", source_kind="project",
                                     source_key=str(project.pk))
    return render(request, "economy/pages/project_detail.html", {
        "project": project,
        "private": policy.sees_private_project_fields(request.user, project),
        "can_edit": policy.can_edit_project(request.user, project),
        "interests": _interest_rows(request, policy.interests(request.user).filter(
            project=project)),
        "links": links, "link_form": LinkForm(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    organisations = _editable_orgs(request)
    form = ProjectForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        organisation = fields.pop("organisation")
        try:
            project = services.create_project(request.user, organisation, **fields)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The project was registered."))
            return redirect("economy:project-detail", pk=project.pk)
    return render(request, "economy/pages/project_form.html",
                  {"form": form, "has_orgs": organisations.exists()},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    if not policy.can_edit_project(request.user, project):
        raise PermissionDenied(_("Only the organisation's editors may change this project."))
    initial = {f: getattr(project, f) for f in services.PROJECT_FIELDS}
    for key in ("sectors", "sdg_targets"):
        initial[key] = ", ".join(initial[key])
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_project(request.user, project, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("economy:project-detail", pk=project.pk)
    return render(request, "economy/pages/project_form.html",
                  {"form": form, "project": project, "has_orgs": True},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def project_link(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.link_infrastructure_project(request.user, project, form.cleaned_data["key"])
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The infrastructure project was linked."))
    return redirect("economy:project-detail", pk=project.pk)


def _ranked_page(request: HttpRequest, ranked: list[Any]) -> Any:
    """One page of a ranked list of matches. The ranking is the kernel's, whole and
    deterministic (equal scores are ordered by id), so pages neither overlap nor skip."""
    return Paginator(ranked, MATCHES_PER_PAGE).get_page(request.GET.get("page"))


@require_GET
def project_matches(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(request, "economy/pages/matches.html", {
        "subject": project, "kind": "project",
        "page": _ranked_page(request, queries.funders_for_project(request.user, project)),
        "can_act": policy.can_edit_project(request.user, project),
        # One expression of interest per pair and direction: no second form for a pair.
        "already": set(policy.interests(request.user).filter(project=project)
                       .values_list("funder_id", flat=True)),
    })


@require_GET
def funder_list(request: HttpRequest) -> HttpResponse:
    return render(request, "economy/pages/funder_list.html",
                  {"page": _page(request, policy.funders(request.user))})


def _funder(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(policy.funders(request.user), pk=pk)


@require_GET
def funder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    funder = _funder(request, pk)
    return render(request, "economy/pages/funder_detail.html", {
        "funder": funder, "private": policy.sees_private_funder_fields(request.user, funder),
        "can_edit": policy.can_edit_funder(request.user, funder),
        "interests": _interest_rows(request, policy.interests(request.user).filter(
            funder=funder)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def funder_create(request: HttpRequest) -> HttpResponse:
    organisations = _editable_orgs(request)
    form = FunderForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        organisation = fields.pop("organisation")
        try:
            funder = services.create_funder(request.user, organisation, **fields)
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The funder was registered."))
            return redirect("economy:funder-detail", pk=funder.pk)
    return render(request, "economy/pages/funder_form.html",
                  {"form": form, "has_orgs": organisations.exists()},
                  status=400 if request.method == "POST" else 200)


@require_GET
def funder_matches(request: HttpRequest, pk: int) -> HttpResponse:
    funder = _funder(request, pk)
    return render(request, "economy/pages/matches.html", {
        "subject": funder, "kind": "funder",
        "page": _ranked_page(request, queries.projects_for_funder(request.user, funder)),
        "can_act": policy.can_edit_funder(request.user, funder),
        "already": set(policy.interests(request.user).filter(funder=funder)
                       .values_list("project_id", flat=True)),
    })


@login_required
@require_GET
def interest_list(request: HttpRequest) -> HttpResponse:
    return render(request, "economy/pages/interests.html",
                  {"interests": _interest_rows(request, policy.interests(request.user))})


@login_required
@require_POST
def interest_create(request: HttpRequest) -> HttpResponse:
    form = InterestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a project and a funder."))
        return redirect("economy:interests")
    project = _project(request, form.cleaned_data["project"])
    funder = _funder(request, form.cleaned_data["funder"])
    score = next((m.score for f, m in queries.funders_for_project(request.user, project)
                  if f.pk == funder.pk), None)
    try:
        services.express_interest(request.user, project=project, funder=funder,
                                  message=form.cleaned_data["message"], score=score)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your interest was sent."))
    return redirect("economy:interests")


@login_required
@require_POST
def interest_answer(request: HttpRequest, pk: int) -> HttpResponse:
    interest = get_object_or_404(policy.interests(request.user), pk=pk)
    status = request.POST.get("status", "")
    if status not in ExpressionOfInterest.Status.values:
        messages.error(request, _("Choose an answer."))
    else:
        try:
            services.answer_interest(request.user, interest, status)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer was recorded."))
    return redirect("economy:interests")
