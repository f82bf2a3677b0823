"""Shapes of the security module's JSON API."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from cybercommons.core.lib.pagination import Page
from cybercommons.core.schemas import BodySchema
from cybercommons.security.models import Collection, SharingGroup, StixObject, UrlImport


class ObjectOut(Schema):
    """One STIX object (its newest version the caller may see), as listed."""

    stix_id: str
    type: str
    name: str
    tlp: str = Field(description="The object's own TLP level (CLEAR … RED)")
    labels: list[str]
    collection: str
    collection_title: str
    date_added: datetime
    version: str
    owner: str | None

    @staticmethod
    def resolve_labels(obj: StixObject) -> list[str]:
        return [label for label in obj.labels.strip("|").split("|") if label]

    @staticmethod
    def resolve_collection(obj: StixObject) -> str:
        return str(obj.collection_id)

    @staticmethod
    def resolve_collection_title(obj: StixObject) -> str:
        return obj.collection.title

    @staticmethod
    def resolve_version(obj: StixObject) -> str:
        return obj.version_key or obj.date_added.isoformat()

    @staticmethod
    def resolve_owner(obj: StixObject) -> str | None:
        return obj.owner_org.slug if obj.owner_org else None


class ObjectPage(Page[ObjectOut]):
    pass


class ObjectFilters(Schema):
    q: str = Field("", max_length=200, description="Words in the name, id or content")
    type: str = Field("", max_length=250)
    label: str = Field("", max_length=200)
    tlp: str = Field("", max_length=12, description="clear, green, amber, amber+strict, red")
    collection: str = Field("", max_length=40, description="Collection id")
    added_after: AwareDatetime | None = None
    added_before: AwareDatetime | None = None


class VersionOut(Schema):
    version: str
    date_added: datetime
    tlp: str
    collection: str
    object: dict[str, Any]

    @staticmethod
    def resolve_version(obj: StixObject) -> str:
        return obj.version_key or obj.date_added.isoformat()

    @staticmethod
    def resolve_collection(obj: StixObject) -> str:
        return str(obj.collection_id)

    @staticmethod
    def resolve_object(obj: StixObject) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(obj.raw)
        return value


class ObjectDetailOut(Schema):
    stix_id: str
    type: str
    versions: list[VersionOut]


class CollectionOut(Schema):
    id: str
    api_root: str
    title: str
    description: str
    alias: str
    tlp: str
    default_tlp: str
    public_read: bool
    community_read: bool
    owner: str
    can_read: bool = False
    can_write: bool = False

    @staticmethod
    def resolve_id(obj: Collection) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_api_root(obj: Collection) -> str:
        return obj.api_root.slug

    @staticmethod
    def resolve_owner(obj: Collection) -> str:
        return obj.owner.slug


class CollectionPage(Page[CollectionOut]):
    pass


class SharingGroupOut(Schema):
    slug: str
    name: str
    description: str
    owner: str
    members: list[str]

    @staticmethod
    def resolve_owner(obj: SharingGroup) -> str:
        return obj.owner.slug

    @staticmethod
    def resolve_members(obj: SharingGroup) -> list[str]:
        return sorted(o.slug for o in obj.members.all())


class SharingGroupPage(Page[SharingGroupOut]):
    pass


class AddObjectsIn(BodySchema):
    objects: list[dict[str, Any]] = Field(..., min_length=1, max_length=10000)
    organisation: str | None = Field(None, description="Publish for this organisation (slug)")
    recipient_orgs: list[str] | None = Field(
        None, description="Organisations named as recipients (slugs); default: the "
        "collection's read grants")
    recipient_groups: list[str] | None = Field(None, description="Sharing groups (slugs)")


class AddObjectsOut(Schema):
    stored: int
    duplicates: int
    successes: list[dict[str, str]]
    failures: list[dict[str, str]]


class UrlImportIn(BodySchema):
    kind: Literal["stix", "misp", "csv"] = Field(
        ..., description="stix (STIX 2.1 bundle), misp (MISP event) or csv (indicators)")
    url: str = Field(..., min_length=1, max_length=2000,
                     description="An http(s) address the server fetches the document from")


class RejectedRecordOut(Schema):
    record: str = Field(description="The object id, CSV line or MISP attribute refused")
    reason: str


class AcceptedObjectOut(Schema):
    id: str
    version: str | None = None
    duplicate: bool = Field(description="Already held: counted, not stored again")


class UrlImportReportOut(Schema):
    stored: int
    duplicates: int
    accepted_count: int
    rejected_count: int
    accepted: list[AcceptedObjectOut] = Field(
        description="Objects kept (the first 1,000; accepted_count has them all)")
    rejected: list[RejectedRecordOut] = Field(
        description="Records refused with their reason (the first 1,000)")
    notes: list[str]


class UrlImportOut(Schema):
    id: str
    collection: str
    kind: str
    url: str
    status: str = Field(description="pending, running, done or failed")
    message: str = Field(description="The outcome in one line, or why the import failed")
    done: int
    total: int | None
    created_at: datetime
    updated_at: datetime
    report: UrlImportReportOut | None = Field(
        description="The per-record report, once the import is done")

    @staticmethod
    def resolve_id(obj: UrlImport) -> str:
        return str(obj.pk)

    @staticmethod
    def resolve_collection(obj: UrlImport) -> str:
        return str(obj.collection_id)

    @staticmethod
    def resolve_status(obj: UrlImport) -> str:
        return obj.progress.status

    @staticmethod
    def resolve_message(obj: UrlImport) -> str:
        return obj.progress.message

    @staticmethod
    def resolve_done(obj: UrlImport) -> int:
        return obj.progress.done

    @staticmethod
    def resolve_total(obj: UrlImport) -> int | None:
        return obj.progress.total

    @staticmethod
    def resolve_updated_at(obj: UrlImport) -> datetime:
        return obj.progress.updated_at

    @staticmethod
    def resolve_report(obj: UrlImport) -> dict[str, Any] | None:
        result = obj.progress.result
        if obj.progress.status != "done" or "accepted" not in result:
            return None
        return result


class UrlImportPage(Page[UrlImportOut]):
    pass
