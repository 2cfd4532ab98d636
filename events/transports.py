"""The Channels transport: sends each published event to its channel-layer groups.

Registered in `EventsConfig.ready`. From web processes and Celery workers alike it reaches the WebSocket
consumers through the configured channel layer (channels-redis in the real mode). A full channel drops a live
message silently; clients recover it from the event log (`last_event_id`).

The in-memory layer of the embedded default keeps asyncio queues bound to the server's event loop: a publisher on
another thread hands the send to that loop (`events.server_loop`).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from events import server_loop
from events.frames import event_frame
from events.groups import groups_for
from events.models import Event

logger = logging.getLogger(__name__)

# The handler method on the consumers (`event_message`).
MESSAGE_TYPE = "event.message"
SEND_TIMEOUT = 10.0

def channels_transport(event: Event) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": MESSAGE_TYPE, "event": event_frame(event), "user_id": str(event.user_id or "")}
    groups = groups_for(event.type, event.data, event.user_id)
    if isinstance(layer, InMemoryChannelLayer) and server_loop.current() is not None and not server_loop.on_server_loop():
        server_loop.submit(_send_all(layer, groups, message), wait=SEND_TIMEOUT)
    else:
        async_to_sync(_send_all)(layer, groups, message)


async def _send_all(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)
