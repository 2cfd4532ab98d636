"""Daphne's lean WebSocket sends (nellia.daphne_websocket): the same bytes and counts as Daphne's own protocol."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import pytest
import txaio
from autobahn.exception import Disconnected, PayloadExceededError
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol
from twisted.internet.testing import StringTransport

from nellia.daphne_websocket import LeanFramesProtocol, Messages, frame_header, install, lean_frames_in_use, text_frame

STATS = ("outgoingWebSocketMessages", "outgoingWebSocketFrames", "outgoingOctetsAppLevel",
         "outgoingOctetsWebSocketLevel", "outgoingOctetsWireLevel")


def open_protocol(protocol_class: type = LeanFramesProtocol, **options: object):
    """An open connection of Daphne's factory with `options`, and its transport."""
    factory = WebSocketFactory(None, server="daphne")
    factory.protocol = protocol_class
    factory.setProtocolOptions(allowNullOrigin=True, **options)
    protocol = factory.buildProtocol(None)
    transport = StringTransport()
    protocol.makeConnection(transport)
    protocol.state = protocol.STATE_OPEN
    protocol.client_addr = ["127.0.0.1", 40000]  # Daphne's handshake sets it
    return protocol, transport


def sent(protocol, transport: StringTransport, content: str | bytes) -> bytes:
    transport.clear()
    protocol.serverSend(content, isinstance(content, bytes))
    return transport.value()


def stats(protocol) -> list[int]:
    return [getattr(protocol.trafficStats, name) for name in STATS]


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 16384, 16385, 65535, 65536, 70000])
@pytest.mark.parametrize("binary", [False, True])
def test_a_message_goes_out_as_daphne_frames_it(length, binary):
    content = bytes(range(256)) * (length // 256 + 1) if binary else "ação " * (length // 5 + 1)
    content = content[:length]  # a text of `length` characters, more bytes
    lean, lean_transport = open_protocol()
    daphne, daphne_transport = open_protocol(WebSocketProtocol)

    framed = sent(lean, lean_transport, content)

    assert lean.plain_frames
    assert framed == sent(daphne, daphne_transport, content)
    payload = content if binary else content.encode()
    assert framed == frame_header(len(payload), binary) + payload
    assert stats(lean) == stats(daphne)


def test_a_text_sent_to_many_sockets_is_framed_once():
    text = "42" + "x" * 300
    sockets = [open_protocol() for _ in range(3)]

    frames = [sent(protocol, transport, text) for protocol, transport in sockets]

    assert frames[0] == frames[1] == frames[2] == frame_header(302, False) + text.encode()
    assert text_frame(text) is text_frame(text)


def test_messages_go_out_in_one_write_as_daphne_frames_each():
    texts = ["42" + "a" * 10, "", "42" + "é" * 200, "3"]
    messages = Messages("ignored", texts)
    lean, lean_transport = open_protocol()
    daphne, daphne_transport = open_protocol(WebSocketProtocol)
    writes: list[bytes] = []
    lean_transport.write = writes.append  # type: ignore[method-assign]

    lean.serverSend(messages)

    assert writes == [b"".join(sent(daphne, daphne_transport, text) for text in texts)]
    assert stats(lean) == stats(daphne) and lean_frames_in_use()
    assert messages.frames is messages.frames  # framed once for every socket it is sent to


def test_messages_to_a_connection_that_fragments_take_autobahns_path_each():
    texts = ["a" * 250, "b" * 20]
    lean, lean_transport = open_protocol(autoFragmentSize=100)
    daphne, daphne_transport = open_protocol(WebSocketProtocol, autoFragmentSize=100)

    lean_transport.clear()
    lean.serverSend(Messages("ignored", texts))

    assert lean_transport.value() == b"".join(sent(daphne, daphne_transport, text) for text in texts)
    assert stats(lean) == stats(daphne)


def test_messages_over_the_size_limit_are_refused_from_the_first_too_long():
    protocol, transport = open_protocol(maxMessagePayloadSize=10)

    with pytest.raises(PayloadExceededError):
        protocol.serverSend(Messages("ignored", ["short", "a" * 11, "never"]))
    assert transport.value() == frame_header(5, False) + b"short"


def test_a_connection_that_fragments_takes_autobahns_path():
    lean, lean_transport = open_protocol(autoFragmentSize=100)
    daphne, daphne_transport = open_protocol(WebSocketProtocol, autoFragmentSize=100)

    frames = sent(lean, lean_transport, "a" * 250)

    assert not lean.plain_frames
    assert frames == sent(daphne, daphne_transport, "a" * 250)
    assert frames[0] == 0x01  # a first fragment: no FIN
    assert stats(lean) == stats(daphne)


def test_a_message_over_the_size_limit_is_refused_as_autobahn_refuses_it():
    protocol, transport = open_protocol(maxMessagePayloadSize=10)

    with pytest.raises(PayloadExceededError):
        protocol.serverSend("a" * 11)
    assert transport.value() == b""


def test_a_closed_connection_refuses_to_send():
    protocol, transport = open_protocol()
    protocol.state = protocol.STATE_CLOSED

    with pytest.raises(Disconnected):
        protocol.serverSend("late")
    assert transport.value() == b""


def test_the_asgi_application_installs_the_lean_protocol():
    import nellia.asgi  # noqa: F401

    assert WebSocketFactory.protocol is LeanFramesProtocol


def test_daphnes_websocket_frames_are_sent_without_colouring_an_unused_debug_line():
    """autobahn formatted (click.style) the values of its per-frame debug line even with debug off."""
    from autobahn.websocket.protocol import WebSocketProtocol as AutobahnProtocol

    install()
    stats = SimpleNamespace(outgoingOctetsWireLevel=0)
    protocol = SimpleNamespace(send_queue=[], transport=mock.Mock(), log=txaio.make_logger(), peer="tcp4:127.0.0.1:1",
                               state=AutobahnProtocol.STATE_OPEN, trafficStats=stats, logOctets=False, sendData=None)
    with mock.patch("click.style", side_effect=lambda text, **_: text) as style:
        AutobahnProtocol.sendData(protocol, b"\x81\x0242")
    protocol.transport.write.assert_called_once_with(b"\x81\x0242")
    assert style.call_count == 0 and stats.outgoingOctetsWireLevel == 4
