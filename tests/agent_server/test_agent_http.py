"""Streamable HTTP on a real loopback port: bearer token enforced, /health open."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import anyio
import httpx
import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from mcp_bridge.agent_server.app import build_app
from mcp_bridge.agent_server.config import Settings

TOKEN = "s3cret-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def base_url() -> Iterator[str]:
    port = free_port()
    app = build_app(Settings(reference_year=2025, port=port, token=TOKEN))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_health_is_open_and_mcp_needs_the_token(base_url: str) -> None:
    assert httpx.get(f"{base_url}/health").json()["status"] == "ok"
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    assert httpx.post(f"{base_url}/mcp", json=body).status_code == 401
    wrong = httpx.post(f"{base_url}/mcp", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")


def test_mcp_client_with_the_token(base_url: str, sample_leads: dict, business_context: dict) -> None:
    async def session() -> tuple[list[str], dict]:
        http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
        async with http, Client(streamable_http_client(f"{base_url}/mcp", http_client=http)) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            result = await client.call_tool("analyze_lead", {"lead": sample_leads["Padaria Pão Quente"],
                                                             "business_context": business_context})
            assert not result.is_error, result.content
            return names, result.structured_content or {}

    names, analysis = anyio.run(session)
    assert "craft_message" in names and "harvest_leads" in names
    assert analysis["qualification_tier"] == "not_qualified"
