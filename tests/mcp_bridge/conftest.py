"""A real agent server for bridge tests: in process (in-memory transport) or over HTTP on a loopback port."""

import socket
import threading
import time

import pytest
import uvicorn

from mcp_bridge.agent_server import build_app
from mcp_bridge.agent_server.config import Settings
from mcp_bridge.client import AgentBridge

TOKEN = "test-token-123"
LEAD = {
    "lead": {
        "id": "1",
        "company_name": "TransLog Cargas",
        "website": "https://translog.com.br",
        "description": "Transportadora rodoviária com 250 funcionários em São Paulo - SP.",
        "source_text": "Contato: comercial@translog.com.br, (11) 3456-7890.",
    },
    "business_context": None,
    "previous": {},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingApp:
    """Wraps the agent server's ASGI app and counts the HTTP requests that reach it."""

    def __init__(self, app):
        self.app = app
        self.requests = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


class ThreadedServer:
    """The real agent server app under uvicorn on a daemon thread; stop() and start() again on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.app = CountingApp(None)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def start(self) -> "ThreadedServer":
        self.app.app = build_app(Settings(token=TOKEN, port=self.port))  # an MCP app runs only once
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("agent server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None


@pytest.fixture(scope="module")
def http_server():
    server = ThreadedServer().start()
    yield server
    server.stop()


@pytest.fixture
def make_bridge():
    bridges = []

    def make(**kwargs) -> AgentBridge:
        kwargs.setdefault("backoff", 0.01)
        bridge = AgentBridge(**kwargs)
        bridges.append(bridge)
        return bridge

    yield make
    for bridge in bridges:
        bridge.close()
