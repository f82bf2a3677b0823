"""Shapes of the exchange JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.urls import reverse
from django.utils.translation import get_language
from ninja import Field, Schema
from pydantic import StringConstraints

from cybercommons.core.lib.pagination import Page
from cybercommons.core.schemas import BodySchema, PlainText
from cybercommons.exchange.kernel import licences
from cybercommons.exchange.models import (
    Exhibition,
    Follower,
    MediaFile,
    ModerationCase,
    Work,
    WorkText,
)

Short = Annotated[str, StringConstraints(max_length=300, pattern=r"^[^\x00]*$")]
Translator = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]


class TextOut(Schema):
    language: str
    title: str
    description: str
    translator: str
    is_machine_translation: bool
    is_primary: bool
    translated_from: str | None = None

    @staticmethod
    def resolve_translated_from(obj: WorkText) -> str | None:
        return obj.translated_from.language if obj.translated_from_id and \
            obj.translated_from else None


class MediaOut(Schema):
    content_type: str
    size: int
    width: int | None
    height: int | None
    url: str
    thumbnail_url: str | None
    alt_text: str

    @staticmethod
    def resolve_url(obj: MediaFile) -> str:
        return reverse("exchange:media", args=[obj.pk])

    @staticmethod
    def resolve_thumbnail_url(obj: MediaFile) -> str | None:
        return reverse("exchange:media-thumbnail", args=[obj.pk]) if obj.thumbnail else None


class WorkOut(Schema):
    uuid: str
    kind: str
    organisation: str = Field(description="the contributing organisation's short name")
    creator: str
    creator_url: str
    source_url: str
    licence: str
    licence_url: str | None
    attribution: str = Field(description="TASL attribution text in the request's language")
    subjects: list[str]
    country: str | None
    place: str
    period: str
    year_start: int | None
    year_end: int | None
    age_rating: str
    content_warning: str
    status: str
    visibility: str
    primary_language: str
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    texts: list[TextOut]
    media: list[MediaOut]

    @staticmethod
    def resolve_uuid(obj: Work) -> str:
        return str(obj.uuid)

    @staticmethod
    def resolve_organisation(obj: Work) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_country(obj: Work) -> str | None:
        return obj.country_id

    @staticmethod
    def resolve_licence_url(obj: Work) -> str | None:
        return licences.get_licence(obj.licence).url

    @staticmethod
    def resolve_attribution(obj: Work) -> str:
        from cybercommons.exchange.queries import attribution

        language = (get_language() or "en").lower()
        return attribution(obj, language if language in licences.LANGUAGES else "en").text

    @staticmethod
    def resolve_texts(obj: Work) -> list[Any]:
        return list(obj.texts.all())

    @staticmethod
    def resolve_media(obj: Work) -> list[Any]:
        return list(obj.media.all())


class WorkPage(Page[WorkOut]):
    pass


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    items: list[WorkOut]
    next: str | None
    total: int = Field(description="matching works, counted up to 10,000; for very common "
                                   "words an estimate (see total_is_estimate)")
    total_is_exact: bool
    total_is_estimate: bool = Field(description="the total is estimated from a sample of the "
                                                "matches, rounded to two significant digits")
    facets_sampled: bool = Field(description="facets counted over a sample of the matches "
                                             "(the first 10,000, or for very common words a "
                                             "smaller sample scaled to the estimated total)")
    terms: list[str]
    facets: dict[str, list[FacetOut]]


class TextIn(BodySchema):
    language: Annotated[str, StringConstraints(max_length=10)]
    title: Short
    description: PlainText = ""
    translator: Translator = ""


class WorkIn(BodySchema):
    organisation: Annotated[str, StringConstraints(max_length=80)]
    kind: str
    licence: str
    texts: list[TextIn] = Field(..., min_length=1, max_length=10)
    primary_language: str = ""
    creator: Short = ""
    creator_url: Annotated[str, StringConstraints(max_length=200)] = ""
    source_url: Annotated[str, StringConstraints(max_length=200)] = ""
    subjects: list[Annotated[str, StringConstraints(max_length=100)]] = Field(default_factory=list,
                                                                              max_length=30)
    country: str | None = None
    place: Short = ""
    period: Annotated[str, StringConstraints(max_length=100)] = ""
    year_start: int | None = Field(None, ge=-10000, le=3000)
    year_end: int | None = Field(None, ge=-10000, le=3000)
    age_rating: str = "all"
    content_warning: Annotated[str, StringConstraints(max_length=200)] = ""
    visibility: str = "public"
    publish: bool = False


class WorkPatch(BodySchema):
    kind: str | None = None
    licence: str | None = None
    creator: Short | None = None
    creator_url: str | None = None
    source_url: str | None = None
    subjects: list[Annotated[str, StringConstraints(max_length=100)]] | None = None
    country: str | None = None
    place: Short | None = None
    period: str | None = None
    year_start: int | None = Field(None, ge=-10000, le=3000)
    year_end: int | None = Field(None, ge=-10000, le=3000)
    age_rating: str | None = None
    content_warning: str | None = None
    visibility: str | None = None
    note: str = ""


class ReportIn(BodySchema):
    reason: str
    comment: Annotated[str, StringConstraints(max_length=5000, pattern=r"^[^\x00]*$")] = ""


class ReceivedOut(Schema):
    status: str


class ExhibitionItemIn(BodySchema):
    id: int | None = Field(None, ge=1, le=2**63 - 1,
                           description="the item this one continues (as listed by GET); "
                                       "its narrative translations are kept, marked outdated "
                                       "if the original text changed")
    work: str | None = None
    narrative: dict[str, PlainText] = Field(
        default_factory=dict, description="text by language; an empty text removes that "
                                          "language, an omitted one keeps its translation")


class ExhibitionIn(BodySchema):
    organisation: str
    slug: Annotated[str, StringConstraints(max_length=80)]
    title: dict[str, Short]
    introduction: dict[str, PlainText] = Field(default_factory=dict)
    primary_language: str = ""
    items: list[ExhibitionItemIn] = Field(default_factory=list, max_length=500)
    publish: bool | None = None


class ExhibitionItemOut(Schema):
    id: int
    position: int
    work: str | None
    narrative: dict[str, str]
    outdated_translations: list[str] = Field(
        description="languages whose narrative was translated from an earlier original")


class ExhibitionOut(Schema):
    slug: str
    organisation: str
    title: dict[str, str]
    introduction: dict[str, str]
    primary_language: str
    translators: dict[str, str]
    machine_translations: list[str] = Field(description="languages a machine translated")
    status: str
    items: list[ExhibitionItemOut] = Field(default_factory=list)
    actor: str

    @staticmethod
    def resolve_organisation(obj: Exhibition) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_actor(obj: Exhibition) -> str:
        return f"exhibition.{obj.slug}"

    @staticmethod
    def resolve_items(obj: Exhibition) -> list[dict[str, Any]]:
        shown = getattr(obj, "visible_items", None)
        if shown is None:
            return []
        return [{"id": i["pk"], "position": i["position"],
                 "work": str(i["work"].uuid) if i["work"] else None,
                 "narrative": i["narrative"], "outdated_translations": i["outdated"]}
                for i in shown]


class ExhibitionPage(Page[ExhibitionOut]):
    pass


class NarrativeOut(Schema):
    item: int = Field(description="the item's id")
    position: int
    text: str = Field(description="empty when this language has no text for the item")
    outdated: bool = Field(description="translated from an earlier version of the original")


class ExhibitionLanguageOut(Schema):
    language: str
    is_primary: bool
    title: str
    introduction: str
    translator: str
    is_machine_translation: bool
    narratives: list[NarrativeOut]


class NarrativeIn(BodySchema):
    item: int = Field(..., ge=1, le=2**63 - 1, description="the item's id")
    text: PlainText = Field(description="empty removes this language's text of the item")


class ExhibitionTranslationIn(BodySchema):
    title: Short
    introduction: PlainText = ""
    translator: Translator = Field(
        "", description="who translated it (required except for the primary language); for a "
                        "machine translation, the engine")
    is_machine_translation: bool = False
    narratives: list[NarrativeIn] = Field(default_factory=list, max_length=500)


class MoveIn(BodySchema):
    direction: Annotated[str, StringConstraints(max_length=10)] = Field(
        ..., description='"up" (one step earlier) or "down" (one step later)')


class FollowRequestOut(Schema):
    id: int
    actor: str = Field(description="the local actor's name")
    organisation: str | None = Field(description="the organisation whose actor it is")
    exhibition: str | None = Field(description="the exhibition whose actor it is")
    remote: str = Field(description="the ActivityPub id of the actor asking to follow")
    remote_name: str
    state: str
    created_at: datetime

    @staticmethod
    def resolve_actor(obj: Follower) -> str:
        return obj.actor.username

    @staticmethod
    def resolve_organisation(obj: Follower) -> str | None:
        return obj.actor.organisation.slug if obj.actor.organisation else None

    @staticmethod
    def resolve_exhibition(obj: Follower) -> str | None:
        return obj.actor.exhibition.slug if obj.actor.exhibition else None

    @staticmethod
    def resolve_remote(obj: Follower) -> str:
        return obj.remote.ap_id

    @staticmethod
    def resolve_remote_name(obj: Follower) -> str:
        return obj.remote.name


class FollowRequestPage(Page[FollowRequestOut]):
    pass


class FollowDecisionIn(BodySchema):
    decision: Annotated[str, StringConstraints(max_length=10)] = Field(
        ..., description='"accept" or "reject"')


class DecisionOut(Schema):
    outcome: str
    reason: str
    on_appeal: bool
    created_at: datetime


class CaseOut(Schema):
    id: int
    work: str
    source: str
    status: str
    created_at: datetime
    reports: int
    match_details: dict[str, Any]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_work(obj: ModerationCase) -> str:
        return str(obj.work.uuid)

    @staticmethod
    def resolve_reports(obj: ModerationCase) -> int:
        return obj.reports.count()

    @staticmethod
    def resolve_decisions(obj: ModerationCase) -> list[Any]:
        return list(obj.decisions.all())


class CasePage(Page[CaseOut]):
    pass


class DecisionIn(BodySchema):
    outcome: str
    reason: PlainText


class HashListIn(BodySchema):
    name: Annotated[str, StringConstraints(max_length=200)]
    source: Annotated[str, StringConstraints(max_length=300)] = ""
    lines: list[Annotated[str, StringConstraints(max_length=2000)]] = Field(..., max_length=100000)


class SkippedLineOut(Schema):
    line: int
    code: str = Field(description="not_a_hash, unreadable_csv, column_count or bad_quality")
    params: dict[str, Any] = Field(description="the values the reason names")
    message: str = Field(description="the reason in the request's language")


class HashListReportOut(Schema):
    name: str
    created: int
    updated: int
    held: int
    errors: list[SkippedLineOut]


class HashListOut(Schema):
    name: str
    source: str
    active: bool
    size: int
    updated_at: datetime


class HashListPage(Page[HashListOut]):
    pass


class InstanceIn(BodySchema):
    policy: str
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class InstanceOut(Schema):
    domain: str
    policy: str
    note: str
