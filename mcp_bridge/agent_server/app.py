"""Streamable HTTP transport: the MCP app at /mcp behind a bearer token, plus an open GET /health."""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import socket
from dataclasses import replace

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .config import Settings
from .server import build_server

MCP_PATH = "/mcp"
OPEN_PATHS = frozenset({"/health"})


class BearerAuth:
    """Rejects HTTP requests without `Authorization: Bearer <token>` (401) when a token is configured."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app, self.expected = app, f"Bearer {token}".encode()
        self.enabled = bool(token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.enabled and scope["type"] == "http" and scope["path"] not in OPEN_PATHS:
            supplied = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
            if not hmac.compare_digest(supplied, self.expected):  # constant time: no token oracle
                await self._deny(send)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _deny(send: Send) -> None:
        body = json.dumps({"error": "unauthorized", "detail": "missing or invalid bearer token"}).encode()
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"content-type", b"application/json"), (b"www-authenticate", b'Bearer realm="nellia-agents"'),
            (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class NoDelayHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol with Nagle off on every connection. With several workers uvicorn binds the socket
    itself without IPPROTO_TCP, so asyncio leaves Nagle on: a response's body, written after its headers, then
    waits for the client's delayed ACK (~40 ms a call)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def build_app(settings: Settings | None = None) -> ASGIApp:
    """The ASGI app served by `run` (stateless JSON responses: any worker can answer any request)."""
    settings = settings or Settings.from_env()
    starlette_app = build_server(settings, inline_stages=True).streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, json_response=True, host=settings.host)
    return BearerAuth(starlette_app, settings.token)


def run(host: str | None = None, port: int | None = None, token: str | None = None,
        settings: Settings | None = None) -> None:
    """Serve the agent server over streamable HTTP until interrupted (used by `manage.py run_agent_server`), in
    `settings.workers` processes (AGENT_SERVER_WORKERS): the app is stateless, so any of them answers any call."""
    base = settings or Settings.from_env()
    settings = replace(base, host=host or base.host, port=port or base.port,
                       token=base.token if token is None else token)
    if settings.workers == 1:
        uvicorn.run(build_app(settings), host=settings.host, port=settings.port, http=NoDelayHttpProtocol,
                    log_level="info", access_log=settings.access_log)
        return
    # Worker processes build the app from the environment: what the command line gave goes there.
    os.environ.update(AGENT_SERVER_HOST=settings.host, AGENT_SERVER_PORT=str(settings.port),
                      AGENT_SERVER_TOKEN=settings.token)
    uvicorn.run(f"{__name__}:build_app", factory=True, workers=settings.workers, host=settings.host,
                port=settings.port, http=NoDelayHttpProtocol, log_level="info", access_log=settings.access_log)
