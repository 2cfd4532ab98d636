"""The wire shape of an event, shared by every transport: `{id, type, data, timestamp}`."""

from typing import Any

from events.models import Event


def event_frame(event: Event) -> dict[str, Any]:
    """The frame of a relayed event: its id is the event's `seq` (delivery order and resume cursor)."""
    return {
        "id": event.seq,
        "type": event.type,
        "data": event.data,
        "timestamp": event.created_at.isoformat() if event.created_at else None,
    }
