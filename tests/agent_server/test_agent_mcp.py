"""The agent server through a real MCP client session over the SDK's in-memory transport."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client._memory import InMemoryTransport
from mcp.types import CallToolResult

import mcp_bridge.agent_server as pkg
from mcp_bridge.agent_server import build_server
from mcp_bridge.agent_server.config import Settings
from mcp_bridge.agent_server.models import ChatOutput, HarvestOutput, MessageOutput
from mcp_bridge.agent_server.server import TOOLS


def call_all(settings: Settings, calls: list[tuple[str, dict[str, Any]]]) -> tuple[list[Any], list[CallToolResult]]:
    async def session() -> tuple[list[Any], list[CallToolResult]]:
        async with Client(InMemoryTransport(build_server(settings))) as client:
            tools = (await client.list_tools()).tools
            return tools, [await client.call_tool(name, args) for name, args in calls]

    return anyio.run(session)


def test_tools_publish_input_and_output_schemas(agent_settings: Settings) -> None:
    tools, _ = call_all(agent_settings, [])
    by_name = {t.name: t for t in tools}
    assert set(by_name) == set(TOOLS)
    for name, (_, input_model, output_model, _) in TOOLS.items():
        tool = by_name[name]
        assert set(tool.input_schema["properties"]) == set(input_model.model_fields)
        assert tool.output_schema is not None
        assert set(tool.output_schema["properties"]) == set(output_model.model_fields)
        assert {"usage", "mode"} <= set(tool.output_schema["properties"])
    assert by_name["intake_lead"].input_schema["required"] == ["lead"]


def test_every_tool_answers(sample_leads: dict, business_context: dict, agent_settings: Settings) -> None:
    stage = {"lead": sample_leads["TransLog Cargas Ltda"], "business_context": business_context}
    calls = [(name, stage) for name in ("intake_lead", "analyze_lead", "create_persona", "build_strategy",
                                        "craft_message")]
    calls += [("chat", {"agent_name": "analysis", "message": "por que é alto potencial?", "lead": stage["lead"],
                        "business_context": business_context}),
              ("harvest_leads", {"business_context": business_context, "user_search_query": "ERP", "max_results": 3})]
    _, results = call_all(agent_settings, calls)
    assert not any(r.is_error for r in results), [r.content for r in results if r.is_error]
    intake, analysis, persona, strategy, message, chat, harvest = (r.structured_content for r in results)
    assert intake["enrichment_data"]["cnpj"] == ["11.222.333/0001-81"]
    assert analysis["qualification_tier"] == "high_potential"
    assert persona["persona"]["likely_role"]
    assert 3 <= len(strategy["strategy"]["contact_sequence"]) <= 5
    assert "TransLog" in MessageOutput.model_validate(message).message.body
    assert "TransLog" in ChatOutput.model_validate(chat).reply
    assert len(HarvestOutput.model_validate(harvest).candidates) == 3


def test_bad_input_is_a_readable_tool_error(agent_settings: Settings) -> None:
    _, results = call_all(agent_settings, [
        ("analyze_lead", {"lead": "not an object"}),
        ("analyze_lead", {"lead": {"company_name": 42}}),
        ("harvest_leads", {"max_results": "many"}),
        ("chat", {"agent_name": "analysis"}),
    ])
    for result in results:
        assert result.is_error
        assert "validation error" in result.content[0].text


def test_package_never_imports_django() -> None:
    for path in Path(pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(name.split(".")[0] == "django" for name in names), path
