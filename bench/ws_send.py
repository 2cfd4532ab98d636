"""Daphne's CPU per WebSocket frame sent, with its own protocol (the baseline) and with `LeanFramesProtocol`
(nellia.daphne_websocket), measured in one run, alternating.

Each frame takes the path of a Socket.IO event to one socket: the ASGI `websocket.send` message of python-engineio
→ Daphne's `Server.handle_reply` → the protocol's `handle_reply` → framing → the transport's `write` (a count here:
the TCP send is the same for both and is left out). The payload is an `enrichment-update` frame as bench/realtime.py
sees them (~400 bytes), `--frames` of them (one per event, each text shared by all sockets, as python-engineio
encodes a packet once), sent to each of `--sockets` open connections. Third figure: the same frames handed to the
lean protocol `--pass-events` at a time as one `Messages` (shared by all sockets), as frontend.socketio's
`PacketBatch` hands a relay pass's events to each socket.

    .venv/bin/python bench/ws_send.py --sockets 300 --frames 600
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from functools import partial

from _common import ROOT, load

PAYLOAD = "42" + json.dumps(["enrichment-update", {
    "event_type": "agent_end", "job_id": "1d2e4c8a-0b7e-4f38-9d1c-5a3c2b1e0f9d", "user_id": "9f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
    "timestamp": "2026-12-01T12:00:00.123456+00:00", "lead_id": "5b0c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
    "agent_name": "lead_analysis_agent", "success": True, "execution_time_seconds": 0.0123, "progress_percentage": 40,
    "status_message": "Análise concluída",
}])


class SentTransport:
    """The part of a TCP transport a send touches; what is written is as good as sent."""

    def __init__(self) -> None:
        self.octets = 0

    def write(self, data: bytes) -> None:
        self.octets += len(data)


def open_sockets(protocol_class: type, count: int):
    from daphne.server import Server
    from daphne.ws_protocol import WebSocketFactory

    server = Server(application=None, endpoints=["tcp:port=0"])  # not started: only its handle_reply
    server.connections = {}
    factory = WebSocketFactory(server, server="daphne")
    factory.protocol = protocol_class
    factory.setProtocolOptions(allowNullOrigin=True)
    sends = []
    for _ in range(count):
        protocol = factory.buildProtocol(None)
        protocol.makeConnection(SentTransport())
        protocol.state = protocol.STATE_OPEN
        protocol.client_addr = ["127.0.0.1", 40000]  # set by Daphne's handshake
        server.connections[protocol] = {}
        sends.append(partial(server.handle_reply, protocol))
    return sends


async def spend(sends: list, frames: int, per_send: int = 1) -> float:
    """CPU µs per frame to send `frames` frames to each socket, round by round as a relay batch arrives;
    `per_send` > 1: that many frames per send, as one `Messages`."""
    from nellia.daphne_websocket import Messages

    texts = [PAYLOAD.replace("12:00:00.123456", f"12:00:00.{n:06d}") for n in range(frames)]  # an event each
    if per_send > 1:
        texts = [Messages("", texts[start:start + per_send]) for start in range(0, frames, per_send)]
    started = time.process_time()
    for text in texts:
        for send in sends:  # python-engineio's send: one encoded text for all sockets, a message each
            await send({"type": "websocket.send", "bytes": None, "text": text})
    return 1e6 * (time.process_time() - started) / (frames * len(sends))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=300)
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pass-events", type=int, default=30, help="events per relay pass (the Messages figure)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from daphne.ws_protocol import WebSocketProtocol

    from nellia.daphne_websocket import LeanFramesProtocol, install

    install()  # autobahn's plain debug values, which both had before

    print(f"{args.sockets} sockets × {args.frames} frames, {args.rounds} rounds; before: {load()}")
    runs = {
        "Daphne's protocol (baseline)": (WebSocketProtocol, 1),
        "LeanFramesProtocol": (LeanFramesProtocol, 1),
        f"LeanFramesProtocol, {args.pass_events} events per send (Messages)": (LeanFramesProtocol, args.pass_events),
    }
    figures: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, (protocol_class, per_send) in runs.items():
            figures[name].append(asyncio.run(spend(open_sockets(protocol_class, args.sockets), args.frames, per_send)))
    for name, values in figures.items():
        print(f"{name}: {statistics.median(values):.3f} µs CPU per frame (rounds: "
              + ", ".join(f"{value:.3f}" for value in values) + ")")
    base, lean, batched = (statistics.median(values) for values in figures.values())
    print(f"ratio baseline / lean: {base / lean:.2f}×; baseline / lean with Messages: {base / batched:.0f}×; "
          f"after: {load()}")


if __name__ == "__main__":
    main()
