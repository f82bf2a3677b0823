"""ActivityStreams documents for our actors, works and activities.

Works are shaped so that Mastodon and PeerTube can show them: plain ``name`` and
``content`` in the primary language first, ``nameMap``/``contentMap`` for every language,
``summary`` and ``sensitive`` for content warnings, the licence as a URL and the TASL
attribution both as text and inside the content.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import escape

from cybercommons.exchange.federation import addresses
from cybercommons.exchange.federation.contexts import CONTEXT
from cybercommons.exchange.kernel import licences
from cybercommons.exchange.models import (
    AgeRating,
    Exhibition,
    LocalActor,
    Work,
    WorkKind,
)

OBJECT_TYPES = {WorkKind.ARTICLE: "Article", WorkKind.IMAGE: "Image", WorkKind.AUDIO: "Audio",
                WorkKind.VIDEO: "Video", WorkKind.DOCUMENT: "Document"}


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def actor_document(actor: LocalActor) -> dict[str, Any]:
    username = actor.username
    url = addresses.actor_url(username)
    if actor.organisation is not None:
        kind, name = "Organization", actor.organisation.name
        summary = escape(actor.organisation.description)
        page = addresses.absolute(reverse("core:organisation-detail",
                                          args=[actor.organisation.slug]))
    else:
        exhibition = actor.exhibition
        assert exhibition is not None
        kind = "Group"
        name = exhibition.title.get(exhibition.primary_language) or exhibition.slug
        summary = exhibition.introduction.get(exhibition.primary_language, "")
        page = addresses.absolute(reverse("exchange:exhibition-detail", args=[exhibition.slug]))
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": url,
        "type": kind,
        "preferredUsername": username,
        "name": name,
        "summary": summary,
        "url": page,
        "inbox": addresses.inbox_url(username),
        "outbox": addresses.outbox_url(username),
        "followers": addresses.followers_url(username),
        "endpoints": {"sharedInbox": addresses.shared_inbox_url()},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": url + "#main-key", "owner": url,
                      "publicKeyPem": actor.public_key_pem},
    }
    if actor.exhibition is not None and len(actor.exhibition.title) > 1:
        # Plain name/summary stay in the primary language for servers that ignore the maps;
        # the maps carry every language (an actor's description is its summary, so the
        # introduction travels as summaryMap).
        document["nameMap"] = dict(actor.exhibition.title)
        if actor.exhibition.introduction:
            document["summaryMap"] = dict(actor.exhibition.introduction)
    return document


def organisation_actor_url(work: Work) -> str:
    return addresses.actor_url(work.organisation.slug)


def work_object(work: Work) -> dict[str, Any]:
    """The work as an ActivityStreams object (public works only are ever shown)."""
    texts = list(work.texts.all())
    primary = next((t for t in texts if t.is_primary), texts[0] if texts else None)
    licence = licences.get_licence(work.licence)
    attribution = licences.attribution(
        licence, language=work.primary_language, title=primary.title if primary else None,
        author=work.creator or work.organisation.name,
        source_url=work.source_url or addresses.work_page_url(work.uuid),
        author_url=work.creator_url or None)
    name_map = {t.language: t.title for t in texts}
    content_map = {}
    for text in texts:
        lines = [text.description] if text.description else []
        if text.is_machine_translation:
            lines.append("<p><em>Machine translation</em></p>")
        text_attribution = licences.attribution(
            licence, language=text.language, title=text.title,
            author=work.creator or work.organisation.name,
            source_url=work.source_url or addresses.work_page_url(work.uuid))
        lines.append(f"<p>{text_attribution.html}</p>")
        content_map[text.language] = "".join(lines)
    actor = organisation_actor_url(work)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": addresses.work_object_url(work.uuid),
        "type": OBJECT_TYPES.get(WorkKind(work.kind), "Article"),
        "attributedTo": actor,
        "name": primary.title if primary else "",
        "content": content_map.get(work.primary_language, ""),
        "mediaType": "text/html",
        "nameMap": name_map,
        "contentMap": content_map,
        "url": addresses.work_page_url(work.uuid),
        "published": _iso(work.published_at),
        "updated": _iso(work.updated_at),
        "to": [addresses.AS_PUBLIC],
        "cc": [addresses.followers_url(work.organisation.slug)],
        "license": licence.url or licence.code,
        "attributionText": attribution.text,
        "sensitive": bool(work.content_warning) or work.age_rating == AgeRating.ADULT,
        "keywords": list(work.subjects or []),
    }
    if work.content_warning:
        document["summary"] = work.content_warning
    if work.age_rating != AgeRating.ALL:
        document["ageRating"] = work.age_rating
    if work.place or work.country_id:
        document["spatialCoverage"] = work.place or work.country_id
    if work.period:
        document["temporalCoverage"] = work.period
    attachments = []
    for item in work.media.all():
        attachments.append({"type": "Document" if not item.is_image else "Image",
                            "mediaType": item.content_type,
                            "url": addresses.absolute(reverse("exchange:media", args=[item.pk])),
                            "name": item.alt_text or (primary.title if primary else "")})
    if attachments:
        document["attachment"] = attachments
    return document


def tombstone(work_uuid: object, kind: str = "Article") -> dict[str, Any]:
    return {"id": addresses.work_object_url(work_uuid), "type": "Tombstone",
            "formerType": kind}


def activity(kind: str, actor_url: str, obj: Any, key: str, *,
             to: list[str] | None = None, cc: list[str] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": addresses.activity_url(kind.lower(), key),
        "type": kind,
        "actor": actor_url,
        "object": obj,
    }
    if to is not None:
        document["to"] = to
    if cc is not None:
        document["cc"] = cc
    return document


def exhibition_username(exhibition: Exhibition) -> str:
    return f"exhibition.{exhibition.slug}"
