"""Population figures published by another module through core's events fill the table."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from cybercommons.core import events
from cybercommons.core.errors import ServiceError
from cybercommons.core.models import AuditEntry
from cybercommons.infrastructure import analysis, services
from cybercommons.infrastructure.models import Population

EVENT = "economy.population.updated"


def _publish(payload: dict[str, Any]) -> None:
    # Handlers run when the publishing transaction commits, as in production.
    with transaction.atomic():
        events.publish(EVENT, payload, source="economy")


@pytest.mark.django_db(transaction=True)
def test_a_published_population_fills_the_table_keeping_the_newest_year(countries: None) -> None:
    _publish({"country": "KE", "year": 2023, "value": 55100000})
    row = Population.objects.get(country_id="KE")
    assert (row.population, row.year) == (55100000, 2023)
    assert analysis.population_map()["KE"] == 55100000.0
    assert AuditEntry.objects.filter(action="infrastructure.population.received",
                                     object_id="KE").count() == 1
    # The newest year wins whatever the order of the events.
    _publish({"country": "KE", "year": 2021, "value": 53000000})
    assert Population.objects.get(country_id="KE").year == 2023
    _publish({"country": "KE", "year": 2024, "value": 56400000})
    row = Population.objects.get(country_id="KE")
    assert (row.population, row.year) == (56400000, 2024)


@pytest.mark.django_db(transaction=True)
def test_rolled_back_and_bad_events_change_nothing_and_good_ones_land(countries: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(EVENT, {"country": "KE", "year": 2023, "value": 1}, source="economy")
        raise RuntimeError("the publisher failed")
    assert not Population.objects.filter(country_id="KE").exists()
    # Bad payloads are dropped one by one; a good one after them still lands.
    _publish({"country": "Atlantis", "year": 2023, "value": 10})
    _publish({"country": "KE", "year": "last year", "value": 10})
    _publish({"country": "KE", "year": 2023, "value": -5})
    assert not Population.objects.exists()
    _publish({"country": "ke", "year": 2023, "value": 55100000})
    assert Population.objects.get(country_id="KE").population == 55100000


@pytest.mark.django_db
def test_the_service_names_the_bad_field(countries: None) -> None:
    with pytest.raises(ServiceError) as error:
        services.record_population("KE", 2023, "many", source="test")
    assert error.value.field == "value"
    with pytest.raises(ServiceError) as error:
        services.record_population("KE", 1200, 5, source="test")
    assert error.value.field == "year"
    with pytest.raises(ServiceError) as error:
        services.record_population("XX", 2023, 5, source="test")
    assert error.value.field == "country"
