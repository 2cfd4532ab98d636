"""The Channels transport: sends each relayed event to its channel-layer groups.

Registered in `EventsConfig.ready` and called by the event relay only (events.relay), in `seq` order. It reaches
the WebSocket consumers through the configured channel layer (channels-redis in the real mode). Each group's
message carries `prev`, the `seq` last sent to that group by this relay (None after it started): a consumer that
did not receive `prev` on that group (a full channel dropped it, Redis restarted and forgot the group) reads the
gap from the event log before sending the frame, so live delivery has no holes either.

The in-memory layer of the embedded default keeps asyncio queues bound to the server's event loop: the relay, on
another thread, hands the send to that loop (`events.server_loop`).
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

_last_sent: dict[str, int] = {}  # group → the last seq sent to it by this process


def channels_transport(event: Event) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    frame = event_frame(event)
    messages = {
        group: {"type": MESSAGE_TYPE, "event": frame, "user_id": str(event.user_id or ""), "group": group,
                "prev": _last_sent.get(group)}
        for group in groups_for(event.type, event.data, event.user_id)
    }
    if isinstance(layer, InMemoryChannelLayer) and server_loop.current() is not None and not server_loop.on_server_loop():
        server_loop.submit(_send_all(layer, messages), wait=SEND_TIMEOUT)
    else:
        async_to_sync(_send_all)(layer, messages)


async def _send_all(layer, messages: dict[str, dict]) -> None:
    for group, message in messages.items():
        await layer.group_send(group, message)
        _last_sent[group] = message["event"]["id"]
