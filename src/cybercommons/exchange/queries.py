"""Reads of the exchange module, always through policy: the work list and cross-language
search with facets, work and exhibition pages, the moderation queue."""

from __future__ import annotations

import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, QuerySet, When
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from cybercommons.core.models import Country
from cybercommons.exchange import policy
from cybercommons.exchange.kernel import licences
from cybercommons.exchange.kernel import text as text_kernel
from cybercommons.exchange.models import (
    CaseStatus,
    Exhibition,
    ModerationCase,
    SearchEntry,
    Work,
    WorkKind,
    WorkText,
)

MAX_QUERY_LENGTH = 200


@dataclass
class Filters:
    q: str = ""
    language: str = ""
    country: str = ""
    kind: str = ""
    licence: str = ""
    century: int | None = None


@dataclass
class Facet:
    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    works: QuerySet[Work]
    terms: list[str]
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    #: Matches counted up to COUNT_CAP; beyond it, "more than COUNT_CAP".
    total: int = 0
    total_is_exact: bool = True
    #: True when the facets were counted over the first FACET_SAMPLE matches only.
    facets_sampled: bool = False


#: A query matching more works than this is answered "more than 10,000": counting every
#: match of a very common word costs time in proportion to the matches, and nobody pages
#: that far. Facets are then counted over a sample of that size.
COUNT_CAP = 10_000
FACET_SAMPLE = 10_000


def matching_sql(terms: list[str]) -> tuple[str, list[Any]]:
    """SQL selecting the ids of works with a text that contains every term (any language).

    SQLite answers from the FTS5 table, PostgreSQL from the GIN index on the tsvector of the
    same terms; both use the kernel's terms so that queries meet documents on equal terms.
    """
    if connection.vendor == "postgresql":
        return ("SELECT work_id FROM exchange_searchentry WHERE "
                "to_tsvector('simple'::regconfig, terms) @@ "
                "plainto_tsquery('simple'::regconfig, %s)", [" ".join(terms)])
    return ("SELECT e.work_id FROM exchange_search_fts f JOIN exchange_searchentry e "
            "ON e.id = f.rowid WHERE exchange_search_fts MATCH %s",
            [text_kernel.fts5_match_expression(terms)])


def _century_range(century: int) -> tuple[int, int]:
    if century > 0:
        return (century - 1) * 100 + 1, century * 100
    # BCE: century -1 holds -100 to 0 (year 0 counts as 1 BCE), century -2 holds -200 to -101.
    return century * 100, 0 if century == -1 else century * 100 + 99


def _filtered(viewer: policy.Viewer, filters: Filters, terms: list[str]) -> QuerySet[Work]:
    qs = policy.works(viewer)
    if terms:
        sql, params = matching_sql(terms)
        # The SQL is fixed text; user input travels only as a bound parameter.
        qs = qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611
    if filters.language:
        qs = qs.filter(pk__in=WorkText.objects.filter(language=filters.language)
                       .values("work_id"))
    if filters.country:
        qs = qs.filter(country_id=filters.country.upper())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.licence:
        qs = qs.filter(licence=filters.licence)
    if filters.century is not None:
        low, high = _century_range(filters.century)
        qs = qs.filter(year_start__gte=low, year_start__lte=high)
    return qs


def facets(qs: QuerySet[Work]) -> dict[str, list[Facet]]:
    """Counts of the result set by language, country, type, licence and century.

    Two queries whatever the number of facets: one groups the matching works by every
    combination of (country, type, licence, century) — a few thousand rows at most — and
    the counts per facet are summed from it; the other counts works per language of their
    texts. Each query evaluates the full-text match once.
    """
    century = Case(
        When(year_start__gt=0, then=(F("year_start") - 1) / 100 + 1),
        default=-((0 - F("year_start") - 1) / 100 + 1),
        output_field=IntegerField(),
    )
    combos = (qs.order_by().annotate(century_bucket=century)
              .values_list("country_id", "kind", "licence", "century_bucket")
              .annotate(n=Count("pk")))
    countries: Counter[str] = Counter()
    kinds_count: Counter[str] = Counter()
    licences_count: Counter[str] = Counter()
    centuries: Counter[int] = Counter()
    for country, kind, licence, bucket, n in combos:
        if country:
            countries[country] += n
        kinds_count[kind] += n
        licences_count[licence] += n
        if bucket is not None:  # works without a start year have no century
            centuries[bucket] += n
    result: dict[str, list[Facet]] = {}
    languages = dict(settings.LANGUAGES)
    by_language = (WorkText.objects.filter(work_id__in=qs.values("pk")).values("language")
                   .annotate(n=Count("work_id", distinct=True)).order_by("-n", "language"))
    result["language"] = [Facet(r["language"], str(languages.get(r["language"], r["language"])),
                                r["n"]) for r in by_language]
    top = countries.most_common(30)
    names = dict(Country.objects.filter(code__in=[c for c, _n in top])
                 .values_list("code", "name"))
    result["country"] = sorted((Facet(c, names.get(c, c), n) for c, n in top),
                               key=lambda f: (-f.count, f.label))
    kinds = dict(WorkKind.choices)
    result["kind"] = sorted((Facet(k, str(kinds.get(k, k)), n) for k, n in kinds_count.items()),
                            key=lambda f: (-f.count, f.value))
    result["licence"] = sorted((Facet(code, _licence_label(code), n)
                                for code, n in licences_count.items()),
                               key=lambda f: (-f.count, f.value))
    result["century"] = [Facet(str(c), century_label(c), n) for c, n in sorted(centuries.items())]
    return result


def century_label(century: int) -> str:
    """"18th century", "2nd century BCE" (negative centuries are before the common era)."""
    from django.utils.translation import gettext as _

    n = abs(century)
    if n % 100 in (11, 12, 13) or n % 10 not in (1, 2, 3):
        label = _("%(n)dth century") % {"n": n}
    else:
        label = {1: _("%(n)dst century"), 2: _("%(n)dnd century"),
                 3: _("%(n)drd century")}[n % 10] % {"n": n}
    return label if century > 0 else _("%(century)s BCE") % {"century": label}


def _licence_label(code: str) -> str:
    try:
        return licences.get_licence(code).label
    except licences.LicenceError:
        return code


def _with_texts(qs: QuerySet[Work]) -> QuerySet[Work]:
    return qs.select_related("organisation", "country").prefetch_related(
        Prefetch("texts", queryset=WorkText.objects.order_by("-is_primary", "language")),
        "media")


def search(viewer: policy.Viewer, filters: Filters, *, with_facets: bool = True) -> SearchResults:
    """Works matching the query in any of their languages, newest first, with facets."""
    terms = text_kernel.query_terms(filters.q[:MAX_QUERY_LENGTH]) if filters.q.strip() else []
    qs = _filtered(viewer, filters, terms)
    results = SearchResults(_with_texts(qs.order_by("-created_at", "-pk")), terms)
    counted = qs.order_by().values("pk")[:COUNT_CAP + 1].count()
    results.total = min(counted, COUNT_CAP)
    results.total_is_exact = counted <= COUNT_CAP
    if with_facets:
        if results.total_is_exact:
            results.facets = facets(qs)
        else:
            sample = Work.objects.filter(pk__in=qs.order_by().values("pk")[:FACET_SAMPLE])
            results.facets = facets(sample)
            results.facets_sampled = True
    return results


class CappedPaginator(Paginator):
    """A paginator that takes the capped total of a search instead of counting again."""

    def __init__(self, results: SearchResults, per_page: int) -> None:
        super().__init__(results.works, per_page)
        self._total = results.total

    @cached_property
    def count(self) -> int:
        return self._total


def matched_languages(work_ids: list[int], terms: list[str]) -> dict[int, list[str]]:
    """For each work, the languages whose text matched the query (to show 'found in …')."""
    if not terms or not work_ids:
        return {}
    sql, params = matching_sql(terms)
    sql = sql.replace("SELECT work_id", "SELECT id").replace("SELECT e.work_id", "SELECT e.id")
    found: dict[int, list[str]] = {}
    rows = SearchEntry.objects.filter(work_id__in=work_ids,
                                      pk__in=RawSQL(sql, params))  # noqa: S611
    for work_id, language in rows.values_list("work_id", "language"):
        found.setdefault(work_id, []).append(language)
    return found


def text_for(work: Work, language: str) -> WorkText | None:
    """The work's text in ``language``, else its original."""
    texts = list(work.texts.all())
    return next((t for t in texts if t.language == language), None) or \
        next((t for t in texts if t.is_primary), texts[0] if texts else None)


def work(viewer: policy.Viewer, key: str | uuid_module.UUID) -> Work | None:
    try:
        value = uuid_module.UUID(str(key))
    except ValueError:
        return None
    return _with_texts(policy.works(viewer)).filter(uuid=value).first()


def attribution(work: Work, language: str) -> licences.Attribution:
    text = text_for(work, language)
    return licences.attribution(work.licence, language=language if language in licences.LANGUAGES
                                else "en", title=text.title if text else None,
                                author=work.creator or work.organisation.name,
                                source_url=work.source_url or None,
                                author_url=work.creator_url or None)


def works_for_country(viewer: policy.Viewer, country: Country) -> QuerySet[Work]:
    return _with_texts(policy.works(viewer).filter(country=country)).order_by("-created_at")


def exhibition(viewer: policy.Viewer, slug: str) -> Exhibition | None:
    found = policy.exhibitions(viewer).select_related("organisation").filter(slug=slug).first()
    return found


def exhibition_items(viewer: policy.Viewer, found: Exhibition) -> list[dict[str, Any]]:
    """Items in order; a work the viewer may not see is left out, its narrative kept."""
    visible = set(policy.works(viewer).filter(exhibition_items__exhibition=found)
                  .values_list("pk", flat=True))
    items = []
    for item in found.items.select_related("work").prefetch_related("work__texts",
                                                                   "work__media"):
        shown = item.work if item.work_id in visible else None
        if shown is None and not item.narrative:
            continue
        items.append({"pk": item.pk, "position": item.position, "work": shown,
                      "narrative": item.narrative})
    return items


def moderation_queue(viewer: policy.Viewer, status: str = "") -> QuerySet[ModerationCase]:
    qs = policy.cases(viewer).select_related("work", "work__organisation").prefetch_related(
        "reports", "decisions", "appeals", "work__media", "work__texts")
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=[CaseStatus.OPEN, CaseStatus.APPEALED])
    return qs.order_by("created_at", "pk")
