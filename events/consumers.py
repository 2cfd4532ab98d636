"""WebSocket presentation of the event log: `/ws/events/` and the shared machinery of every event socket.

A thin adapter: authenticate in `connect` (the middleware put the user in the scope), join the user's groups,
replay the log after `last_event_id`, then forward live events — checking per event that the caller may see it.
Frame ids are the relay's `seq` (events.relay), one increasing sequence: a consumer never sends an id at or below
the last one it sent, so joining the groups *before* reading the log means a resuming client gets every event
once and in order. A live message whose `prev` is not the last one this socket saw on its group means frames were
lost on the way (full channel, Redis restarted): the gap is read from the log first. Groups are joined again
every `REJOIN_SECONDS`, as a restarted Redis forgets them.
"""

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from events import server_loop
from events.frames import event_frame
from events.groups import ADMIN_GROUP, GLOBAL_GROUP, is_chat_event, user_chat_group, user_group
from events.relay import ensure_embedded_relay
from events.selectors import events_after, latest_event_id

logger = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
CLOSE_NOT_FOUND = 4404
MAX_CLIENT_MESSAGE_BYTES = 64 * 1024
REJOIN_SECONDS = 10.0


class EventStreamConsumer(AsyncWebsocketConsumer):
    """Base of the event sockets. Subclasses say which groups to join, what to replay, what clients may send."""

    async def connect(self) -> None:
        server_loop.remember()
        ensure_embedded_relay()
        self.user = self.scope.get("user")
        self.joined: list[str] = []
        self.last_sent = 0  # the last frame id (seq) sent: never send one at or below it
        self.group_seen: dict[str, int] = {}  # group → the last seq received on it
        self.expiry_task: asyncio.Task | None = None
        self.rejoin_task: asyncio.Task | None = None
        if self.user is None or not self.user.is_authenticated:
            # Accept first so the browser sees the close code (a refused handshake shows up as 1006).
            await self.accept()
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        if not await self.authorize():
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        last_event_id = self._last_event_id()
        for group in self.groups_to_join():
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.accept()
        self._watch_token_expiry()
        self.rejoin_task = asyncio.ensure_future(self._keep_joined())
        if last_event_id is not None:
            self.last_sent = last_event_id
            await self._replay()
        else:
            self.last_sent = await database_sync_to_async(latest_event_id)()
        # Live events that arrived during the replay were held in our channel; they are dispatched after
        # this handler returns and filtered in `event_message`.

    async def disconnect(self, code: int) -> None:
        for task in (getattr(self, "expiry_task", None), getattr(self, "rejoin_task", None)):
            if task is not None:
                task.cancel()
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = []

    # ---- to override ----------------------------------------------------------------------------------

    async def authorize(self) -> bool:
        return True

    def groups_to_join(self) -> list[str]:
        raise NotImplementedError

    def replay_batch(self, after_id: int) -> list[dict[str, Any]]:
        """Frames of the caller's events after `after_id`, oldest first (sync: runs in a thread)."""
        raise NotImplementedError

    async def handle_client_message(self, message_type: str, payload: dict[str, Any]) -> None:
        await self.send_error("unknown_type", f"Unknown message type {message_type!r}.")

    # ---- live events -------------------------------------------------------------------------------------

    async def event_message(self, message: dict[str, Any]) -> None:
        """A published event from the channel layer (transport message type `event.message`)."""
        frame = message["event"]
        group = message.get("group")
        if group is not None:
            seen = self.group_seen.get(group)
            self.group_seen[group] = frame["id"]
            if seen is not None and message.get("prev") != seen:
                await self._replay()  # frames were lost on the way: the gap from the log, in order
        if frame["id"] <= self.last_sent:
            return  # already sent (replayed, or relayed again)
        if not self.may_receive(message.get("user_id") or "", frame):
            return
        await self.send(text_data=json.dumps(frame))
        self.last_sent = frame["id"]

    def may_receive(self, owner_id: str, frame: dict[str, Any]) -> bool:
        """Per-event check before sending: the caller's own events, global ones, or (admins) others' non-chat ones."""
        if not owner_id or owner_id == str(self.user.pk):
            return True
        return bool(getattr(self.user, "is_admin", False)) and not is_chat_event(frame["type"])

    # ---- client messages -------------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self._token_expired():
            await self.close(code=CLOSE_UNAUTHORIZED)
            return
        if text_data is None:
            await self.send_error("invalid_message", "Messages must be JSON text frames.")
            return
        if len(text_data) > MAX_CLIENT_MESSAGE_BYTES:
            await self.send_error("message_too_large", "The message is too large.")
            return
        try:
            payload = json.loads(text_data)
        except ValueError:
            await self.send_error("invalid_json", "The message is not valid JSON.")
            return
        if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
            await self.send_error("invalid_message", 'A message is a JSON object with a "type".')
            return
        if payload["type"] == "ping":
            await self.send(text_data=json.dumps({"type": "pong"}))
            return
        try:
            await self.handle_client_message(payload["type"], payload)
        except Exception:
            logger.exception("Error handling a %r message", payload["type"])
            await self.send_error("server_error", "The message could not be handled.")

    async def send_error(self, code: str, detail: str, **extra: Any) -> None:
        frame = {
            "id": None,
            "type": "error",
            "data": {"code": code, "detail": detail, **extra},
            "timestamp": timezone.now().isoformat(),
        }
        await self.send(text_data=json.dumps(frame))

    # ---- helpers ---------------------------------------------------------------------------------------------

    def _query_param(self, name: str) -> str | None:
        params = self.scope.get("query_params")
        if params is None:
            params = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        values = params.get(name) or []
        return values[-1] if values else None

    def _last_event_id(self) -> int | None:
        raw = self._query_param("last_event_id")
        if raw is None or raw == "":
            return None
        try:
            value = int(raw)
        except ValueError:
            return None
        return max(value, 0)

    async def _replay(self) -> None:
        """Send the caller's relayed events after `last_sent` from the log, in order."""
        while True:
            frames = await database_sync_to_async(self.replay_batch)(self.last_sent)
            if not frames:
                return
            for frame in frames:
                await self.send(text_data=json.dumps(frame))
                self.last_sent = frame["id"]

    async def _keep_joined(self) -> None:
        while True:
            await asyncio.sleep(REJOIN_SECONDS)
            for group in self.joined:
                try:
                    await self.channel_layer.group_add(group, self.channel_name)
                except Exception as exc:  # Redis down: try again next time
                    logger.warning("Could not rejoin %s: %s", group, exc)

    def _token_expired(self) -> bool:
        exp = self.scope.get("token_exp")
        return exp is not None and time.time() >= exp

    def _watch_token_expiry(self) -> None:
        exp = self.scope.get("token_exp")
        if exp is None:
            return

        async def close_at_expiry() -> None:
            await asyncio.sleep(max(0.0, exp - time.time()))
            await self.close(code=CLOSE_UNAUTHORIZED)

        self.expiry_task = asyncio.ensure_future(close_at_expiry())


class EventsConsumer(EventStreamConsumer):
    """`/ws/events/`: the caller's events (admins: everyone's) and the global agent events."""

    def groups_to_join(self) -> list[str]:
        if getattr(self.user, "is_admin", False):
            # Every user's non-chat events (their own included), their own chats, the global events.
            return [ADMIN_GROUP, user_chat_group(self.user.pk), GLOBAL_GROUP]
        return [user_group(self.user.pk), GLOBAL_GROUP]

    def replay_batch(self, after_id: int) -> list[dict[str, Any]]:
        return [event_frame(event) for event in events_after(self.user, after_id)]
