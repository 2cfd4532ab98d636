"""The one place that publishes domain events.

`publish()` records the event in the log, in the same transaction as the change it describes: a rolled-back change
never emits. The event relay (events.relay) broadcasts committed events to every registered transport (Channels
groups, Socket.IO rooms, registered with `events.relay.register_transport`) in one commit-ordered sequence. Views, tasks and services call `publish()`; none of them
touch a transport.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from events.models import Event
from events.relay import wake


def publish(event_type: str, data: dict[str, Any], *, user_id: uuid.UUID | None = None) -> Event:
    """Record `event_type` for `user_id` (None: everyone); the relay broadcasts it once committed."""
    event = Event.objects.create(type=event_type, data=data, user_id=user_id)
    if connection.vendor != "postgresql":  # PostgreSQL: the insert trigger NOTIFYs the relay at commit
        transaction.on_commit(wake)
    return event


# An event to record: (type, data, user_id), as `publish()` takes them.
PendingEvent = tuple[str, dict[str, Any], uuid.UUID | None]


def publish_many(events: Iterable[PendingEvent]) -> list[Event]:
    """Record several events in one INSERT, in order: `publish()` for a batch (e.g. every lead of an enqueue)."""
    created = Event.objects.bulk_create([Event(type=kind, data=data, user_id=user_id) for kind, data, user_id in events])
    if created and connection.vendor != "postgresql":
        transaction.on_commit(wake)
    return created
