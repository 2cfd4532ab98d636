"""The Socket.IO server of the frontend profile (FRONTEND.md §10) and its event-publisher transport.

Server: python-socketio `AsyncServer` mounted at `/socket.io/` next to Channels (nellia/asgi.py). A socket
authenticates with `auth.token` (a simplejwt access token) and joins room `user-<id>` (`events.groups.socketio_room`).

Transport (registered in FrontendConfig.ready, called by the event relay in `seq` order): renders each relayed
domain event (frontend.realtime) and emits it. Real mode (REDIS_URL set): the relay publishes through a write-only
`RelayRedisWriter`; the Daphne processes' `AsyncRedisManager` delivers to their sockets. Embedded
default: the in-process manager; sync code schedules the emit onto the server's event loop (nobody connected to
this process yet → nothing to deliver).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import socketio
from django.conf import settings
from socketio.exceptions import ConnectionRefusedError as SocketRefused

from events import server_loop
from events.groups import socketio_room

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_server: socketio.AsyncServer | None = None
_writer: tuple[int, socketio.RedisManager] | None = None


def redis_channel() -> str:
    """The pub/sub channel; Redis pub/sub ignores the db number, so it is part of the name."""
    db = urlsplit(settings.REDIS_URL).path.strip("/") or "0"
    return f"nellia-socketio-{db}"


def get_server() -> socketio.AsyncServer:
    """The process's AsyncServer (created on first use, with its handlers)."""
    global _server
    with _lock:
        if _server is None:
            manager = (
                socketio.AsyncRedisManager(settings.REDIS_URL, channel=redis_channel()) if settings.REDIS_URL else None
            )
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
        user, _exp = await user_from_token(token or "")
        if not getattr(user, "is_authenticated", False):
            raise SocketRefused("unauthorized")
        await server.save_session(sid, {"user_id": str(user.pk)})
        await server.enter_room(sid, socketio_room(user.pk))

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


class RelayRedisWriter(socketio.RedisManager):
    """The write-only manager the event relay emits through. python-socketio's own gives up silently when Redis is
    unreachable; this one raises, so the relay retries the event until Redis is back. A message no web process
    received (their subscriptions are re-made a few seconds after a Redis restart) is published again for up to
    `LISTENER_WAIT_SECONDS`; after one such wait in vain no more waiting until a web process listens again."""

    LISTENER_WAIT_SECONDS = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listeners_gone = False

    def _publish(self, data: Any) -> None:
        if not self.connected:
            self._redis_connect()
        payload = self.json.dumps(data)
        deadline = time.monotonic() + (0 if self.listeners_gone else self.LISTENER_WAIT_SECONDS)
        while True:
            try:
                received = self.redis.publish(self.channel, payload)
            except Exception:
                self.connected = False
                raise
            if received or time.monotonic() >= deadline:
                self.listeners_gone = not received
                return
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
    if settings.REDIS_URL:
        _redis_writer().emit(event, data, room=room, namespace="/")
        return
    if server_loop.current() is not None:
        server_loop.submit(get_server().emit(event, data, room=room, namespace="/"))


def socketio_transport(event: Any) -> None:
    """The events.publisher transport: one domain event → its Socket.IO events (frontend.realtime)."""
    if not can_deliver():
        return
    from frontend.realtime import render

    for name, payload, room in render(event):
        emit(name, payload, room)
