"""The one place that publishes domain events.

`publish()` records the event in the log, in the same transaction as the change it describes: a rolled-back change
never emits. The event relay (events.relay) broadcasts committed events to every registered transport (Channels
groups, Socket.IO rooms) in one commit-ordered sequence. Views, tasks and services call `publish()`; none of them
touch a transport.
"""

import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from events.models import Event

Transport = Callable[[Event], None]
_transports: list[Transport] = []


def register_transport(transport: Transport) -> None:
    """Add a transport (called from an AppConfig.ready); registering twice is a no-op."""
    if transport not in _transports:
        _transports.append(transport)


def transports() -> list[Transport]:
    """The registered transports, for the relay."""
    return list(_transports)


def publish(event_type: str, data: dict[str, Any], *, user_id: uuid.UUID | None = None) -> Event:
    """Record `event_type` for `user_id` (None: everyone); the relay broadcasts it once committed."""
    event = Event.objects.create(type=event_type, data=data, user_id=user_id)
    if connection.vendor != "postgresql":  # PostgreSQL: the insert trigger NOTIFYs the relay at commit
        from events.relay import wake

        transaction.on_commit(wake)
    return event
