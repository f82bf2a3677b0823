"""The home page's counts: shared by anonymous visitors for seconds, never stale after a change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cybercommons.core import queries
from cybercommons.core.models import Country, Organisation
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def no_shared_counts() -> Iterator[None]:
    cache.delete(queries.PLATFORM_STATS_KEY)
    yield
    cache.delete(queries.PLATFORM_STATS_KEY)


def _counts_line(html: str) -> str:
    return next(line.strip() for line in html.splitlines() if "organisations" in line
                and "countries and territories" in line)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("no_shared_counts")
def test_anonymous_visitors_share_the_counts_until_an_organisation_is_added(client) -> None:
    Country.objects.create(code="KE", alpha3="KEN", numeric="404", name="Kenya")
    OrganisationFactory(name="Kenyan Registry", country_id="KE")
    assert "1 countries and territories · 1 organisations" in _counts_line(
        client.get("/").content.decode())
    # The second visit counts nothing: the page makes no query at all.
    with CaptureQueriesContext(connection) as queries_run:
        assert client.get("/").status_code == 200
    assert [q["sql"] for q in queries_run.captured_queries] == []
    # A new organisation (through the ORM, as the admin does) is counted at once.
    OrganisationFactory(name="Nairobi IXP", country_id="KE")
    assert "1 countries and territories · 2 organisations" in _counts_line(
        client.get("/").content.decode())
    Organisation.objects.filter(name="Nairobi IXP").delete()
    assert "· 1 organisations" in _counts_line(client.get("/").content.decode())


@pytest.mark.django_db
@pytest.mark.usefixtures("no_shared_counts")
def test_counts_read_inside_a_transaction_are_not_shared() -> None:
    """A test (or a request) inside a transaction may yet roll back what it counted."""
    OrganisationFactory()
    assert queries.platform_stats(AnonymousUser())["organisations"] == 1
    assert cache.get(queries.PLATFORM_STATS_KEY) is None


@pytest.mark.django_db
@pytest.mark.usefixtures("no_shared_counts")
def test_signed_in_people_always_get_their_own_counts() -> None:
    OrganisationFactory()
    cache.set(queries.PLATFORM_STATS_KEY, {"countries": 7, "organisations": 9})
    assert queries.platform_stats(AnonymousUser()) == {"countries": 7, "organisations": 9}
    assert queries.platform_stats(UserFactory()) == {"countries": 0, "organisations": 1}
