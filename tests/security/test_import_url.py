"""Import a STIX bundle by URL: limits on size and time, http(s) only, no private hosts.

The background task and its status pages are tested in ``test_import_url_tasks``.
"""

from __future__ import annotations

import io
import json
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from cybercommons.core.errors import ServiceError
from cybercommons.security.importers import url_fetch
from cybercommons.security.importers.files import import_url
from cybercommons.security.models import StixObject
from tests.security.cast import World, indicator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served(settings, live_server) -> str:
    settings.ROOT_URLCONF = "tests.security.fetch_urls"
    settings.CYBERCOMMONS_ALLOW_PRIVATE_FETCH = True
    return live_server.url


def test_a_bundle_by_url_lands_its_good_objects_and_reports_the_bad_one(
        world: World, served: str) -> None:
    report = import_url(world.alice, world.collection, "stix", served + "/fixture/bundle.json")
    assert report.stored == 2
    assert len(report.problems) == 1
    assert "broken" in report.problems[0]
    assert set(StixObject.objects.values_list("stix_id", flat=True)) == {
        indicator(41)["id"], indicator(42)["id"]}
    again = import_url(world.alice, world.collection, "stix", served + "/fixture/moved")
    assert (again.stored, again.duplicates) == (0, 2)  # followed the redirect; idempotent


def test_a_body_over_the_size_limit_is_refused_while_reading(world: World, served: str) -> None:
    with pytest.raises(url_fetch.FetchError, match="larger than 100000 bytes"):
        import_url(world.alice, world.collection, "stix", served + "/fixture/huge",
                   max_bytes=100_000)
    assert not StixObject.objects.exists()


def test_a_server_slower_than_the_limit_is_given_up(world: World, served: str) -> None:
    with pytest.raises(url_fetch.FetchError, match="longer than 1"):
        import_url(world.alice, world.collection, "stix", served + "/fixture/slow",
                   timeout=1.0)


def test_an_http_error_is_reported(world: World, served: str) -> None:
    with pytest.raises(url_fetch.FetchError, match="HTTP 404"):
        import_url(world.alice, world.collection, "stix", served + "/fixture/missing")


def test_loopback_is_refused_without_the_setting(world: World, served: str,
                                                 settings) -> None:
    settings.CYBERCOMMONS_ALLOW_PRIVATE_FETCH = False
    with pytest.raises(url_fetch.FetchError, match=r"non-public address 127\.0\.0\.1"):
        import_url(world.alice, world.collection, "stix", served + "/fixture/bundle.json")
    assert not StixObject.objects.exists()


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "169.254.169.254", "::1",
                                     "100.64.0.1", "fc00::1"])
def test_private_addresses_a_name_resolves_to_are_refused(address: str, settings) -> None:
    settings.CYBERCOMMONS_ALLOW_PRIVATE_FETCH = False
    answer = [(0, 0, 0, "", (address, 443))]
    with mock.patch.object(url_fetch.socket, "getaddrinfo", return_value=answer), \
            pytest.raises(url_fetch.FetchError, match="non-public address"):
        url_fetch.fetch("https://feeds.example/bundle.json")


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://feeds.example/bundle.json", "Only http"),
    ("file:///etc/passwd", "Only http"),
    ("https://user:pw@feeds.example/b.json", "user name or password"),
    ("https:///b.json", "no host"),
])
def test_other_schemes_and_urls_with_credentials_are_refused(url: str, reason: str) -> None:
    with pytest.raises(url_fetch.FetchError, match=reason):
        url_fetch.fetch(url)


def test_an_outsider_cannot_make_the_server_fetch(world: World) -> None:
    with mock.patch.object(url_fetch, "fetch") as fetch, \
            pytest.raises(PermissionDenied, match="may not add"):
        import_url(world.mallory, world.collection, "stix", "https://feeds.example/b.json")
    fetch.assert_not_called()


def test_an_unknown_format_is_refused_before_fetching(world: World) -> None:
    with mock.patch.object(url_fetch, "fetch") as fetch, \
            pytest.raises(ServiceError, match="use stix, misp or csv"):
        import_url(world.alice, world.collection, "xml", "https://feeds.example/b.xml")
    fetch.assert_not_called()


def test_the_cli_imports_a_url(world: World, served: str) -> None:
    out = io.StringIO()
    call_command("security", "import", "stix", served + "/fixture/bundle.json",
                 "--collection", "indicators", "--user", "alice", "--json", stdout=out)
    (report,) = json.loads(out.getvalue())
    assert report["stored"] == 2
    assert report["file"].endswith("/fixture/bundle.json")
