"""Daphne's WebSocket sends, made cheap for the real-time fan-out (one frame per Socket.IO event per socket).

Daphne sends a message through autobahn's general path (`sendMessage` → `sendFrame` → `sendData`: fragmentation,
masking, compression, frame logging, a send queue, debug lines), about 6 µs of CPU per frame (bench/ws_send.py),
for every socket of a room. `install()`, called by nellia/asgi.py, makes Daphne build `LeanFramesProtocol`s: when
none of those features is in play (Daphne's configuration: nothing compressed, fragmented or masked), a message is
one write of its frame, and a text sent to many sockets is framed once (`text_frame`); otherwise autobahn's path.
Several messages can be handed over at once (`Messages`, one ASGI `websocket.send`): they go out as a frame each,
in one write, framed once for every socket they are sent to.
It also stops autobahn styling a debug line's values on every frame it reads, before its logger finds debug off.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from typing import Any

import autobahn.twisted.websocket
import autobahn.websocket.protocol
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol

TEXT, BINARY = 0x81, 0x82  # FIN set, opcode 1 / 2 (RFC 6455 §5.2)
CACHED_TEXT_CHARS = 1 << 14  # longer texts are framed for each socket, not kept (the cache stays a few MB)


def frame_header(length: int, binary: bool) -> bytes:
    """The header of an unmasked, unfragmented frame of `length` payload bytes."""
    first = BINARY if binary else TEXT
    if length <= 125:
        return bytes((first, length))
    if length <= 0xFFFF:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


@lru_cache(maxsize=256)
def text_frame(text: str) -> tuple[bytes, int]:
    """`text` as one frame, and its payload's length. Cached: python-engineio encodes a packet once for all the
    sockets it is queued on, so each event's text is framed once, and its sockets' buffers share the bytes."""
    payload = text.encode()
    return frame_header(len(payload), False) + payload, len(payload)


def frame(content: str | bytes, binary: bool) -> tuple[bytes, int]:
    """`content` as one frame, and its payload's length."""
    if isinstance(content, str):
        if len(content) <= CACHED_TEXT_CHARS:
            return text_frame(content)
        content = content.encode()
    return frame_header(len(content), binary) + content, len(content)


class Messages(str):
    """Consecutive text messages in one ASGI `websocket.send` (as its `text`) to a `LeanFramesProtocol`, which sends
    each as a frame of its own, all in one write. Its string value is the caller's (frontend.socketio: the same
    packets' long-polling encoding); only this process's Daphne takes it apart (`lean_frames_in_use`)."""

    messages: tuple[str, ...]

    def __new__(cls, value: str, messages: Sequence[str]) -> Messages:
        instance = super().__new__(cls, value)
        instance.messages = tuple(messages)
        return instance

    @cached_property
    def frames(self) -> tuple[bytes, int, int]:
        """The messages' frames, their payloads' total length and the longest payload (framed once for all the
        sockets the same object is sent to)."""
        framed = [frame(message.encode(), False) for message in self.messages]  # bytes: not kept in `text_frame`
        lengths = [length for _wire, length in framed]
        return b"".join(wire for wire, _length in framed), sum(lengths), max(lengths, default=0)


_in_use = False
_on_first_connection: list[Callable[[], None]] = []


def lean_frames_in_use() -> bool:
    """Whether this process's WebSockets are served by `LeanFramesProtocol`s (Daphne with `install()`): only they
    can be handed `Messages`."""
    return _in_use


def on_first_connection(callback: Callable[[], None]) -> None:
    """Call `callback` when this process's Daphne takes its first WebSocket connection (now, if it has)."""
    if _in_use:
        callback()
    else:
        _on_first_connection.append(callback)


class LeanFramesProtocol(WebSocketProtocol):
    """Daphne's protocol; a message it sends is one write of its frame when autobahn would send it as one frame."""

    __hash__ = object.__hash__  # Daphne's is hash(id(self)) in Python; looked up twice per frame sent

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        global _in_use
        super().__init__(*args, **kwargs)
        if not _in_use:
            _in_use = True
            while _on_first_connection:
                _on_first_connection.pop(0)()

    @cached_property
    def plain_frames(self) -> bool:
        """Whether an open connection sends its messages unchanged: not compressed (negotiated by the handshake),
        fragmented, masked, logged or timed."""
        return not (self._perMessageCompress is not None or self.autoFragmentSize > 0 or self.maskServerFrames
                    or self.logFrames or self.logOctets or self.trackedTimings)

    def serverSend(self, content: str | bytes, binary: bool = False) -> None:  # noqa: N802
        """Daphne's (an ASGI `websocket.send`), without its debug line per frame; `Messages`: each of them."""
        if self.state == self.STATE_CONNECTING:
            self.serverAccept()
        if isinstance(content, Messages):
            wire, length, longest = content.frames
            if not self._writes_frames(longest):
                for message in content.messages:
                    self.serverSend(message)
                return
            self._write(wire, len(content.messages), length)
            return
        framed, length = frame(content, binary)
        if not self._writes_frames(length):
            self.sendMessage(content.encode() if isinstance(content, str) else content, binary)
            return
        self._write(framed, 1, length)

    def _writes_frames(self, longest: int) -> bool:
        """Whether messages of up to `longest` payload bytes can be written as frames here and now."""
        return (self.state == self.STATE_OPEN and not self.send_queue and self.plain_frames
                and not 0 < self.maxMessagePayloadSize < longest)

    def _write(self, frames: bytes, count: int, length: int) -> None:
        """Write `count` frames of `length` payload bytes in all; counted as autobahn's path counts them."""
        self.transport.write(frames)
        stats = self.trafficStats
        stats.outgoingWebSocketMessages += count
        stats.outgoingWebSocketFrames += count
        stats.outgoingOctetsAppLevel += length
        stats.outgoingOctetsWebSocketLevel += length
        stats.outgoingOctetsWireLevel += len(frames)


def install() -> None:
    """Daphne's WebSocket factory builds `LeanFramesProtocol`s; autobahn's debug values stay plain."""
    WebSocketFactory.protocol = LeanFramesProtocol
    for module in (autobahn.websocket.protocol, autobahn.twisted.websocket):
        module.hltype = module.hlval = _as_is  # type: ignore[attr-defined]


def _as_is(value: Any, *_style: Any, **_styles: Any) -> Any:
    return value
