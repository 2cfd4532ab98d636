"""Nellia agent server: an MCP server (official SDK) with offline, deterministic agents and an optional LLM mode.

Plain Python — it never imports Django. Entry points: `build_server`, `build_app`, `run`, the direct callables
in `agents`, and `python -m mcp_bridge.agent_server`.
"""

from .agents import analyze_lead, build_strategy, chat, craft_message, create_persona, harvest_leads, intake_lead
from .app import build_app, run
from .config import Settings
from .server import TOOLS, build_server

__all__ = [
    "TOOLS",
    "Settings",
    "analyze_lead",
    "build_app",
    "build_server",
    "build_strategy",
    "chat",
    "craft_message",
    "create_persona",
    "harvest_leads",
    "intake_lead",
    "run",
]
