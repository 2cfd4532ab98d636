"""A light Socket.IO load generator for bench/realtime.py: many clients in one asyncio process, each a raw Engine.IO
v4 websocket (`/socket.io/?EIO=4&transport=websocket`, wsproto on an asyncio protocol, no thread per client).

Each client does what the frontend's does on this transport and nothing more: it connects namespace `/` with
`auth: {token}`, answers the server's pings, and for each event frame (`42["name", {...}]`) counts the name (and
`agent_end` updates) and keeps the latency from the payload's `timestamp`. python-socketio's client spent ~290 µs
of CPU per frame (threads, a queue and its packet classes per frame); at 300 clients the bench's own clients took
the machine's two cores and measured their own backlog.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from functools import lru_cache
from time import time
from urllib.parse import urlsplit

import orjson
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Ping, RejectConnection, Request, TextMessage

PATH = "/socket.io/?EIO=4&transport=websocket"


@lru_cache(maxsize=4096)
def _epoch(stamp: str) -> float:
    """Seconds since the epoch of an ISO timestamp (the frames of one event share it: parsed once)."""
    return datetime.fromisoformat(stamp).timestamp()


class LoadClient(asyncio.Protocol):
    """One Socket.IO client. `connected` resolves once namespace `/` is connected (or fails with the refusal);
    `closed` once the websocket is gone (a drop during the run is counted by the bench)."""

    def __init__(self, host: str, token: str, origin: str) -> None:
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.host = host
        self.auth = "40" + orjson.dumps({"token": token}).decode()
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.connected: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.latencies: list[float] = []
        self.counts: Counter[str] = Counter()
        self._partial: list[str] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send(Request(host=self.host, target=PATH, extra_headers=[(b"origin", self.origin.encode())]))

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.connected.done():
            self.connected.set_exception(ConnectionError(f"closed before connecting: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        now = time()  # the frames of one read arrived together
        self.ws.receive_data(data)
        for event in self.ws.events():
            if isinstance(event, TextMessage):
                self._partial.append(event.data)
                if event.message_finished:
                    self._on_packet("".join(self._partial), now)
                    self._partial.clear()
            elif isinstance(event, Ping):
                self._send(event.response())
            elif isinstance(event, CloseConnection):
                self._send(event.response())
                self.close()
            elif isinstance(event, RejectConnection):
                self.connected.set_exception(ConnectionError(f"websocket refused: {event.status_code}"))
                self.close()
            elif isinstance(event, AcceptConnection):
                pass  # Engine.IO's open packet follows

    def _on_packet(self, packet: str, now: float) -> None:
        kind = packet[:1]
        if kind == "4":  # a Socket.IO packet
            if packet.startswith("42"):
                self._on_event(packet, now)
            elif packet.startswith("40"):
                self.connected.set_result(None)
            elif packet.startswith("44") and not self.connected.done():
                self.connected.set_exception(ConnectionRefusedError(packet[2:]))
        elif kind == "2":  # Engine.IO ping: pong, or the server drops us
            self._text("3")
        elif kind == "0":  # Engine.IO open: connect the namespace with the token
            self._text(self.auth)
        elif kind == "1":
            self.close()

    def _on_event(self, packet: str, now: float) -> None:
        name, data = orjson.loads(packet[2:])[:2]
        self.counts[name] += 1
        if isinstance(data, dict):
            if name == "enrichment-update" and data.get("event_type") == "agent_end":
                self.counts["agent_end"] += 1
            stamp = data.get("timestamp")
            if stamp:
                self.latencies.append((now - _epoch(stamp)) * 1000)

    def _text(self, text: str) -> None:
        self._send(TextMessage(data=text))

    def _send(self, event: object) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(self.ws.send(event))  # type: ignore[arg-type]

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def connect_all(url: str, token: str, origin: str, count: int, at_once: int = 20) -> list[LoadClient]:
    """`count` connected clients, `at_once` handshakes in flight (the server validates each token)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    gate = asyncio.Semaphore(at_once)
    loop = asyncio.get_running_loop()

    async def one() -> LoadClient:
        async with gate:
            _transport, client = await loop.create_connection(
                lambda: LoadClient(f"{host}:{port}", token, origin), host, port
            )
            await asyncio.wait_for(client.connected, 30)
            return client

    return list(await asyncio.gather(*(one() for _ in range(count))))
