"""The `agent_server` entry of the health check: can we reach the agent server, and how fast."""

import time
from typing import Any

from mcp_bridge.client import get_bridge
from mcp_bridge.errors import AgentBridgeError


def check_agent_server(*, timeout: float = 5.0) -> dict[str, Any]:
    """`{"ok", "latency_ms", "error"}`: lists the server's tools over the kept session (one attempt, no retry)."""
    started = time.perf_counter()
    try:
        tools = get_bridge().list_tools(timeout=timeout)
    except AgentBridgeError as exc:
        return {"ok": False, "latency_ms": None, "error": str(exc)}
    except Exception as exc:  # a health check reports, it never raises
        return {"ok": False, "latency_ms": None, "error": f"{type(exc).__name__}: {exc}"}
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    if not tools:
        return {"ok": False, "latency_ms": latency_ms, "error": "Agent server exposes no tools"}
    return {"ok": True, "latency_ms": latency_ms, "error": None}
