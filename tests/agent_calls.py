"""The agent server's answers in unit tests of the pipeline, one stage call at a time."""

from collections.abc import Callable
from typing import Any


def route_stage_calls(monkeypatch: Any, call_tool: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
    """The runner's stage calls (a batch per step, `mcp_bridge.client.call_tools`) answered one by one by
    `call_tool(tool, arguments)`: its result, or what it raises as that call's outcome."""
    from mcp_bridge import client

    def call_tools(calls: list[tuple[str, dict[str, Any]]], **_: Any) -> list[Any]:
        outcomes: list[Any] = []
        for tool, arguments in calls:
            try:
                outcomes.append(call_tool(tool, arguments))
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    monkeypatch.setattr(client, "call_tools", call_tools)
