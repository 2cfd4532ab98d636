"""A light Socket.IO load generator for bench/realtime.py: many clients in one asyncio process, each a raw Engine.IO
v4 websocket (`/socket.io/?EIO=4&transport=websocket`, wsproto on an asyncio protocol, no thread per client).

Each client does what the frontend's does on this transport and nothing more: it connects namespace `/` with
`auth: {token}`, answers the server's pings, and for each event frame (`42["name", {...}]`) counts the name (and
`agent_end` updates) and keeps the latency from the payload's `timestamp`. python-socketio's client spent ~290 µs
of CPU per frame (threads, a queue and its packet classes per frame); at 300 clients the bench's own clients took
the machine's two cores and measured their own backlog.

Two arrival times per frame: when the client read it (`read_latencies`: what the bench's client process saw, its own
CPU backlog included, since it shares the machine with the server), and when the kernel received it on the client's
socket (`latencies`: `SO_TIMESTAMPNS` on each read, the time of the read's last segment, so never early): the
delivery a client on another machine would see. The sockets are read with `recvmsg` for that (no asyncio transport).

Once connected, a client reads the server's frames itself (unmasked, as a server's are) instead of through wsproto,
and keeps each event frame with its two times, to decode after the run (`tally`): during the batch it only counts
`agent_end` updates. The bench's clients share the machine's two cores with the server: they now spend 7–12 µs of
CPU per frame, decoding included, where reading through wsproto and decoding each frame on arrival took 23–25 µs.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections import Counter
from datetime import datetime
from functools import lru_cache
from time import time
from urllib.parse import urlsplit

import orjson
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Ping, Pong, RejectConnection, Request, TextMessage

PATH = "/socket.io/?EIO=4&transport=websocket"
SO_TIMESTAMPNS = 35  # Linux (asm-generic/socket.h); Python's socket module does not name it
_CMSG_SPACE = socket.CMSG_SPACE(16)  # struct timespec


@lru_cache(maxsize=4096)
def _epoch(stamp: str) -> float:
    """Seconds since the epoch of an ISO timestamp (the frames of one event share it: parsed once)."""
    return datetime.fromisoformat(stamp).timestamp()


class LoadClient:
    """One Socket.IO client on a connected non-blocking socket. `connected` resolves once namespace `/` is connected
    (or fails with the refusal); `closed` once the websocket is gone (a drop during the run is counted by the bench)."""

    def __init__(self, sock: socket.socket, host: str, token: str, origin: str) -> None:
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.host = host
        self.auth = "40" + orjson.dumps({"token": token}).decode()
        self.origin = origin
        self.sock = sock
        self._loop = loop = asyncio.get_running_loop()
        self.connected: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.latencies: list[float] = []  # from the kernel's receive time
        self.read_latencies: list[float] = []  # from when this process read the frame
        self.counts: Counter[str] = Counter()
        self.agent_ends = 0  # `agent_end` updates so far (counted as they arrive; `tally` decodes them all)
        self._events: list[tuple[bytes, float, float]] = []  # event frames and their two times, for `tally`
        self._partial: list[str] = []
        self._fragments: list[bytes] = []
        self._unread = b""  # the start of a frame whose end has not come yet
        self._open = True
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        loop.add_reader(sock.fileno(), self._readable)
        self._send(Request(host=self.host, target=PATH, extra_headers=[(b"origin", self.origin.encode())]))

    def _readable(self) -> None:
        try:
            data, ancillary, _flags, _address = self.sock.recvmsg(1 << 18, _CMSG_SPACE)
        except BlockingIOError:
            return
        except OSError as exc:
            self._lost(exc)
            return
        if not data:
            self._lost(None)
            return
        read = time()
        received = next((seconds + nanoseconds / 1e9 for level, kind, value in ancillary
                         if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS
                         for seconds, nanoseconds in [struct.unpack("qq", value[:16])]), read)
        if self.connected.done():
            self._frames_received(data, received, read)
        else:
            self._data_received(data, received, read)

    def _lost(self, exc: Exception | None) -> None:
        self.close()
        if not self.connected.done():
            self.connected.set_exception(ConnectionError(f"closed before connecting: {exc}"))

    def _data_received(self, data: bytes, received: float, read: float) -> None:
        self.ws.receive_data(data)
        for event in self.ws.events():
            if isinstance(event, TextMessage):
                self._partial.append(event.data)
                if event.message_finished:
                    self._on_packet("".join(self._partial), received, read)
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

    def _frames_received(self, data: bytes, received: float, read: float) -> None:
        """The server's frames in `data` (after what `_unread` kept), split by hand: RFC 6455 §5.2, unmasked."""
        buffer = self._unread + data if self._unread else data
        at, end = 0, len(buffer)
        while end - at >= 2:
            first, length, head = buffer[at], buffer[at + 1] & 0x7F, 2
            if length == 126:
                length, head = int.from_bytes(buffer[at + 2:at + 4], "big"), 4
            elif length == 127:
                length, head = int.from_bytes(buffer[at + 2:at + 10], "big"), 10
            if end - at < head + length:
                break
            self._on_frame(first, buffer[at + head:at + head + length], received, read)
            at += head + length
        self._unread = buffer[at:]

    def _on_frame(self, first: int, payload: bytes, received: float, read: float) -> None:
        opcode = first & 0x0F
        if opcode in (0, 1):  # text, or its continuation
            if not first & 0x80:
                self._fragments.append(payload)
                return
            if self._fragments:
                payload = b"".join([*self._fragments, payload])
                self._fragments.clear()
            if payload.startswith(b"42"):
                self._events.append((payload, received, read))
                self.agent_ends += b'"agent_end"' in payload
            else:
                self._on_packet(payload.decode(), received, read)
        elif opcode == 9:
            self._send(Pong(payload=payload))
        elif opcode == 8:
            self._send(CloseConnection(code=1000))
            self.close()

    def tally(self) -> None:
        """Decode the event frames kept during the run into `counts` and the latencies."""
        for packet, received, read in self._events:
            self._on_event(packet[2:], received, read)
        self._events.clear()

    def _on_packet(self, packet: str, received: float, read: float) -> None:
        kind = packet[:1]
        if kind == "4":  # a Socket.IO packet
            if packet.startswith("42"):
                self._on_event(packet[2:].encode(), received, read)
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

    def _on_event(self, body: bytes, received: float, read: float) -> None:
        name, data = orjson.loads(body)[:2]
        self.counts[name] += 1
        if isinstance(data, dict):
            if name == "enrichment-update" and data.get("event_type") == "agent_end":
                self.counts["agent_end"] += 1
            stamp = data.get("timestamp")
            if stamp:
                self.latencies.append((received - _epoch(stamp)) * 1000)
                self.read_latencies.append((read - _epoch(stamp)) * 1000)

    def _text(self, text: str) -> None:
        self._send(TextMessage(data=text))

    def _send(self, event: object) -> None:
        if self._open:  # handshakes, pongs and closes: a few bytes, sent in order by the loop
            self._loop.create_task(self._loop.sock_sendall(self.sock, self.ws.send(event)))  # type: ignore[arg-type]

    def close(self) -> None:
        if self._open:
            self._open = False
            self._loop.remove_reader(self.sock.fileno())
            self.sock.close()
        if not self.closed.done():
            self.closed.set_result(None)


async def connect_all(url: str, token: str, origin: str, count: int, at_once: int = 20,
                      spread: bool = False) -> list[LoadClient]:
    """`count` connected clients, `at_once` handshakes in flight (the server validates each token). `spread`: each
    from a source address of its own /24 in 127.0.0.0/8, as clients on many networks are (a proxy's ip_hash then
    spreads them over the real-time processes)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    gate = asyncio.Semaphore(at_once)
    loop = asyncio.get_running_loop()

    async def one(index: int) -> LoadClient:
        async with gate:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if spread:
                sock.bind((f"127.{1 + index // 250}.{index % 250}.1", 0))
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await loop.sock_connect(sock, (host, port))
            client = LoadClient(sock, f"{host}:{port}", token, origin)
            await asyncio.wait_for(client.connected, 30)
            return client

    return list(await asyncio.gather(*(one(index) for index in range(count))))
