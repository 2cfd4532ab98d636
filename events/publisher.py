"""The one place that publishes domain events.

`publish()` records the event in the log, in the same transaction as the change it describes: a rolled-back change
never emits. The event relay (events.relay) broadcasts committed events to every registered transport (Channels
groups, Socket.IO rooms, registered with `events.relay.register_transport`) in one commit-ordered sequence. Views, tasks and services call `publish()`; none of them
touch a transport.

A transaction that publishes several events (a pipeline stage: `lead.updated`, `lead.progress`, ...) wraps them in
`batched()`: they are inserted together, in one multi-row INSERT at the end of the block, in publish order.
"""

import contextlib
import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction

from events.models import Event
from events.relay import wake

_local = threading.local()  # `pending`: the events of the current `batched()` block of this thread


def publish(event_type: str, data: dict[str, Any], *, user_id: uuid.UUID | None = None) -> Event:
    """Record `event_type` for `user_id` (None: everyone); the relay broadcasts it once committed. Inside
    `batched()` the event is stored when the block ends (its `id` is set then)."""
    return publish_many([(event_type, data, user_id)])[0]


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Store the events published in the block with one INSERT when it ends (use it inside the transaction, so the
    events commit with the change). An exception discards them, as the rollback would; a nested block joins the
    outer one."""
    if getattr(_local, "pending", None) is not None:
        yield
        return
    pending: list[Event] = []
    _local.pending = pending
    try:
        yield
    finally:
        _local.pending = None
    _store(pending)


def _store(events: list[Event]) -> None:
    if not events:
        return
    Event.objects.bulk_create(events)  # one INSERT; ids follow the list's order
    if connection.vendor != "postgresql":  # PostgreSQL: the insert trigger NOTIFYs the relay at commit
        transaction.on_commit(wake)


# An event to record: (type, data, user_id), as `publish()` takes them.
PendingEvent = tuple[str, dict[str, Any], uuid.UUID | None]


def publish_many(events: Iterable[PendingEvent]) -> list[Event]:
    """Record several events in one INSERT, in order: `publish()` for a batch (e.g. every lead of an enqueue).
    Inside `batched()` they join the block's events."""
    created = [Event(type=kind, data=data, user_id=user_id) for kind, data, user_id in events]
    pending: list[Event] | None = getattr(_local, "pending", None)
    if pending is not None:
        pending.extend(created)
    else:
        _store(created)
    return created
