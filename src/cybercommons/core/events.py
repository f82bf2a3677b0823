"""Events through which modules tell each other what happened, without importing each other.

A module publishes a named event with a JSON payload; other modules subscribe by name in
their ``AppConfig.ready()`` (or through their manifest). Events are stored (an outbox that
can be inspected and replayed) and handed to subscribers only once the publishing
transaction commits, so a handler never sees a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

from cybercommons.core.models import Event

logger = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], None]

_subscribers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, handler: Handler) -> None:
    """Call ``handler(name, payload)`` after each committed event called ``name``.

    ``"*"`` subscribes to every event. Subscribing the same handler twice has no effect.
    """
    if handler not in _subscribers[name]:
        _subscribers[name].append(handler)


def unsubscribe(name: str, handler: Handler) -> None:
    """Stop calling ``handler`` for ``name``."""
    if handler in _subscribers.get(name, []):
        _subscribers[name].remove(handler)


def publish(name: str, payload: dict[str, Any], *, source: str = "") -> Event:
    """Store the event and deliver it to subscribers when the transaction commits."""
    event = Event.objects.create(name=name, payload=payload, source=source)
    transaction.on_commit(lambda: _deliver(name, payload))
    return event


def _deliver(name: str, payload: dict[str, Any]) -> None:
    for handler in [*_subscribers.get(name, []), *_subscribers.get("*", [])]:
        try:
            handler(name, payload)
        except Exception:
            # One failing subscriber must not stop the others nor the publisher's request.
            logger.exception("event handler %r failed for %s", handler, name)
