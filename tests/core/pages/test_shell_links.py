"""The page frame's links, reversed once and kept, still follow the site's script prefix."""

from __future__ import annotations

import io
import re
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import clear_script_prefix

pytestmark = pytest.mark.django_db


def _links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|action)="(/[^"]*)"', html))


def _served(script_name: str) -> str:
    """The home page as a WSGI server mounted at ``script_name`` gets it."""
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SCRIPT_NAME": script_name,
               "QUERY_STRING": "", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
               "HTTP_HOST": "testserver", "SERVER_PROTOCOL": "HTTP/1.1",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr}
    statuses: list[str] = []
    # As Django's test client does: the handler must not close the test's open transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(WSGIHandler()(environ, lambda status, headers: statuses.append(status)))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        clear_script_prefix()  # the test client does not set it: leave none behind
    assert statuses == ["200 OK"]
    return body.decode()


def test_the_frame_links_carry_the_script_prefix_of_each_request() -> None:
    plain = _links(_served(""))
    assert {"/", "/countries/", "/organisations/", "/accounts/login/", "/i18n/setlang/",
            "/infrastructure/"} <= plain
    mounted = _links(_served("/commons"))
    assert {"/commons/", "/commons/countries/", "/commons/accounts/login/",
            "/commons/i18n/setlang/", "/commons/infrastructure/"} <= mounted
    assert "/countries/" not in mounted
    # Back without the prefix: nothing of the mounted site's links is kept.
    assert _links(_served("")) == plain


def test_the_current_section_is_marked_and_each_language_named_in_itself(client) -> None:
    html = client.get("/economy/").content.decode()
    assert re.search(r'<a href="/economy/" aria-current="page">', html)
    assert 'aria-current="page"' not in re.sub(r'<a href="/economy/"[^>]*>', "", html)
    options = re.findall(r'<option value="([^"]+)" lang="[^"]+"( selected)?>([^<]+)</option>',
                         html)
    assert [(code, name) for code, _, name in options] == [
        ("ar", "العربيّة"), ("zh-hans", "简体中文"), ("en", "English"),
        ("fr", "français"), ("ru", "Русский"), ("es", "español")]
    assert [code for code, selected, _ in options if selected] == ["en"]
