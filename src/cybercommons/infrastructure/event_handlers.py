"""Core events the infrastructure module listens to (subscribed through the manifest).

Handlers parse the payload and call a service; a payload that does not fit is logged with
the reason and dropped, so one bad event never stops the publisher or other listeners.
"""

from __future__ import annotations

import logging
from typing import Any

from cybercommons.core.errors import ServiceError
from cybercommons.infrastructure import services

logger = logging.getLogger(__name__)


def population_updated(name: str, payload: dict[str, Any]) -> None:
    """``{"country": "KE", "year": 2023, "value": 55100000}``: keep the newest year."""
    try:
        services.record_population(payload.get("country", ""), payload.get("year"),
                                   payload.get("value"), source=name)
    except (ServiceError, AttributeError) as error:
        logger.warning("%s ignored: %s (payload %r)", name, error, payload)
