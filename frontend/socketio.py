"""The Socket.IO server of the frontend profile (FRONTEND.md §10) and its event-publisher transport.

Server: python-socketio `AsyncServer` mounted at `/socket.io/` next to Channels (nellia/asgi.py). A socket
authenticates with `auth.token` (a simplejwt access token), joins room `user-<id>` (`events.groups.socketio_room`)
and, like the Channels sockets, is disconnected when its token expires.

Transport (registered in FrontendConfig.ready, called by the event relay with a batch of events in `seq` order):
renders the batch once (frontend.realtime.render_batch: the leads it shows read in one query) and publishes its
emits in one pipelined Redis round trip, each payload serialised once for all its room's sockets.
`agent.status` is coalesced per agent (`AgentUpdates`): the pipeline changes an agent's status twice per stage of
every lead, but every socket gets each agent's `agent-update` at most every AGENT_UPDATE_INTERVAL_SECONDS, the last
change of a burst included. Real mode (REDIS_URL set): the relay publishes through a write-only `RelayRedisWriter`;
the Daphne processes' `FanOutRedisManager` encodes each emit once and queues it on their sockets. Embedded
default: the in-process manager; sync code schedules the emit onto the server's event loop (nobody connected to
this process yet → nothing to deliver).
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import engineio.packet
import socketio
import socketio.packet
from django.conf import settings
from django.db import connection
from redis.exceptions import RedisError
from socketio.exceptions import ConnectionRefusedError as SocketRefused

from events import server_loop
from events.groups import socketio_room
from nellia.daphne_websocket import Messages, lean_frames_in_use

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_server: socketio.AsyncServer | None = None
_writer: tuple[int, socketio.RedisManager] | None = None
_expiries: dict[str, asyncio.TimerHandle] = {}  # sid → its disconnection at the token's expiry (server loop only)


def redis_channel() -> str:
    """The pub/sub channel; Redis pub/sub ignores the db number, so it is part of the name."""
    db = urlsplit(settings.REDIS_URL).path.strip("/") or "0"
    return f"nellia-socketio-{db}"


def get_server() -> socketio.AsyncServer:
    """The process's AsyncServer (created on first use, with its handlers)."""
    global _server
    with _lock:
        if _server is None:
            manager = FanOutRedisManager(settings.REDIS_URL, channel=redis_channel()) if settings.REDIS_URL else None
            server = socketio.AsyncServer(
                async_mode="asgi",
                cors_allowed_origins=list(settings.CORS_ALLOWED_ORIGINS),
                client_manager=manager,
                logger=False,
                engineio_logger=False,
            )
            _register_handlers(server)
            _server = server
    return _server


def _token_from(auth: Any, environ: dict[str, Any]) -> str | None:
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return auth["token"]
    params = parse_qs(environ.get("QUERY_STRING", ""))
    return params["token"][-1] if params.get("token") else None


def _register_handlers(server: socketio.AsyncServer) -> None:
    from events.relay import ensure_embedded_relay
    from nellia.ws_auth import user_from_token

    @server.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        server_loop.remember()
        ensure_embedded_relay()
        token = _token_from(auth, environ)
        user, exp = await user_from_token(token or "")
        if not getattr(user, "is_authenticated", False):
            raise SocketRefused("unauthorized")
        await server.save_session(sid, {"user_id": str(user.pk)})
        await server.enter_room(sid, socketio_room(user.pk))
        if exp is not None:  # no socket outlives its token (the client's reconnection is then refused)
            expiry = asyncio.get_running_loop().call_later(
                max(0.0, exp - time.time()), lambda: asyncio.ensure_future(server.disconnect(sid))
            )
            _expiries[sid] = expiry

    @server.event
    async def disconnect(sid: str, *_reason: Any) -> None:
        expiry = _expiries.pop(sid, None)
        if expiry is not None:
            expiry.cancel()

    @server.on("join-user-room")
    async def join_user_room(sid: str, data: Any = None) -> None:
        session = await server.get_session(sid)
        if isinstance(data, dict) and str(data.get("userId")) == session.get("user_id"):
            await server.enter_room(sid, socketio_room(session["user_id"]))  # already in it: honoured, no effect

    @server.on("subscribe")
    async def subscribe(sid: str, data: Any = None) -> None:
        return None

    @server.on("unsubscribe")
    async def unsubscribe(sid: str, data: Any = None) -> None:
        return None


class FanOutRedisManager(socketio.AsyncRedisManager):
    """The web processes' manager. A relayed emit to a room (no callback, no binary data, no skipped socket: all of
    the relay's) is encoded once and queued on each of the room's sockets, with no task per socket (python-socketio
    makes one per socket and waits for them all, per emit).

    The emits of a relay pass arrive together. Where Daphne's lean protocol serves the WebSockets
    (nellia.daphne_websocket), those read in one go are gathered per socket until the loop's next turn, and a socket
    that got several gets them as one `PacketBatch`: its writer then hands them to Daphne in one ASGI send, which
    writes them as their frames in one go, framed once for all the sockets that got the same ones. The per-socket
    cost of a pass no longer grows with its events. Anything else takes python-socketio's own path, after what was
    gathered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._gathered: dict[str, list[engineio.packet.Packet]] | None = None  # Engine.IO sid → its packets

    async def _handle_emit(self, message: dict[str, Any]) -> None:
        data = message.get("data")
        if (message.get("callback") is not None or message.get("binary") or message.get("skip_sid")
                or not isinstance(data, list) or len(data) != 1):
            self._flush()  # what came before goes first
            await super()._handle_emit(message)
            return
        namespace = message.get("namespace") or "/"
        encoded = self.server.packet_class(socketio.packet.EVENT, namespace=namespace, data=[message["event"], data[0]]).encode()
        packet = engineio.packet.Packet(engineio.packet.MESSAGE, encoded)
        batching = lean_frames_in_use()  # only Daphne's lean protocol takes a batch apart
        gathered = self._gathered
        if gathered is None:
            gathered = self._gathered = {}
            if batching:  # on the loop's next turn: the emits read in the same go join
                asyncio.get_running_loop().call_soon(self._flush)
        for _sid, eio_sid in self.get_participants(namespace, message.get("room")):
            gathered.setdefault(eio_sid, []).append(packet)
        if not batching:
            self._flush()

    def _flush(self) -> None:
        """Queue what was gathered: a socket's packets as one `PacketBatch`, shared by the sockets that got the same."""
        gathered, self._gathered = self._gathered, None
        if not gathered:
            return
        sockets = self.server.eio.sockets
        batches: dict[tuple[int, ...], engineio.packet.Packet] = {}
        for eio_sid, packets in gathered.items():
            socket = sockets.get(eio_sid)
            if socket is None or socket.closed:
                continue
            if len(packets) == 1:
                socket.queue.put_nowait(packets[0])
                continue
            key = tuple(map(id, packets))  # the packets are alive: ids are unique
            batch = batches.get(key)
            if batch is None:
                batch = batches[key] = PacketBatch(packets)
            socket.queue.put_nowait(batch)


class PacketBatch(engineio.packet.Packet):
    """Engine.IO MESSAGE packets queued on a socket as one. Encoded, they are a `Messages` of their encodings: Daphne's
    lean protocol sends them as a frame each (WebSocket); its string value is their long-polling encoding (joined by
    U+001E, Engine.IO v4), so a socket not upgraded yet receives them as usual."""

    def __init__(self, packets: Sequence[engineio.packet.Packet]) -> None:
        super().__init__(engineio.packet.MESSAGE, "")
        texts = [packet.encode() for packet in packets]
        self.encode_cache = Messages("\x1e".join(texts), texts)


class RelayRedisWriter(socketio.RedisManager):
    """The write-only manager the event relay emits through. python-socketio's own gives up silently when Redis is
    unreachable; this one raises, so the relay retries the event until Redis is back. A message no web process
    received (their subscriptions are re-made a few seconds after a Redis restart) is published again for up to
    `LISTENER_WAIT_SECONDS`; after one such wait in vain no more waiting until a web process listens again."""

    LISTENER_WAIT_SECONDS = 10.0
    connected: bool  # RedisManager's: whether `redis` is connected

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listeners_gone = False

    def emit_many(self, emits: Sequence[tuple[str, dict[str, Any], str | None]]) -> None:
        """`emit` each `(event, data, room)` of `emits`, in order, in one pipelined round trip."""
        self._publish_all([self.json.dumps(self._emit_message(name, data, room)) for name, data, room in emits])

    def _emit_message(self, event: str, data: dict[str, Any], room: str | None) -> dict[str, Any]:
        """What `socketio.PubSubManager.emit` publishes for a JSON payload without a callback."""
        return {"method": "emit", "event": event, "data": [data], "binary": False, "namespace": "/", "room": room,
                "skip_sid": None, "callback": None, "host_id": self.host_id}

    def _publish(self, data: Any) -> None:
        self._publish_all([self.json.dumps(data)])

    def _publish_all(self, payloads: list[str]) -> None:
        """Publish `payloads` in order; from the first one no web process received, again until one does (or the
        wait is over)."""
        if not self.connected:
            self._redis_connect()
        deadline = time.monotonic() + (0 if self.listeners_gone else self.LISTENER_WAIT_SECONDS)
        while payloads:
            pipe = self.redis.pipeline(transaction=False)
            for payload in payloads:
                pipe.publish(self.channel, payload)
            try:
                received = pipe.execute()
            except Exception:
                self.connected = False
                raise
            first_missed = next((n for n, count in enumerate(received) if not count), None)
            if first_missed is None or time.monotonic() >= deadline:
                self.listeners_gone = first_missed is not None
                return
            payloads = payloads[first_missed:]
            time.sleep(0.5)


def _redis_writer() -> socketio.RedisManager:
    """A write-only Redis manager per process (re-created after fork: Celery prefork children)."""
    global _writer
    pid = os.getpid()
    with _lock:
        if _writer is None or _writer[0] != pid:
            _writer = (pid, RelayRedisWriter(settings.REDIS_URL, channel=redis_channel(), write_only=True))
        return _writer[1]


def can_deliver() -> bool:
    """False when no socket can be listening (embedded default before any connection): skip rendering."""
    return bool(settings.REDIS_URL) or server_loop.current() is not None


def emit(event: str, data: dict[str, Any], room: str | None) -> None:
    """Emit `event` to `room` (None: every socket) from sync code, in any process."""
    emit_many([(event, data, room)])


def emit_many(emits: Sequence[tuple[str, dict[str, Any], str | None]]) -> None:
    """Emit each `(event, data, room)` of `emits`, in order, from sync code, in any process: one Redis round trip."""
    if not emits:
        return
    if settings.REDIS_URL:
        _redis_writer().emit_many(emits)
        return
    if server_loop.current() is not None:
        server_loop.submit(_emit_in_order(get_server(), emits))


async def _emit_in_order(server: socketio.AsyncServer, emits: Sequence[tuple[str, dict[str, Any], str | None]]) -> None:
    for name, data, room in emits:
        await server.emit(name, data, room=room, namespace="/")


class AgentUpdates:
    """Coalesces the updates of each agent: `changed(id)` calls `send(id)` at once if the agent's last send is
    `interval` seconds old, else once at the end of that interval (on a timer thread), however many changes came
    meanwhile. `send` renders the agent as it is then, so the last change is never lost."""

    def __init__(self, send: Callable[[str], None], interval: Callable[[], float]) -> None:
        self._send = send
        self._interval = interval
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._pending: dict[str, threading.Timer] = {}

    def changed(self, agent_id: str) -> None:
        with self._lock:
            if agent_id in self._pending:
                return  # its send is scheduled and will carry this change
            wait = self._last.get(agent_id, -math.inf) + self._interval() - time.monotonic()
            if wait > 0:
                timer = threading.Timer(wait, self._flush, args=(agent_id,))
                timer.daemon = True
                self._pending[agent_id] = timer
                timer.start()
                return
            self._last[agent_id] = time.monotonic()
        self._send(agent_id)

    def _flush(self, agent_id: str) -> None:
        with self._lock:
            self._pending.pop(agent_id, None)
            self._last[agent_id] = time.monotonic()
        try:
            self._send(agent_id)
        except Exception:  # a timer thread has nobody to raise to
            logger.exception("agent-update of agent %s not sent", agent_id)
        finally:
            connection.close()  # this thread's database connection


def _send_agent_update(agent_id: str) -> None:
    from frontend.realtime import agent_update

    emit_many(agent_update(agent_id))


agent_updates = AgentUpdates(_send_agent_update, lambda: settings.AGENT_UPDATE_INTERVAL_SECONDS)


def socketio_transport(events: Sequence[Any]) -> None:
    """The event relay's transport: a batch of domain events → their Socket.IO events (frontend.realtime), published
    at once. (A batch sent again after a Redis error may repeat the frames of a pipeline cut short.)"""
    if not can_deliver():
        return
    from frontend.realtime import render_batch

    emit_many(render_batch([event for event in events if event.type != "agent.status"]))
    # After the batch's emits, which a due agent-update (rendered here) must not hold back; and the batch is not
    # sent again for it: an agent-update that Redis refused is superseded by the agent's next one.
    for event in events:
        if event.type == "agent.status":
            try:
                agent_updates.changed(str(event.data.get("agent_id")))
            except (OSError, RedisError) as exc:
                logger.warning("agent-update not sent (%s)", exc)
