"""JSON-LD contexts this server emits, bundled so that nothing is fetched at run time.

Our documents are compacted JSON-LD using the ActivityStreams context, the security
vocabulary (for ``publicKey``) and a small context of our own for licence and attribution
terms. A JSON-LD processor pointed at these documents must use :func:`document_loader`,
which answers from this module and refuses every other address.
"""

from __future__ import annotations

from typing import Any

ACTIVITYSTREAMS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"

#: The terms of ours that are not in ActivityStreams, mapped to schema.org and Dublin Core.
EXCHANGE_TERMS: dict[str, Any] = {
    "schema": "http://schema.org#",
    "dcterms": "http://purl.org/dc/terms/",
    "sensitive": "as:sensitive",
    "license": {"@id": "dcterms:license", "@type": "@id"},
    "attributionText": "schema:creditText",
    "ageRating": "schema:contentRating",
    "spatialCoverage": "schema:spatialCoverage",
    "temporalCoverage": "schema:temporalCoverage",
    "keywords": "schema:keywords",
    "as": "https://www.w3.org/ns/activitystreams#",
}

CONTEXT: list[Any] = [ACTIVITYSTREAMS, SECURITY, EXCHANGE_TERMS]

# Abridged copies written here of the parts of the two public contexts our documents use.
_BUNDLED: dict[str, dict[str, Any]] = {
    ACTIVITYSTREAMS: {"@context": {
        "@vocab": "_:", "xsd": "http://www.w3.org/2001/XMLSchema#",
        "as": "https://www.w3.org/ns/activitystreams#", "ldp": "http://www.w3.org/ns/ldp#",
        "id": "@id", "type": "@type",
        **{term: f"as:{term}" for term in (
            "Accept", "Announce", "Article", "Audio", "Collection", "Create", "Delete",
            "Document", "Flag", "Follow", "Group", "Image", "Note", "OrderedCollection",
            "OrderedCollectionPage", "Organization", "Page", "Reject", "Service", "Tombstone",
            "Undo", "Update", "Video", "name", "summary", "content", "mediaType",
            "preferredUsername", "totalItems")},
        **{term: {"@id": f"as:{term}", "@type": "@id"} for term in (
            "actor", "attributedTo", "object", "to", "cc", "url", "outbox", "followers",
            "following", "first", "next", "partOf", "sharedInbox", "attachment", "icon",
            "image", "tag", "endpoints")},
        "inbox": {"@id": "ldp:inbox", "@type": "@id"},
        "nameMap": {"@id": "as:name", "@container": "@language"},
        "contentMap": {"@id": "as:content", "@container": "@language"},
        "summaryMap": {"@id": "as:summary", "@container": "@language"},
        "published": {"@id": "as:published", "@type": "xsd:dateTime"},
        "updated": {"@id": "as:updated", "@type": "xsd:dateTime"},
        "orderedItems": {"@id": "as:items", "@type": "@id", "@container": "@list"},
    }},
    SECURITY: {"@context": {
        "id": "@id", "type": "@type", "sec": "https://w3id.org/security#",
        "publicKey": {"@id": "sec:publicKey", "@type": "@id"},
        "publicKeyPem": "sec:publicKeyPem",
        "owner": {"@id": "sec:owner", "@type": "@id"},
    }},
}


class ContextNotBundled(LookupError):
    pass


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-LD document loader that never touches the network."""
    key = url.rstrip("/").removesuffix(".jsonld")
    if key not in _BUNDLED:
        raise ContextNotBundled(f"context {url} is not bundled and will not be fetched")
    return {"contextUrl": None, "documentUrl": url, "document": _BUNDLED[key]}
