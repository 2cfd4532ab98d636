"""The Channels transport: sends each relayed event to its channel-layer groups.

Registered in `EventsConfig.ready` and called by the event relay only (events.relay), with a batch of events in
`seq` order. It reaches the WebSocket consumers through the configured channel layer (channels-redis in the real
mode). Each group's message carries `prev`, the `seq` last sent to that group by this relay (None after it
started): a consumer that did not receive `prev` on that group (a full channel dropped it, Redis restarted and
forgot the group) reads the gap from the event log before sending the frame, so live delivery has no holes either.

With channels-redis a batch costs two pipelined round trips per Redis host (`events.channel_batch`), whatever its
size, on a connection kept by the relay's own event loop; `group_send` per group and event cost four round trips
each, and `async_to_sync` a new event loop (and Redis connection) per call.

The in-memory layer of the embedded default keeps asyncio queues bound to the server's event loop: the relay, on
another thread, hands the send to that loop (`events.server_loop`).
"""

import logging
from collections.abc import Sequence

from channels.layers import InMemoryChannelLayer, get_channel_layer

from events import server_loop
from events.channel_batch import GroupMessage, group_send_many, run_on_thread_loop
from events.frames import event_frame
from events.groups import groups_for
from events.models import Event

logger = logging.getLogger(__name__)

# The handler method on the consumers (`event_message`).
MESSAGE_TYPE = "event.message"
SEND_TIMEOUT = 10.0

_last_sent: dict[str, int] = {}  # group → the last seq sent to it by this process


def channels_transport(events: Sequence[Event]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    messages = _messages(events)
    if not messages:
        return
    if isinstance(layer, InMemoryChannelLayer) and server_loop.current() is not None and not server_loop.on_server_loop():
        server_loop.submit(_send_all(layer, messages), wait=SEND_TIMEOUT)
    else:
        run_on_thread_loop(_send_all(layer, messages))


def _messages(events: Sequence[Event]) -> list[GroupMessage]:
    """Each event's message to each of its groups, in `seq` order; `prev` chains the messages of a group. (A batch
    sent again after a Redis error repeats frames some consumers had: they drop them.)"""
    messages: list[GroupMessage] = []
    last: dict[str, int | None] = dict(_last_sent)
    for event in events:
        frame = event_frame(event)
        user_id = str(event.user_id or "")
        for group in groups_for(event.type, event.data, event.user_id):
            messages.append((group, {"type": MESSAGE_TYPE, "event": frame, "user_id": user_id, "group": group,
                                     "prev": last.get(group)}))
            last[group] = event.seq
    return messages


async def _send_all(layer, messages: list[GroupMessage]) -> None:
    await group_send_many(layer, messages)
    for group, message in messages:
        _last_sent[group] = message["event"]["id"]
