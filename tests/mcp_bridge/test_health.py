"""`check_agent_server()`: the health check's `agent_server` entry."""

from mcp_bridge.health import check_agent_server
from tests.mcp_bridge.conftest import TOKEN, free_port


def test_embedded_server_is_healthy(settings):
    settings.MCP_SERVER_URL = ""
    result = check_agent_server()
    assert result["ok"] is True and result["error"] is None
    assert result["latency_ms"] >= 0


def test_http_server_is_healthy(settings, http_server):
    settings.MCP_SERVER_URL = http_server.url
    settings.AGENT_SERVER_TOKEN = TOKEN
    result = check_agent_server()
    assert result == {"ok": True, "latency_ms": result["latency_ms"], "error": None}


def test_unreachable_server_is_reported_not_raised(settings):
    settings.MCP_SERVER_URL = f"http://127.0.0.1:{free_port()}/mcp"
    result = check_agent_server(timeout=2)
    assert result["ok"] is False and result["latency_ms"] is None
    assert "connection refused" in result["error"]
