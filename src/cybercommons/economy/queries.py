"""Reads of the economy module, always through policy: index computations and rankings,
map values, country profiles (series, index steps, affordability, progress, gaps, peers)
and project–funder matches."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from cybercommons.core.models import Country
from cybercommons.core.policy import Viewer
from cybercommons.economy import policy
from cybercommons.economy.importers.store import collector_paused
from cybercommons.economy.kernel import affordability as afford
from cybercommons.economy.kernel import matching, progress
from cybercommons.economy.kernel.composite import (
    IndexDefinition as KernelDefinition,
)
from cybercommons.economy.kernel.composite import (
    IndexResult,
    MissingDataRule,
    Panel,
    compute_index,
    definition_from_dict,
)
from cybercommons.economy.kernel.idi import IDI_2023, IndexBreakdown, explain
from cybercommons.economy.kernel.messages import Message
from cybercommons.economy.kernel.observations import GeoKind
from cybercommons.economy.kernel.observations import Observation as KernelObservation
from cybercommons.economy.kernel.ranking import RankingComparison, compare_rankings, rank_scores
from cybercommons.economy.models import (
    Funder,
    IndexDefinition,
    Indicator,
    Project,
)

INCOME_CODES = {"L": "LIC", "LM": "LMC", "UM": "UMC", "H": "HIC"}
GROUP_FILTERS = {"ldc": "is_ldc", "lldc": "is_lldc", "sids": "is_sids"}


# --- Index definitions and computation ----------------------------------------------------


def index_definition(viewer: Viewer | None, code: str) -> IndexDefinition | None:
    return policy.index_definitions(viewer or _anonymous()).filter(code=code).first()


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def _public() -> Any:
    """Observations as anyone may read them (statistics are public; the rule lives in policy)."""
    return policy.observations(_anonymous())


def kernel_definition(row: IndexDefinition) -> KernelDefinition:
    """The kernel's definition of a stored row (validated again on the way)."""
    return definition_from_dict(row.definition)


def panel_for(definition: KernelDefinition) -> Panel:
    """Every country total of the definition's indicators (and aliases), as one panel.

    Same rule as the kernel's ``Panel.from_observations`` (an indicator's own code wins
    over its aliases, earlier aliases over later ones), done with numpy on the rows the
    database returns: building one record object per row cost more than the index itself.
    """
    import numpy as np

    column_of: dict[str, tuple[int, int]] = {}
    for position, spec in enumerate(definition.indicators):
        column_of[spec.code] = (position, 0)
        for rank, alias in enumerate(spec.aliases, start=1):
            column_of.setdefault(alias, (position, rank))
    ids = dict(policy.indicators(_anonymous()).filter(code__in=list(column_of))
               .values_list("id", "code"))
    empty = Panel((), (), definition.indicator_codes,
                  np.full((0, 0, len(definition.indicators)), np.nan))
    if not ids:
        return empty
    query = _public().filter(
        indicator_id__in=list(ids), breakdown_key="", geo_kind=GeoKind.COUNTRY.value,
    ).values_list("indicator_id", "geo", "year", "value").order_by()
    # The queryset's own SQL, run on a plain cursor: no per-row converters, since these
    # four columns come back from every backend as int, str, int and float. The collector
    # is paused: the rows are many short-lived tuples, none cyclic.
    sql, params = query.query.get_compiler(using=query.db).as_sql()
    with collector_paused(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if not rows:
            return empty
        return _arrange(rows, ids, column_of, definition)


def _arrange(rows: list[tuple[Any, ...]], ids: dict[int, str],
             column_of: dict[str, tuple[int, int]], definition: KernelDefinition) -> Panel:
    import numpy as np

    indicator_ids, geo_codes, years, values = zip(*rows, strict=True)
    # Vectorised from here: numpy sorts the codes in C, where a dict lookup per row in
    # Python cost as much as reading the rows.
    geos, geo_at = np.unique(np.array(geo_codes, dtype=str), return_inverse=True)
    year_list, year_at = np.unique(np.array(years, dtype=np.int64), return_inverse=True)
    known_ids = np.array(sorted(ids), dtype=np.int64)
    column_by_id = np.array([column_of[ids[pk]][0] for pk in known_ids], dtype=np.int64)
    priority_by_id = np.array([column_of[ids[pk]][1] for pk in known_ids], dtype=np.int64)
    id_at = np.searchsorted(known_ids, np.array(indicator_ids, dtype=np.int64))
    column = column_by_id[id_at]
    priority = priority_by_id[id_at]
    cell: Any = (geo_at * len(year_list) + year_at) * len(definition.indicators) + column
    # Sort by cell, then priority: the first row of each cell is the one that wins.
    order = np.lexsort((priority, cell))
    first: Any = np.unique(cell[order], return_index=True)[1]
    chosen = order[first]
    panel = np.full((len(geos), len(year_list), len(definition.indicators)), np.nan)
    panel[geo_at[chosen], year_at[chosen], column[chosen]] = np.array(values)[chosen]
    return Panel(tuple(str(g) for g in geos), tuple(int(y) for y in year_list),
                 definition.indicator_codes, panel)


def compute(row: IndexDefinition) -> IndexResult:
    """The index for every country and year that has data."""
    definition = kernel_definition(row)
    return compute_index(definition, panel_for(definition))


def countries_by_alpha3() -> dict[str, Country]:
    return {c.alpha3: c for c in Country.objects.all()}


@dataclass(frozen=True)
class RankRow:
    rank: float
    country: Country
    score: float
    pillars: tuple[float | None, ...]


@dataclass
class RankingTable:
    index: IndexDefinition
    year: int | None
    years: tuple[int, ...]
    pillar_labels: tuple[str, ...]
    rows: list[RankRow] = field(default_factory=list)
    missing_data_rule: Message = field(default_factory=MissingDataRule().explanation)


def default_year(result: IndexResult) -> int | None:
    """The latest year in which at least half as many countries are scored as in the best
    year: the newest year is often thinly reported."""
    counts = {year: int((~_isnan(result.overall[:, i])).sum())
              for i, year in enumerate(result.years)}
    if not counts or max(counts.values()) == 0:
        return None
    best = max(counts.values())
    return max(year for year, n in counts.items() if n >= best / 2)


def scored_years(result: IndexResult) -> tuple[int, ...]:
    """The years in which at least one country has an overall score: a year offered in a
    form must show something (one indicator reported alone gives a year but no score)."""
    return tuple(year for i, year in enumerate(result.years)
                 if bool((~_isnan(result.overall[:, i])).any()))


def _isnan(values: Any) -> Any:
    import numpy as np

    return np.isnan(values)


def filter_countries(countries: Iterable[Country], *, region: str = "", income: str = "",
                     group: str = "") -> list[Country]:
    """Countries in a UN region (M49 code), income group (L/LM/UM/H) and LDC/LLDC/SIDS."""
    chosen = []
    for country in countries:
        if region and region not in (country.region_code, country.subregion_code):
            continue
        if income and country.income_group != income:
            continue
        if group in GROUP_FILTERS and not getattr(country, GROUP_FILTERS[group]):
            continue
        chosen.append(country)
    return chosen


def ranking(viewer: Viewer | None, row: IndexDefinition, *, year: int | None = None,
            region: str = "", income: str = "", group: str = "",
            result: IndexResult | None = None) -> RankingTable:
    """Countries ranked by the index in one year, among those the filters keep."""
    result = result or compute(row)
    years = scored_years(result)
    year = year if year in years else default_year(result)
    table = RankingTable(index=row, year=year, years=years,
                         pillar_labels=tuple(p.label for p in result.definition.pillars),
                         missing_data_rule=result.missing_data_rule)
    if year is None:
        return table
    scores = result.overall_for_year(year)
    known = countries_by_alpha3()
    kept = {c.alpha3 for c in filter_countries(
        (known[g] for g in scores if g in known), region=region, income=income, group=group)}
    scores = {g: v for g, v in scores.items() if g in kept}
    ranks = rank_scores(scores)
    column = result.years.index(year)
    geo_at = {g: i for i, g in enumerate(result.geos)}
    for geo, rank in sorted(ranks.items(), key=lambda item: (item[1], item[0])):
        pillars = tuple(None if math.isnan(v) else float(v)
                        for v in result.pillars[geo_at[geo], column])
        table.rows.append(RankRow(rank, known[geo], scores[geo], pillars))
    return table


@dataclass
class Comparison:
    a: IndexDefinition
    b: IndexDefinition
    year: int | None
    comparison: RankingComparison | None
    countries: dict[str, Country]


def compare(viewer: Viewer | None, a: IndexDefinition, b: IndexDefinition,
            year: int | None = None) -> Comparison:
    """How the ranking of one year changes from definition ``a`` to ``b``."""
    result_a, result_b = compute(a), compute(b)
    years = sorted(set(result_a.years) & set(result_b.years))
    if year not in years:
        both = [y for y in years if result_a.overall_for_year(y) and result_b.overall_for_year(y)]
        year = both[-1] if both else None
    known = countries_by_alpha3()
    if year is None:
        return Comparison(a, b, None, None, known)
    scores_a = {g: v for g, v in result_a.overall_for_year(year).items() if g in known}
    scores_b = {g: v for g, v in result_b.overall_for_year(year).items() if g in known}
    return Comparison(a, b, year, compare_rankings(scores_a, scores_b), known)


# --- Indicators, maps and series ----------------------------------------------------------


def indicators_with_data(viewer: Viewer) -> list[Indicator]:
    return list(policy.indicators(viewer).annotate(n=Count("observations"))
                .filter(n__gt=0).order_by("code"))


def indicator_years(viewer: Viewer, indicator: Indicator) -> list[int]:
    return sorted(policy.observations(viewer).filter(
        indicator=indicator, breakdown_key="", geo_kind=GeoKind.COUNTRY.value
    ).values_list("year", flat=True).distinct())


def indicator_map(viewer: Viewer, indicator: Indicator, year: int | None
                  ) -> tuple[int | None, dict[str, float]]:
    """Country totals of one indicator in one year (latest with data by default), by alpha-2."""
    qs = policy.observations(viewer).filter(indicator=indicator, breakdown_key="",
                                            geo_kind=GeoKind.COUNTRY.value,
                                            country__isnull=False)
    if year is None:
        year = qs.aggregate(latest=Max("year"))["latest"]
    values = dict(qs.filter(year=year).values_list("country_id", "value"))
    return year, values


def index_map(row: IndexDefinition, year: int | None) -> tuple[int | None, tuple[int, ...],
                                                                dict[str, float]]:
    result = compute(row)
    years = scored_years(result)
    year = year if year in years else default_year(result)
    if year is None:
        return None, years, {}
    known = countries_by_alpha3()
    return year, years, {known[g].code: v for g, v in
                                result.overall_for_year(year).items() if g in known}


def series(viewer: Viewer, country: Country, indicator: Indicator, breakdown_key: str = ""
           ) -> list[tuple[int, float]]:
    return list(policy.observations(viewer).filter(
        indicator=indicator, country=country, breakdown_key=breakdown_key
    ).order_by("year").values_list("year", "value"))


def country_series(viewer: Viewer, country: Country
                   ) -> list[tuple[Indicator, list[tuple[int, float]]]]:
    """Every indicator total the country has, with its yearly values."""
    rows = policy.observations(viewer).filter(country=country, breakdown_key="").order_by(
        "indicator__code", "year").values_list("indicator_id", "year", "value")
    by_indicator: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for pk, year, value in rows:
        by_indicator[pk].append((year, value))
    indicators = policy.indicators(viewer).in_bulk(list(by_indicator))
    return [(indicators[pk], points) for pk, points in by_indicator.items()]


def multi_series(viewer: Viewer, countries: list[Country], indicator: Indicator
                 ) -> list[tuple[Country, int, float]]:
    rows = policy.observations(viewer).filter(
        indicator=indicator, country__in=countries, breakdown_key=""
    ).order_by("country_id", "year").values_list("country_id", "year", "value")
    by_code = {c.code: c for c in countries}
    return [(by_code[code], year, value) for code, year, value in rows]


# --- Country profile ----------------------------------------------------------------------


def _values_by_year(country: Country, codes: Iterable[str]) -> dict[int, dict[str, float]]:
    by_year: dict[int, dict[str, float]] = defaultdict(dict)
    rows = _public().filter(country=country, breakdown_key="",
                            indicator__code__in=list(codes)
                                      ).values_list("indicator__code", "year", "value")
    for code, year, value in rows:
        by_year[year][code] = value
    return by_year


def explain_country(country: Country, definition: KernelDefinition = IDI_2023
                    ) -> tuple[int | None, IndexBreakdown | None]:
    """The index step by step for the country's best-covered recent year."""
    codes = {c for spec in definition.indicators for c in (spec.code, *spec.aliases)}
    by_year = _values_by_year(country, codes)
    if not by_year:
        return None, None

    def covered(year: int) -> int:
        present = by_year[year]
        return sum(1 for spec in definition.indicators
                   if any(c in present for c in (spec.code, *spec.aliases)))

    year = max(by_year, key=lambda y: (covered(y), y))
    values: dict[str, float | None] = dict(by_year[year])
    return year, explain(values, definition)


AFFORDABILITY_SERIES = (("A4AI.1GB.GNI", afford.Basket.ONE_GB),
                        ("A4AI.5GB.GNI", afford.Basket.FIVE_GB))


def affordability(country: Country) -> list[afford.AffordabilityResult]:
    """The A4AI test for the latest year of each price series the country has."""
    results = []
    for code, basket in AFFORDABILITY_SERIES:
        row = _public().filter(country=country, indicator__code=code,
                               breakdown_key="").order_by("-year").first()
        if row is not None:
            results.append(afford.AffordabilityResult(country.alpha3, row.year, basket,
                                                      row.value, afford.THRESHOLD_PERCENT))
    return results


# Progress targets: the ITU 2030 targets under the codes the store holds them with.
PROGRESS_TARGETS: tuple[tuple[str, tuple[str, ...], progress.Target], ...] = (
    ("i99H", ("IT.NET.USER.ZS", "IT_USE_II99"), progress.UMC_2030_TARGETS["i99H"]),
    ("xHH6", ("xHH6",), progress.UMC_2030_TARGETS["xHH6"]),
    ("mobile-data-price", ("A4AI.1GB.GNI",), progress.Target(2.0, higher_is_better=False,
                                                             valid_range=(0.0, math.inf))),
)



@dataclass(frozen=True)
class ProgressRow:
    code: str
    indicator: Indicator
    progress: progress.TargetProgress
    points: list[tuple[int, float]]


def country_progress(viewer: Viewer, country: Country, *,
                     window_years: int | None = progress.DEFAULT_TREND_WINDOW
                     ) -> list[ProgressRow]:
    """Progress to each 2030 target the country has a series for (first stored code wins).

    The trend is fitted on the last ``window_years`` years with data (None: all years);
    ``points`` are the years fitted.
    """
    rows = []
    indicators = {i.code: i for i in policy.indicators(viewer)}
    for code, stored_codes, target in PROGRESS_TARGETS:
        for stored in stored_codes:
            indicator = indicators.get(stored)
            if indicator is None:
                continue
            points = series(viewer, country, indicator)
            if not points:
                continue
            points = progress.within_window(points, window_years)
            result = progress.progress_to_target([y for y, _value in points],
                                                 [v for _year, v in points], target,
                                                 window_years=window_years)
            rows.append(ProgressRow(code, indicator, result, points))
            break
    return rows


@dataclass(frozen=True)
class GapRow:
    indicator: Indicator
    label: str
    breakdown: dict[str, str]
    points: list[tuple[int, float]]


def country_gaps(viewer: Viewer, country: Country) -> list[GapRow]:
    """Gender (male − female) and urban/rural gaps of every series broken down that way."""
    rows = policy.observations(viewer).filter(country=country).exclude(breakdown_key="")
    rows = rows.filter(breakdown_key__regex=r"(^|;)(sex|location)=").select_related("indicator")
    kernel_rows = [KernelObservation(o.geo, GeoKind.COUNTRY, o.year, o.value, o.indicator.code,
                                     o.breakdown, o.indicator.unit) for o in rows]
    indicators = {o.indicator.code: o.indicator for o in rows}
    gaps: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[int, float]]] = defaultdict(list)
    for dimension in (progress.GENDER, progress.URBAN_RURAL):
        for gap in progress.gap_series(kernel_rows, *dimension):
            gaps[(gap.indicator, gap.breakdown_key)].append((gap.year, gap.value))
    return [GapRow(indicators[code], dict(key).get("gap", ""), dict(key), sorted(points))
            for (code, key), points in sorted(gaps.items())]


@dataclass(frozen=True)
class PeerRow:
    label: str
    aggregate: progress.PeerAggregate
    rank: int | None

    @property
    def weighted_mean(self) -> float | None:
        """The population-weighted mean, None (not NaN) when no member has a population."""
        value = self.aggregate.weighted_mean
        return None if math.isnan(value) else value


def peer_groups(country: Country) -> list[tuple[str, list[str]]]:
    """The groups the country belongs to, each as (label, member alpha-3 codes)."""
    everyone = list(Country.objects.all())
    groups = []
    if country.subregion_code:
        groups.append((country.subregion, [c.alpha3 for c in everyone
                                           if c.subregion_code == country.subregion_code]))
    if country.region_code:
        groups.append((country.region, [c.alpha3 for c in everyone
                                        if c.region_code == country.region_code]))
    if country.income_group:
        groups.append((str(country.get_income_group_display()),
                       [c.alpha3 for c in everyone if c.income_group == country.income_group]))
    for flag, label in (("is_ldc", _("Least developed countries")),
                        ("is_lldc", _("Landlocked developing countries")),
                        ("is_sids", _("Small island developing states"))):
        if getattr(country, flag):
            groups.append((label, [c.alpha3 for c in everyone if getattr(c, flag)]))
    return groups


def country_peers(viewer: Viewer, country: Country, indicator: Indicator
                  ) -> tuple[int | None, float | None, list[PeerRow]]:
    """The country's latest value of ``indicator`` against each of its peer groups."""
    own = dict(policy.observations(viewer).filter(country=country, indicator=indicator,
                                                  breakdown_key="").values_list("year", "value"))
    if not own:
        return None, None, []
    # The newest year is often thinly reported: compare in the latest of the country's years
    # in which at least half as many countries report as in the best-covered year.
    coverage = dict(policy.observations(viewer).filter(
        indicator=indicator, breakdown_key="", geo_kind=GeoKind.COUNTRY.value,
        year__in=list(own)).values("year").annotate(n=Count("id")).values_list("year", "n"))
    best = max(coverage.values())
    year = max(y for y in own if coverage.get(y, 0) >= best / 2)
    value = own[year]
    values = dict(policy.observations(viewer).filter(
        indicator=indicator, year=year, breakdown_key="",
        geo_kind=GeoKind.COUNTRY.value).values_list("geo", "value"))
    population = dict(_public().filter(
        indicator__code="SP.POP.TOTL", year=year, breakdown_key="",
        geo_kind=GeoKind.COUNTRY.value).values_list("geo", "value"))
    rows = []
    for label, members in peer_groups(country):
        aggregate = progress.peer_mean(values, members, population or None)
        in_group = sorted((v for g, v in values.items() if g in set(members)),
                          reverse=indicator.higher_is_better)
        rank = in_group.index(value) + 1 if value in in_group else None
        rows.append(PeerRow(label, aggregate, rank))
    return year, value, rows


# --- Matching -----------------------------------------------------------------------------


def _groups_of(country: Country) -> frozenset[str]:
    groups = set()
    for code in (country.region_code, country.subregion_code):
        if code:
            groups.add(f"M49:{int(code)}")
    for flag, label in (("is_ldc", "LDC"), ("is_lldc", "LLDC"), ("is_sids", "SIDS")):
        if getattr(country, flag):
            groups.add(label)
    if country.income_group in INCOME_CODES:
        groups.add(INCOME_CODES[country.income_group])
    return frozenset(groups)


def kernel_project(project: Project) -> matching.Project:
    return matching.Project(
        id=str(project.pk), country=project.country_id, sectors=frozenset(project.sectors),
        sdg_targets=frozenset(project.sdg_targets),
        ask_usd=float(project.ask_usd or project.budget_usd or 0),
        regions=_groups_of(project.country),
        accepts=frozenset(matching.FunderType(t) for t in project.accepts),
        name=project.name)


def kernel_funder(funder: Funder) -> matching.Funder:
    return matching.Funder(
        id=str(funder.pk), type=matching.FunderType(funder.type),
        sectors=frozenset(funder.sectors), sdg_targets=frozenset(funder.sdg_targets),
        countries=frozenset(funder.countries), regions=frozenset(funder.regions),
        excluded=frozenset(funder.excluded),
        ticket_min_usd=float(funder.ticket_min_usd) if funder.ticket_min_usd is not None
        else None,
        ticket_max_usd=float(funder.ticket_max_usd) if funder.ticket_max_usd is not None
        else None,
        name=funder.name)


def funders_for_project(viewer: Viewer, project: Project) -> list[tuple[Funder, matching.Match]]:
    """Funders the viewer can see, ranked for the project, with the kernel's reasons."""
    funders = {str(f.pk): f for f in policy.funders(viewer)}
    ranked = matching.rank_funders(kernel_project(project),
                                   [kernel_funder(f) for f in funders.values()])
    return [(funders[m.funder_id], m) for m in ranked]


def projects_for_funder(viewer: Viewer, funder: Funder) -> list[tuple[Project, matching.Match]]:
    """Projects the viewer can see, ranked for the funder, with the kernel's reasons."""
    projects = {str(p.pk): p for p in policy.projects(viewer)}
    ranked = matching.rank_projects(kernel_funder(funder),
                                    [kernel_project(p) for p in projects.values()])
    return [(projects[m.project_id], m) for m in ranked]


@dataclass(frozen=True)
class TopMatches:
    """The first rows of a ranking of matches, and how many the whole ranking holds."""

    rows: list[tuple[Any, matching.Match]]
    total: int


def top_funders_for_project(viewer: Viewer, project: Project, limit: int) -> TopMatches:
    """The ``limit`` best funders of :func:`funders_for_project`, in its order."""
    ranked = funders_for_project(viewer, project)
    return TopMatches(ranked[:limit], len(ranked))


def top_projects_for_funder(viewer: Viewer, funder: Funder, limit: int) -> TopMatches:
    """The ``limit`` best projects of :func:`projects_for_funder`, in its order."""
    ranked = projects_for_funder(viewer, funder)
    return TopMatches(ranked[:limit], len(ranked))
