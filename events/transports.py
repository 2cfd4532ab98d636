"""The Channels transport: sends each published event to its channel-layer groups.

Registered in `EventsConfig.ready`. From web processes and Celery workers alike it reaches the WebSocket
consumers through the configured channel layer (channels-redis in the real mode). A full channel drops a live
message silently; clients recover it from the event log (`last_event_id`).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from events.frames import event_frame
from events.groups import groups_for
from events.models import Event

logger = logging.getLogger(__name__)

# The handler method on the consumers (`event_message`).
MESSAGE_TYPE = "event.message"


def channels_transport(event: Event) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": MESSAGE_TYPE, "event": event_frame(event), "user_id": str(event.user_id or "")}
    async_to_sync(_send_all)(layer, groups_for(event.type, event.data, event.user_id), message)


async def _send_all(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)
