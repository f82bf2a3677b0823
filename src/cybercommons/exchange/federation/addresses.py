"""Absolute addresses of this server's ActivityPub objects.

The public base address comes from the ``EXCHANGE_SITE_URL`` setting or the
``CYBERCOMMONS_SITE_URL`` environment variable (read when needed, never at import).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def base_url() -> str:
    configured = getattr(settings, "EXCHANGE_SITE_URL", "") or os.environ.get(
        "CYBERCOMMONS_SITE_URL", "http://localhost:8000")
    return str(configured).rstrip("/")


def domain() -> str:
    return urlsplit(base_url()).netloc


def absolute(path: str) -> str:
    return base_url() + path


def actor_url(username: str) -> str:
    return absolute(reverse("exchange-ap:actor", args=[username]))


def inbox_url(username: str) -> str:
    return absolute(reverse("exchange-ap:actor-inbox", args=[username]))


def outbox_url(username: str) -> str:
    return absolute(reverse("exchange-ap:outbox", args=[username]))


def followers_url(username: str) -> str:
    return absolute(reverse("exchange-ap:followers", args=[username]))


def shared_inbox_url() -> str:
    return absolute(reverse("exchange-ap:shared-inbox"))


def work_object_url(work_uuid: object) -> str:
    return absolute(reverse("exchange-ap:work", args=[str(work_uuid)]))


def work_page_url(work_uuid: object) -> str:
    return absolute(reverse("exchange:work-detail", args=[str(work_uuid)]))


def activity_url(kind: str, key: str) -> str:
    return absolute(reverse("exchange-ap:activity", args=[kind, key]))
