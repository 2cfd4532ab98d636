"""The one place that publishes domain events.

`publish()` records the event in the log (same transaction as the change it describes) and, once that
transaction commits, hands it to every registered transport (Channels groups, Socket.IO rooms). A rolled-back
change therefore never emits. Views, tasks and services call `publish()`; none of them touch a transport.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction

from events.models import Event

logger = logging.getLogger(__name__)

Transport = Callable[[Event], None]
_transports: list[Transport] = []


def register_transport(transport: Transport) -> None:
    """Add a transport (called from an AppConfig.ready); registering twice is a no-op."""
    if transport not in _transports:
        _transports.append(transport)


def publish(event_type: str, data: dict[str, Any], *, user_id: uuid.UUID | None = None) -> Event:
    """Record `event_type` for `user_id` (None: everyone) and broadcast it after the commit."""
    event = Event.objects.create(type=event_type, data=data, user_id=user_id)
    transaction.on_commit(lambda: _broadcast(event))
    return event


def _broadcast(event: Event) -> None:
    for transport in _transports:
        try:
            transport(event)
        except Exception:  # a broken transport must not lose the event for the others; the log keeps it
            logger.exception("Transport %r failed for event %s", transport, event.id)
