"""Shapes of the security module's JSON API."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import AwareDatetime, BaseModel, model_validator
from pydantic.json_schema import JsonDict

from cybercommons.core.lib.pagination import Page
from cybercommons.core.lib.problems import PROBLEM_CONTENT_TYPE
from cybercommons.core.models import Progress
from cybercommons.core.schemas import BodySchema
from cybercommons.security.models import Collection, ImportJob, SharingGroup, StixObject


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


_KIND_DESCRIPTION = "stix (STIX 2.1 bundle), misp (MISP event) or csv (indicators)"
_KINDS: JsonDict = {"enum": ["stix", "misp", "csv"]}


class UrlImportIn(BodySchema):
    # A plain string checked by the service, so that an unknown format is answered like
    # an upload's: 400 with the formats to use.
    kind: str = Field(..., max_length=8, description=_KIND_DESCRIPTION,
                      json_schema_extra=_KINDS)
    url: str = Field(..., min_length=1, max_length=2000,
                     description="An http(s) address the server fetches the document from")


class UploadImportIn(BodySchema):
    """The text fields of a multipart import request (the file itself is ``file``)."""

    kind: str = Field(..., max_length=8, description=_KIND_DESCRIPTION,
                      json_schema_extra=_KINDS)
    url: str | None = Field(None, max_length=2000,
                            description="Instead of a file: an http(s) address to fetch")


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}


def import_openapi() -> dict[str, Any]:
    """The request bodies and refusals of the start of an import, for the OpenAPI document.

    JSON names a URL; a multipart form (as an HTML form sends it) carries the file, or a
    URL, never both. ninja documents one body per operation, so both are given here.
    """
    upload = UploadImportIn.model_json_schema()
    upload["description"] = "kind, and either file or url"
    upload["properties"]["url"] = {
        "type": "string", "maxLength": 2000,
        "description": "Instead of a file: an http(s) address the server fetches"}
    upload["properties"]["file"] = {
        "type": "string", "format": "binary",
        "description": "The document to import (up to 20 MB unless the site sets another "
                       "limit)"}
    return {
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": UrlImportIn.model_json_schema()},
            "multipart/form-data": {"schema": upload},
        }},
        "responses": {
            "400": _problem("Unknown format, both or neither of file and url, an empty "
                            "file, or a URL of the wrong form"),
            "413": _problem("The file is over the size limit"),
        },
    }


class RejectedRecordOut(Schema):
    record: str = Field(description="The object id, CSV line or MISP attribute refused")
    reason: str


class AcceptedObjectOut(Schema):
    id: str
    version: str | None = None
    duplicate: bool = Field(description="Already held: counted, not stored again")


class ImportJobReportOut(Schema):
    stored: int
    duplicates: int
    accepted_count: int
    rejected_count: int
    accepted: list[AcceptedObjectOut] = Field(
        description="Objects kept (the first 1,000; accepted_count has them all)")
    rejected: list[RejectedRecordOut] = Field(
        description="Records refused with their reason (the first 1,000)")
    notes: list[str]


# A plain pydantic model, built from the job and its progress record by one validator
# (ninja's Schema would hand the validator an attribute reader instead of the job).
class ImportJobOut(BaseModel):
    """An import: its document, how far it got and, once done, what became of each record."""

    id: str
    collection: str
    kind: str
    url: str | None = Field(description="Where the document is fetched from (null for "
                            "an uploaded file)")
    filename: str | None = Field(description="The uploaded file's name (null for an "
                                 "import by URL)")
    status: str = Field(description="pending, running, done or failed")
    message: str = Field(description="The outcome in one line, or why the import failed")
    done: int = Field(description="Records checked so far")
    total: int | None = Field(description="Records in the document, once it is read")
    created_at: datetime
    updated_at: datetime
    report: ImportJobReportOut | None = Field(
        description="The per-record report, once the import is done")

    @model_validator(mode="before")
    @classmethod
    def _from_job(cls, value: Any) -> Any:
        """A job's own fields and those of its progress record, as one flat object."""
        if not isinstance(value, ImportJob):
            return value
        progress = value.progress
        done = progress.status == Progress.Status.DONE and "accepted" in progress.result
        return {"id": str(value.pk), "collection": str(value.collection_id),
                "kind": value.kind, "url": value.url or None,
                "filename": value.filename or None, "status": progress.status,
                "message": progress.message, "done": progress.done, "total": progress.total,
                "created_at": value.created_at, "updated_at": progress.updated_at,
                "report": progress.result if done else None}


class ImportJobPage(Page[ImportJobOut]):
    pass
