"""Fetching remote ActivityPub documents (actors and their keys), with limits.

Only http(s) addresses; answers over ``MAX_DOCUMENT_BYTES`` are refused; addresses that
resolve to private or loopback networks are refused unless the setting
``EXCHANGE_FEDERATION_ALLOW_PRIVATE`` is true (tests and local pairs of servers).
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.utils import timezone

from cybercommons.exchange.models import RemoteActor

MAX_DOCUMENT_BYTES = 1024 * 1024
TIMEOUT = 10
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class FetchError(RuntimeError):
    """A remote document could not be fetched or is not what was expected."""


def _check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) address: {url[:200]}")
    if getattr(settings, "EXCHANGE_FEDERATION_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443)
    except OSError as error:
        raise FetchError(f"cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or \
                address.is_reserved or address.is_multicast:
            raise FetchError(f"{parts.hostname} resolves to a non-public address")


def fetch_json(url: str) -> dict[str, Any]:
    """GET an ActivityPub document."""
    _check_address(url)
    request = urllib.request.Request(url, headers={"Accept": ACCEPT,  # noqa: S310 (checked)
                                                   "User-Agent": "Cybercommons"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise FetchError(f"fetching {url[:200]} failed: {error}") from error
    if len(body) > MAX_DOCUMENT_BYTES:
        raise FetchError(f"{url[:200]} is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = json.loads(body)
    except ValueError as error:
        raise FetchError(f"{url[:200]} is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise FetchError(f"{url[:200]} is not a JSON object")
    return document


def fetch_bytes(url: str, limit: int) -> bytes:
    """GET a remote file (an attached image) of at most ``limit`` bytes."""
    _check_address(url)
    request = urllib.request.Request(url, headers={"User-Agent": "Cybercommons"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            body: bytes = response.read(limit + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise FetchError(f"fetching {url[:200]} failed: {error}") from error
    if len(body) > limit:
        raise FetchError(f"{url[:200]} is larger than {limit} bytes")
    return body


def _store_actor(document: dict[str, Any]) -> RemoteActor:
    ap_id = document.get("id")
    key = document.get("publicKey")
    if isinstance(key, list):
        key = key[0] if key else None
    inbox = document.get("inbox")
    if not isinstance(ap_id, str) or not isinstance(inbox, str) or not isinstance(key, dict):
        raise FetchError("the document is not an actor with an inbox and a public key")
    if key.get("owner", ap_id) != ap_id or not isinstance(key.get("publicKeyPem"), str):
        raise FetchError("the actor's key is not its own")
    key_id = key.get("id")
    if not isinstance(key_id, str) or urlsplit(key_id).netloc != urlsplit(ap_id).netloc:
        raise FetchError("the actor's key lives on another server")
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox", "") if endpoints else ""
    actor, _created = RemoteActor.objects.update_or_create(
        ap_id=ap_id, defaults={
            "domain": urlsplit(ap_id).netloc.lower(), "inbox": inbox,
            "shared_inbox": shared if isinstance(shared, str) else "",
            "key_id": key_id, "public_key_pem": key["publicKeyPem"],
            "username": str(document.get("preferredUsername", ""))[:200],
            "name": str(document.get("name", ""))[:300], "fetched_at": timezone.now()})
    return actor


def remote_actor(url: str, *, refresh: bool = False) -> RemoteActor:
    """The actor at ``url``, from storage unless ``refresh``."""
    url = urldefrag(url)[0]
    if not refresh:
        known = RemoteActor.objects.filter(ap_id=url).first()
        if known is not None:
            return known
    return _store_actor(fetch_json(url))


def actor_for_key(key_id: str, *, refresh: bool = False) -> RemoteActor:
    """The actor owning the key ``key_id`` (an actor URL with a fragment, or a key document)."""
    if not refresh:
        known = RemoteActor.objects.filter(key_id=key_id).first()
        if known is not None:
            return known
    document = fetch_json(urldefrag(key_id)[0])
    if "inbox" not in document and isinstance(document.get("owner"), str):
        document = fetch_json(document["owner"])
    actor = _store_actor(document)
    if actor.key_id != key_id:
        raise FetchError("the signing key does not belong to the actor it names")
    return actor
