"""Shapes of the governance JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from cybercommons.core.lib.pagination import Page
from cybercommons.core.schemas import BodySchema, PlainText
from cybercommons.governance.models import (
    Amendment,
    Comment,
    DecisionRule,
    DraftVersion,
    Meeting,
    Phase,
    Process,
    Statement,
)


class ProcessOut(Schema):
    slug: str
    title: str
    summary: str
    convenor: str = Field(description="short name of the convening organisation")
    phase: str
    visibility: str
    invited_groups: list[str]
    invited_regions: list[str]
    invited_countries: list[str]
    decision_rule: str
    threshold: str
    options: list[str]
    current_version: int | None
    created_at: datetime

    @staticmethod
    def resolve_convenor(obj: Process) -> str:
        return obj.convenor.slug

    @staticmethod
    def resolve_current_version(obj: Process) -> int | None:
        version = obj.current_version
        return version.number if version else None


class ProcessPage(Page[ProcessOut]):
    pass


class SectionIn(BodySchema):
    key: PlainText = ""
    heading: PlainText
    body: PlainText


class ProcessIn(BodySchema):
    convenor: str = Field(description="short name of an organisation you are an editor of")
    title: PlainText
    slug: PlainText = ""
    summary: PlainText = ""
    visibility: Literal["public", "restricted"] = "public"
    invited_groups: list[str] = []
    invited_regions: list[str] = []
    invited_countries: list[str] = []
    decision_rule: DecisionRule = DecisionRule.SIMPLE_MAJORITY
    threshold: str = "2/3"
    options: list[PlainText] = []
    sections: list[SectionIn]


class PhaseIn(BodySchema):
    phase: Phase
    note: PlainText = ""


class SectionOut(Schema):
    key: str
    position: int
    heading: str
    body: str


class DraftVersionOut(Schema):
    number: int
    note: str
    created_at: datetime
    sections: list[SectionOut]
    translations: dict[str, str] = Field(description="UN language → missing / draft / final")

    @staticmethod
    def resolve_sections(obj: DraftVersion) -> list[Any]:
        return list(obj.sections.all())

    @staticmethod
    def resolve_translations(obj: DraftVersion) -> dict[str, str]:
        return {t.language: t.status for t in obj.translations.all()}


class VersionPage(Page[DraftVersionOut]):
    pass


class CommentOut(Schema):
    id: int
    version: int
    section: str
    quote: str
    body: str
    author: str
    created_at: datetime

    @staticmethod
    def resolve_version(obj: Comment) -> int:
        return obj.section.version.number

    @staticmethod
    def resolve_section(obj: Comment) -> str:
        return obj.section.key

    @staticmethod
    def resolve_author(obj: Comment) -> str:
        return str(obj.author) if obj.author else ""


class CommentPage(Page[CommentOut]):
    pass


class CommentIn(BodySchema):
    section: str
    body: PlainText
    quote: PlainText = ""


class AmendmentOut(Schema):
    id: int
    version: int
    section: str
    proposed_text: str
    rationale: str
    status: str
    decision_reason: str
    merged_into: int | None
    author: str
    created_at: datetime

    @staticmethod
    def resolve_version(obj: Amendment) -> int:
        return obj.version.number

    @staticmethod
    def resolve_section(obj: Amendment) -> str:
        return obj.section.key

    @staticmethod
    def resolve_merged_into(obj: Amendment) -> int | None:
        return obj.merged_into.number if obj.merged_into else None

    @staticmethod
    def resolve_author(obj: Amendment) -> str:
        return str(obj.author) if obj.author else ""


class AmendmentPage(Page[AmendmentOut]):
    pass


class AmendmentIn(BodySchema):
    version: int = Field(description="the version number the amendment is made against")
    section: str
    proposed_text: PlainText
    rationale: PlainText = ""


class AmendmentDecisionIn(BodySchema):
    decision: Literal["accept", "reject", "merge"]
    reason: PlainText = ""


class StatementOut(Schema):
    id: int
    text: str
    moderated: int
    agree: int
    disagree: int
    passed: int

    @staticmethod
    def resolve_agree(obj: Statement) -> int:
        return int(getattr(obj, "n_agree", 0))

    @staticmethod
    def resolve_disagree(obj: Statement) -> int:
        return int(getattr(obj, "n_disagree", 0))

    @staticmethod
    def resolve_passed(obj: Statement) -> int:
        return int(getattr(obj, "n_pass", 0))


class StatementPage(Page[StatementOut]):
    pass


class StatementIn(BodySchema):
    text: PlainText


class VoteIn(BodySchema):
    value: Literal[1, -1, 0] = Field(description="1 agree, -1 disagree, 0 pass")


class VoteOut(Schema):
    statement: int
    value: int

    @staticmethod
    def resolve_statement(obj: Any) -> int:
        return int(obj.statement_id)


class VotePage(Page[VoteOut]):
    pass


class BallotIn(BodySchema):
    choice: Literal["yes", "no", "abstain", ""] = ""
    ranking: list[PlainText] = []
    reason: PlainText = ""


class BallotOut(Schema):
    version: int | None
    choice: str
    ranking: list[str]
    reason: str
    cast_at: datetime

    @staticmethod
    def resolve_version(obj: Any) -> int | None:
        return obj.version.number if obj.version else None


class OpinionMapOut(Schema):
    votes: int
    group_count: int
    error: str
    points: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    consensus: list[dict[str, Any]]


class ResultOut(Schema):
    rule: str
    outcome: str
    result: dict[str, Any] = Field(description=(
        "the tally under the consultation's rule; under one_organisation_one_vote its "
        "parts are keyed by organisation id and each part also gives the organisation's "
        "name (null when it is no longer in the directory)"))
    other_results: dict[str, Any] = Field(description=(
        "the tally under every rule on the same ballots, keyed by rule, in the same form"))
    sha256: str
    version: int | None
    decided_at: datetime
    ballot_file_url: str


class PublicationOut(Schema):
    status: Literal["pending", "running", "done", "failed"]
    step: str = Field(description="the step under way while the tally runs: reading_ballots, "
                                  "tallying, writing_ballot_file or storing; empty otherwise")
    done: int = Field(description="steps done")
    total: int | None = Field(description="steps in all")
    message: str = Field(description="why the publication failed; empty otherwise")
    requested_at: datetime
    status_url: str = Field(description="this status; poll it until done or failed")
    result_url: str | None = Field(description="the published result, once done")


class TranslatedSection(BodySchema):
    heading: PlainText = ""
    body: PlainText = ""


class TranslationIn(BodySchema):
    status: Literal["missing", "draft", "final"]
    sections: dict[str, TranslatedSection] = {}


class TranslationOut(Schema):
    language: str
    status: str
    sections: dict[str, dict[str, str]]


class ModerationIn(BodySchema):
    accepted: bool


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: datetime
    location: str
    agenda: str = Field(description="Markdown")
    minutes: str = Field(description="Markdown")
    sections: list[str] = Field(description="keys of the draft sections the meeting discusses")
    created_at: datetime

    @staticmethod
    def resolve_sections(obj: Meeting) -> list[str]:
        return sorted(section.key for section in obj.sections.all())


class MeetingPage(Page[MeetingOut]):
    pass


class MeetingIn(BodySchema):
    title: Annotated[PlainText, StringConstraints(max_length=200)]
    starts_at: datetime = Field(description="with its time zone, e.g. 2026-05-04T09:00:00Z")
    location: Annotated[PlainText, StringConstraints(max_length=300)] = ""
    agenda: PlainText = ""
    minutes: PlainText = ""
    sections: list[str] = Field(default_factory=list,
                                description="keys of sections of the current version")
