"""Reads of the exchange module, always through policy: the work list and cross-language
search with facets, work and exhibition pages, the moderation queue."""

from __future__ import annotations

import json
import uuid as uuid_module
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from cybercommons.core.models import Country
from cybercommons.exchange import policy
from cybercommons.exchange.kernel import licences
from cybercommons.exchange.kernel import text as text_kernel
from cybercommons.exchange.models import (
    CaseStatus,
    Exhibition,
    ExhibitionItem,
    Follower,
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
    #: Matches counted up to COUNT_CAP; beyond it, "more than COUNT_CAP". For a common query
    #: (see COMMON_MATCHES) an estimate instead, rounded to two significant digits.
    total: int = 0
    total_is_exact: bool = True
    #: True when `total` is an estimate from a sample ("about N").
    total_is_estimate: bool = False
    #: True when the facets were counted over a sample of the matches (and, for a common
    #: query, scaled to the estimated total).
    facets_sampled: bool = False
    #: The order of `works`, for keyset pagination (newest first either way).
    order_key: str = "-created_at"


#: A query matching more works than this is answered "more than 10,000": counting every
#: match of a very common word costs time in proportion to the matches, and nobody pages
#: that far. Facets are then counted over a sample of that size.
COUNT_CAP = 10_000
FACET_SAMPLE = 10_000
#: A query whose terms match more texts than this, by the database's own estimate, is
#: *common*: its total and facets are estimated from a sample of ESTIMATE_SAMPLE matching
#: texts ("about 280,000 works") instead of read from every match, and its works are listed
#: newest first by their id — the order in which works are created, so the same order as
#: their creation time, but one an index walks without sorting. Up to WALK_FROM matching
#: texts, the CANDIDATES newest matching works among those that pass the policy and the
#: selected facets are read from the full-text index; beyond it, one work in twenty or more
#: matches, and walking the works that pass, newest first, testing each, finds a page after
#: a few dozen tests. The sample, too, holds only texts of works that pass, so a narrow
#: facet lists and counts its own works, and hidden works take no place in it.
#: Module constants so that tests lower them. (bench/exch_search.py)
COMMON_MATCHES = 5_000
WALK_FROM = 15_000
CANDIDATES = 2_000
ESTIMATE_SAMPLE = 2_000
#: At most this many matching texts are read to find the sample's texts that pass.
ESTIMATE_READ = 10_000
#: Works tested by id in one query, when the matches of a common word are filtered.
LOOKUP_CHUNK = 5_000


def estimated_matches(terms: list[str]) -> int:
    """How many texts match every term, as the database estimates it (PostgreSQL: the
    planner's row estimate from the statistics of the full-text index, exact for the
    frequent words that matter here; SQLite: FTS5 counts its matches, reading only the
    index's lists of documents, not the rows)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql, params = _entry_sql(terms)
            # Planning only; user input travels as a bound parameter.
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return int(plan[0]["Plan"]["Plan Rows"])
        cursor.execute("SELECT count(*) FROM exchange_search_fts WHERE exchange_search_fts "
                       "MATCH %s", [text_kernel.fts5_match_expression(terms)])
        return int(cursor.fetchone()[0])


def _entry_sql(terms: list[str], columns: tuple[str, ...] = ("id", "work_id")
               ) -> tuple[str, list[Any]]:
    """SQL selecting `columns` of the search entries that contain every term (any language).

    SQLite answers from the FTS5 table, PostgreSQL from the GIN index on the tsvector of the
    same terms; both use the kernel's terms so that queries meet documents on equal terms.
    """
    if connection.vendor == "postgresql":
        return (f"SELECT {', '.join(columns)} FROM exchange_searchentry WHERE "  # noqa: S608
                "to_tsvector('simple'::regconfig, terms) @@ "
                "plainto_tsquery('simple'::regconfig, %s)", [" ".join(terms)])
    return (f"SELECT {', '.join('e.' + name for name in columns)} "  # noqa: S608
            "FROM exchange_search_fts f JOIN exchange_searchentry e ON e.id = f.rowid "
            "WHERE exchange_search_fts MATCH %s", [text_kernel.fts5_match_expression(terms)])


def _matches(terms: list[str]) -> tuple[str, list[Any]]:
    """A CTE `m` of the matching (id, work_id), read from the full-text index.

    Materialised on PostgreSQL: inlined under an ORDER BY or a LIMIT, the planner may walk
    another index and compute the vector of every row it passes (seconds for a word in one
    text in a hundred) instead of reading the full-text index (milliseconds).
    """
    sql, params = _entry_sql(terms)
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    return f"WITH m AS {materialized}({sql}) ", params


def _sample_passing(terms: list[str], passing: QuerySet[Work], size: int, read_at_most: int
                    ) -> tuple[list[int], int, bool]:
    """The works of the first `size` matching texts (in storage order) whose work passes
    `passing` (the policy and the selected facets), found among at most `read_at_most`
    matching texts; how many matching texts were read; and whether that was every match.

    The policy and the facets are tested before a text takes a place in the sample, so
    works the viewer may not see, or that the facets leave out, never do: when every match
    was read, the sample is every passing match and counts them exactly. The bound on the
    texts read keeps a narrow facet from reading every match of a very common word (one
    country in twenty: 40,000 texts for 2,000 that pass).
    """
    cte, params = _matches(terms)
    with connection.cursor() as cursor:
        cursor.execute(f"{cte}SELECT work_id FROM m LIMIT {int(read_at_most)}", params)  # noqa: S608
        window = [row[0] for row in cursor.fetchall()]
    picked: list[int] = []
    read = 0
    # The first `size` texts suffice when (nearly) every work passes, as without facets;
    # the works of the rest of the window are looked up only when they do not.
    for part in (window[:size], window[size:]):
        allowed = _passing_among(passing, part) if len(picked) < size else set()
        for work_id in part:
            if len(picked) == size:
                break
            read += 1
            if work_id in allowed:
                picked.append(work_id)
    complete = len(window) < read_at_most and len(picked) < size
    return sorted(set(picked)), read, complete


def _passing_among(passing: QuerySet[Work], work_ids: Sequence[int]) -> set[int]:
    """Which of `work_ids` pass, looked up by id in chunks: testing a few thousand works
    by their key is cheaper than gathering every work that passes (all public works, when
    no facet is selected) to join them with the matches (bench/exch_search.py)."""
    allowed: set[int] = set()
    unique = list(dict.fromkeys(work_ids))
    for start in range(0, len(unique), LOOKUP_CHUNK):
        chunk = unique[start:start + LOOKUP_CHUNK]
        if connection.vendor == "postgresql":
            # One array parameter: thousands of separate ones cost more to plan than to run.
            listed = RawSQL('"exchange_work"."id" = ANY(%s::bigint[])', (chunk,),
                            output_field=BooleanField())
            allowed.update(passing.alias(listed=listed).filter(listed=True)
                           .values_list("pk", flat=True))
        else:
            allowed.update(passing.filter(pk__in=chunk).values_list("pk", flat=True))
    return allowed


def _newest_passing(terms: list[str], passing: QuerySet[Work], limit: int) -> list[int]:
    """The `limit` newest works with a text containing every term that pass `passing`: the
    matching works are read newest first and tested a chunk at a time until enough pass,
    so that a narrow facet still finds its works among a common word's matches."""
    cte, params = _matches(terms)
    with connection.cursor() as cursor:
        cursor.execute(f"{cte}SELECT DISTINCT work_id FROM m ORDER BY work_id DESC", params)  # noqa: S608
        newest_first = [row[0] for row in cursor.fetchall()]
    found: list[int] = []
    for start in range(0, len(newest_first), LOOKUP_CHUNK):
        chunk = newest_first[start:start + LOOKUP_CHUNK]
        allowed = _passing_among(passing, chunk)
        found.extend(work_id for work_id in chunk if work_id in allowed)
        if len(found) >= limit:
            break
    return found[:limit]


def _walk_match(terms: list[str]) -> Exists:
    """A per-work test "has a text containing every term" (PostgreSQL), evaluated on each
    work visited while walking the works newest first (by id, backwards along the primary
    key), without building the match set.

    SQLite lists the newest candidates instead: FTS5 hands over the matches cheaply.
    """
    return Exists(SearchEntry.objects.filter(work_id=OuterRef("pk")).filter(_text_test(terms)))


def _text_test(terms: list[str]) -> RawSQL:
    """PostgreSQL: "this search entry contains every term", evaluated on the row."""
    # Fixed SQL text; the terms travel as a bound parameter.
    return RawSQL("to_tsvector('simple'::regconfig, terms) @@ "
                  "plainto_tsquery('simple'::regconfig, %s)", [" ".join(terms)],
                  output_field=BooleanField())


def about(value: float) -> int:
    """A count rounded to two significant digits, as estimates are shown."""
    if value < 100:
        return round(value)
    digits = len(str(int(value))) - 2
    return int(round(value, -digits))


def matching_sql(terms: list[str]) -> tuple[str, list[Any]]:
    """SQL selecting the ids of works with a text that contains every term (any language)."""
    return _entry_sql(terms, ("work_id",))


def _century_range(century: int) -> tuple[int, int]:
    if century > 0:
        return (century - 1) * 100 + 1, century * 100
    # BCE: century -1 holds -100 to 0 (year 0 counts as 1 BCE), century -2 holds -200 to -101.
    return century * 100, 0 if century == -1 else century * 100 + 99


def _matching_work_ids(terms: list[str]) -> list[int]:
    """The works with a text containing every term, read once (for queries that are not
    common, so at most some thousands)."""
    cte, params = _matches(terms)
    with connection.cursor() as cursor:
        cursor.execute(f"{cte}SELECT DISTINCT work_id FROM m", params)  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _passing(viewer: policy.Viewer, filters: Filters) -> QuerySet[Work]:
    """The works the viewer may see that pass the selected facets, whatever the query."""
    qs = policy.works(viewer)
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


def _filtered(viewer: policy.Viewer, filters: Filters, terms: list[str]) -> QuerySet[Work]:
    """The works the viewer may see that match the terms and pass the selected facets."""
    qs = _passing(viewer, filters)
    if terms and connection.vendor == "postgresql":
        # The matching works are read once and named, so every later query of the search
        # reuses them and the planner knows how many there are.
        qs = qs.filter(pk__in=_matching_work_ids(terms))
    elif terms:
        sql, params = matching_sql(terms)
        # The SQL is fixed text; user input travels only as a bound parameter.
        qs = qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611
    return qs


def _common_listing(viewer: policy.Viewer, filters: Filters, terms: list[str], *,
                    walk: bool) -> QuerySet[Work]:
    """The works a common query lists, newest first: walking the works that pass the policy
    and the facets (PostgreSQL, very common terms), or the CANDIDATES newest matching works
    among those that pass them."""
    passing = _passing(viewer, filters)
    if walk:
        return passing.filter(_walk_match(terms))
    return passing.filter(pk__in=_newest_passing(terms, passing, CANDIDATES))


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
    """Works matching the query in any of their languages, newest first, with facets.

    A common query (its terms in more than COMMON_MATCHES texts) is answered without reading
    all its matches: the page walks the works newest first, and the total and the facets are
    estimated from a sample, as large search engines answer "about 280,000 results".
    """
    terms = text_kernel.query_terms(filters.q[:MAX_QUERY_LENGTH]) if filters.q.strip() else []
    estimate = estimated_matches(terms) if terms else 0
    if estimate > COMMON_MATCHES:
        return _common_search(viewer, filters, terms, estimate, with_facets=with_facets)
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


def _common_search(viewer: policy.Viewer, filters: Filters, terms: list[str], texts: int, *,
                   with_facets: bool) -> SearchResults:
    # SQLite, which does not walk, lists the newest candidates in both cases.
    walk = texts > WALK_FROM and connection.vendor == "postgresql"
    listed = _common_listing(viewer, filters, terms, walk=walk)
    results = SearchResults(_with_texts(listed.order_by("-pk")), terms, total_is_exact=False,
                            total_is_estimate=True, order_key="-pk")
    # The sample is drawn from the works that pass the policy and the facets: the share of
    # the matching texts read that pass scales the estimated number of matching texts to
    # works; when every match was read, the sample holds them all and the count is exact.
    sampled, read, complete = _sample_passing(terms, _passing(viewer, filters),
                                              ESTIMATE_SAMPLE, ESTIMATE_READ)
    sample = Work.objects.filter(pk__in=sampled)
    counts = facets(sample) if with_facets else {}
    scale = 1.0 if complete else max(texts, read) / max(read, 1)
    results.total = about(len(sampled) * scale)
    if with_facets:
        results.facets = {name: [Facet(f.value, f.label, about(f.count * scale))
                                 for f in items]
                          for name, items in counts.items()}
        results.facets_sampled = True
    return results


class CappedPaginator(Paginator):
    """A paginator that takes the capped total of a search instead of counting again."""

    def __init__(self, results: SearchResults, per_page: int) -> None:
        super().__init__(results.works, per_page)
        # Pages stop at the cap, whatever an estimate says: nobody pages that far.
        self._total = min(results.total, COUNT_CAP)

    @cached_property
    def count(self) -> int:
        return self._total


def matched_languages(work_ids: list[int], terms: list[str]) -> dict[int, list[str]]:
    """For each work, the languages whose text matched the query (to show 'found in …')."""
    if not terms or not work_ids:
        return {}
    rows = SearchEntry.objects.filter(work_id__in=work_ids)
    if connection.vendor == "postgresql":
        # Test the page's few texts one by one rather than read every match of the terms.
        rows = rows.filter(_text_test(terms))
    else:
        rows = rows.filter(pk__in=RawSQL(*_entry_sql(terms, ("id",))))  # noqa: S611
    found: dict[int, list[str]] = {}
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
                      "narrative": item.narrative, "outdated": item.outdated_translations})
    return items


@dataclass
class ExhibitionLanguage:
    """One language of an exhibition as translators and API clients see it."""

    language: str
    is_primary: bool
    title: str
    introduction: str
    translator: str
    is_machine_translation: bool
    #: (item id, position, text, outdated) for each item with narrative in any language.
    narratives: list[dict[str, Any]]


def exhibition_languages(exhibition: Exhibition,
                         items: Sequence[ExhibitionItem] | None = None
                         ) -> list[ExhibitionLanguage]:
    """Every language the exhibition has (title, introduction or narrative), original first.

    The caller found the exhibition through policy. Why one function: the translation page
    and the API list the same thing, with the same credits and labels.
    """
    rows = list(items if items is not None else exhibition.items.order_by("position", "pk"))
    primary = exhibition.primary_language
    present = set(exhibition.title) | set(exhibition.introduction)
    for item in rows:
        present |= set(item.narrative)
    ordered = sorted(present, key=lambda code: (code != primary, code))
    return [ExhibitionLanguage(
        language=code, is_primary=code == primary, title=exhibition.title.get(code, ""),
        introduction=exhibition.introduction.get(code, ""),
        translator=exhibition.translators.get(code, "") if code != primary else "",
        is_machine_translation=code in exhibition.machine_translations,
        narratives=[{"item": item.pk, "position": item.position,
                     "text": item.narrative.get(code, ""),
                     "outdated": code in item.outdated_translations}
                    for item in rows if item.narrative])
        for code in ordered]


def follow_requests(viewer: policy.Viewer, *, organisation: str = "",
                    exhibition: str = "") -> QuerySet[Follower]:
    """Follow requests waiting for a decision, optionally only those addressed to one
    organisation's or one exhibition's actor (by short name)."""
    qs = policy.pending_followers(viewer).select_related("actor__organisation",
                                                         "actor__exhibition")
    if organisation:
        qs = qs.filter(actor__organisation__slug=organisation)
    if exhibition:
        qs = qs.filter(actor__exhibition__slug=exhibition)
    return qs


def moderation_queue(viewer: policy.Viewer, status: str = "") -> QuerySet[ModerationCase]:
    qs = policy.cases(viewer).select_related("work", "work__organisation").prefetch_related(
        "reports", "decisions", "appeals", "work__media", "work__texts")
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=[CaseStatus.OPEN, CaseStatus.APPEALED])
    return qs.order_by("created_at", "pk")
