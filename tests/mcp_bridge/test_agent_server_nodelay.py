"""The agent server turns Nagle off on its connections: with several workers uvicorn binds the listening socket
without IPPROTO_TCP, so asyncio leaves Nagle on, and every response's body waited for the client's delayed ACK of
its headers (~40 ms per tool call, measured in bench/pipeline.py)."""

import asyncio
import socket

from uvicorn.config import Config
from uvicorn.server import ServerState

from mcp_bridge.agent_server.app import NoDelayHttpProtocol


async def test_a_connection_accepted_on_a_socket_bound_like_uvicorns_workers_gets_tcp_nodelay():
    listener = socket.socket(family=socket.AF_INET)  # as uvicorn's Config.bind_socket makes it: proto 0
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _ = listener.accept()
    try:
        loop = asyncio.get_running_loop()
        config = Config(app=lambda scope, receive, send: None)
        config.load()
        transport, _protocol = await loop.connect_accepted_socket(
            lambda: NoDelayHttpProtocol(config=config, server_state=ServerState(), app_state={}), accepted)
        sock = transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        transport.close()
    finally:
        client.close()
        listener.close()
