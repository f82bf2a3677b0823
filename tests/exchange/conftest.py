"""Fixtures of the exchange tests: a cast (editor, member, outsider, moderator), settings
for federation addresses and media in a temporary folder, drawn test images, a live peer
server, and signed-in clients sending JSON."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pytest
from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from django.test import Client

    from cybercommons.core.models import Organisation, User

# Django is imported inside the fixtures: the kernel tests in this folder run without it.


@dataclass
class Cast:
    organisation: Organisation
    owner: User
    teammate: User
    outsider: User
    moderator: User


@pytest.fixture(autouse=True)
def exchange_settings(request, tmp_path):  # type: ignore[no-untyped-def]
    if "settings" not in request.fixturenames and not _django_available(request):
        return None
    settings = request.getfixturevalue("settings")
    settings.EXCHANGE_SITE_URL = "http://testserver"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EXCHANGE_FEDERATION_ALLOW_PRIVATE = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django.utils import translation

    from cybercommons.exchange import safety

    safety.forget_index()
    # A page test in another language leaves that language active in the thread.
    translation.activate("en")
    return settings


def _django_available(request) -> bool:  # type: ignore[no-untyped-def]
    return request.config.pluginmanager.has_plugin("django")


@pytest.fixture
def cast(db: None) -> Cast:
    from django.contrib.auth.models import Permission

    from cybercommons.core.models import Role, User
    from tests.factories import (
        CountryFactory,
        MembershipFactory,
        OrganisationFactory,
        UserFactory,
    )

    organisation = OrganisationFactory(name="Museum of Sound", slug="museum-of-sound",
                                       country=CountryFactory(code="KE"))
    owner = UserFactory(username="amina")
    teammate = UserFactory(username="bo")
    outsider = UserFactory(username="mallory")
    moderator = UserFactory(username="moe")
    moderator.user_permissions.add(Permission.objects.get(codename="moderate",
                                                          content_type__app_label="exchange"))
    moderator = User.objects.get(pk=moderator.pk)
    MembershipFactory(user=owner, organisation=organisation, role=Role.EDITOR)
    MembershipFactory(user=teammate, organisation=organisation, role=Role.MEMBER)
    return Cast(organisation, owner, teammate, outsider, moderator)


def drawn_image(seed: int = 1, size: int = 256, fmt: str = "PNG") -> bytes:
    """A picture with enough structure for a high-quality PDQ hash, drawn for the test."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (size, size), (240, 235, 220))
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x0, y0 = (int(v) for v in rng.integers(0, size - 20, 2))
        x1, y1 = x0 + int(rng.integers(10, size // 2)), y0 + int(rng.integers(10, size // 2))
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def image_bytes() -> bytes:
    return drawn_image()


@pytest.fixture
def peer():  # type: ignore[no-untyped-def]
    """Another ActivityPub server, live on loopback for the length of a test."""
    from tests.exchange.peer import Peer

    server = Peer().start()
    yield server
    server.stop()


def as_user(user: User) -> Client:
    """A test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def body(data: object) -> dict[str, str]:
    """The keyword arguments of a test client call that sends `data` as a JSON body."""
    return {"data": json.dumps(data), "content_type": "application/json"}


_KEY_POOL: list[tuple[str, str]] = []


@pytest.fixture(autouse=True)
def fast_keys(request, monkeypatch):  # type: ignore[no-untyped-def]
    """RSA key generation is slow; each test draws distinct keys from a pool made once."""
    if not _django_available(request):
        return
    from cybercommons.exchange.federation import outbound

    if not _KEY_POOL:
        _KEY_POOL.extend(outbound.new_key_pair() for _ in range(6))
    handed = iter(_KEY_POOL)
    monkeypatch.setattr(outbound, "new_key_pair", lambda: next(handed))


def waiting_follow_requests(actor, count: int, *, at, prefix: str,  # type: ignore[no-untyped-def]
                            state: str = "pending") -> list:
    """`count` follow requests to our `actor` from as many remote actors, all made at the
    moment `at`: equal times leave the order to the primary key, as a busy inbox does.

    Rows are written directly because a page test needs more requests than a live peer
    sends in reasonable time; the delivery path itself is tested with the peer."""
    from cybercommons.exchange.models import Follower, RemoteActor

    made = []
    for n in range(count):
        ap_id = f"https://far.example/users/{prefix}{n}"
        remote = RemoteActor.objects.create(
            ap_id=ap_id, domain="far.example", inbox=ap_id + "/inbox",
            key_id=ap_id + "#main-key", public_key_pem="-", name=f"{prefix} {n}")
        made.append(Follower.objects.create(actor=actor, remote=remote, follow_id=ap_id + "/f",
                                            state=state, created_at=at))
    return made


def walk_pages(client, url: str, size: int, *, field: str = "id"  # type: ignore[no-untyped-def]
               ) -> tuple[list, int]:
    """Follow the Link headers of an API list from `url` to its last page: the `field` of
    every row seen, in order, and how many pages there were. Every page but the last is
    full and names its successor in both `next` and Link."""
    from urllib.parse import parse_qs, urlsplit

    seen: list = []
    pages = 0
    next_url: str | None = url
    while next_url:
        answer = client.get(next_url)
        assert answer.status_code == 200, answer.content
        page = answer.json()
        assert set(page) == {"items", "next"}
        assert len(page["items"]) <= size
        assert page["items"] or pages == 0, "an empty page after a full one"
        seen += [row[field] for row in page["items"]]
        pages += 1
        if page["next"] is None:
            assert "Link" not in answer
            next_url = None
        else:
            assert len(page["items"]) == size
            link = answer["Link"]
            assert link.endswith('>; rel="next"')
            next_url = link[1:link.index(">")]
            assert parse_qs(urlsplit(next_url).query)["cursor"] == [page["next"]]
        assert pages <= 50, "the pages never end"
    return seen, pages
