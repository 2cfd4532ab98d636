"""Nellia agent server: an MCP server (official SDK) with offline, deterministic agents and an optional LLM mode.

Plain Python — it never imports Django. Entry points: `build_server`, `build_app`, `run`, the direct callables
in `agents`, and `python -m mcp_bridge.agent_server`.

The names below load their module on first use: Django's processes import the wire contract (`models`) and the
agents' helpers, and need not pay for the MCP SDK, Starlette and uvicorn (half a second and tens of MB a process)
unless they serve or call the agents in process.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "TOOLS": "server", "build_server": "server", "build_app": "app", "run": "app", "Settings": "config",
    **{name: "agents" for name in ("analyze_lead", "build_strategy", "chat", "craft_message", "create_persona",
                                   "harvest_leads", "intake_lead")},
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # once
    return value
