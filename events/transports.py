"""The Channels transport: sends each relayed event to its channel-layer groups.

Registered in `EventsConfig.ready` and called by the event relay only (events.relay), in `seq` order. It reaches
the WebSocket consumers through the configured channel layer (channels-redis in the real mode). Each group's
message carries `prev`, the `seq` last sent to that group by this relay (None after it started): a consumer that
did not receive `prev` on that group (a full channel dropped it, Redis restarted and forgot the group) reads the
gap from the event log before sending the frame, so live delivery has no holes either.

The in-memory layer of the embedded default keeps asyncio queues bound to the server's event loop; a publisher
on another thread (the embedded Celery worker) must hand the send to that loop rather than run it on a loop of
its own, or the waiting consumer may not be woken.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer

from events.frames import event_frame
from events.groups import groups_for
from events.models import Event

logger = logging.getLogger(__name__)

# The handler method on the consumers (`event_message`).
MESSAGE_TYPE = "event.message"
SEND_TIMEOUT = 10.0

_server_loop: asyncio.AbstractEventLoop | None = None
_last_sent: dict[str, int] = {}  # group → the last seq sent to it by this process


def remember_server_loop() -> None:
    """Called by the consumers (on the server's loop) so in-process publishers can reach it."""
    global _server_loop
    _server_loop = asyncio.get_running_loop()


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
    loop = _server_loop
    if isinstance(layer, InMemoryChannelLayer) and loop is not None and loop.is_running() and not _on(loop):
        asyncio.run_coroutine_threadsafe(_send_all(layer, messages), loop).result(timeout=SEND_TIMEOUT)
    else:
        async_to_sync(_send_all)(layer, messages)


def _on(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


async def _send_all(layer, messages: dict[str, dict]) -> None:
    for group, message in messages.items():
        await layer.group_send(group, message)
        _last_sent[group] = message["event"]["id"]
