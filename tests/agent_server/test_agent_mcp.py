"""The agent server through a real MCP client session over the SDK's in-memory transport."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Annotated, Any

import anyio
from mcp import Client
from mcp.client._memory import InMemoryTransport
from mcp.types import CallToolResult
from pydantic import Field

import mcp_bridge.agent_server as pkg
from mcp_bridge.agent_server import build_server
from mcp_bridge.agent_server.config import Settings
from mcp_bridge.agent_server.models import STAGE_BATCH_TOOL, ChatOutput, HarvestOutput, MessageOutput
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
    assert set(by_name) == {*TOOLS, STAGE_BATCH_TOOL}
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


def test_only_a_tool_declaring_an_mcp_param_header_has_its_headers_checked(agent_settings: Settings) -> None:
    """The SDK checks `Mcp-Param-*` headers against the schema its lookup gives before each call: our tools, which
    declare none, skip that walk; a tool that declares one keeps the check."""
    server = build_server(agent_settings)

    def regional(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region"})]) -> dict[str, str]:
        return {"region": region}

    server.add_tool(regional, name="regional", structured_output=True)
    lookup = server._lowlevel_server.get_tool_input_schema  # what the SDK's HTTP transport calls per request
    assert lookup is not None
    assert all(lookup(name) is None for name in TOOLS)
    assert lookup("regional")["properties"]["region"]["x-mcp-header"] == "Region"
    assert lookup("no-such-tool") is None


def test_the_http_servers_offline_stages_run_on_the_event_loop_and_model_calls_on_threads(
        agent_settings: Settings) -> None:
    """Served over HTTP, an offline stage is a millisecond of CPU: no worker-thread hand-off. A model's network
    waits (and chat, harvests) keep the thread, so they never block the server's loop; so does every tool of the
    in-process server, whose loop is the bridge's."""
    from dataclasses import replace
    from inspect import iscoroutinefunction

    from mcp_bridge.agent_server.server import _adapter

    def adapted(name: str, settings: Settings, inline_stages: bool = True) -> Any:
        _, input_model, output_model, _ = TOOLS[name]
        return _adapter(name, input_model, output_model, settings, inline_stages=inline_stages)

    offline = replace(agent_settings, llm_provider="")
    with_model = replace(agent_settings, llm_provider="openai")
    assert iscoroutinefunction(adapted("analyze_lead", offline))
    assert not iscoroutinefunction(adapted("analyze_lead", with_model))
    assert not iscoroutinefunction(adapted("chat", offline))
    assert not iscoroutinefunction(adapted("harvest_leads", offline))
    assert not iscoroutinefunction(adapted("analyze_lead", offline, inline_stages=False))


def test_the_access_log_is_off_unless_asked_for() -> None:
    assert Settings.from_env({}).access_log is False
    assert Settings.from_env({"AGENT_SERVER_ACCESS_LOG": "1"}).access_log is True


def test_a_batch_answers_each_call_on_its_own_in_order(agent_settings: Settings) -> None:
    lead = {"company_name": "TransLog Cargas", "description": "Transportadora em Curitiba - PR. contato@translog.com.br"}
    calls = [("intake_lead", {"lead": lead}), ("analyze_lead", {"lead": lead}), ("create_persona", {"lead": "x"})]
    batch = [{"tool": tool, "arguments": arguments} for tool, arguments in calls]
    _, results = call_all(agent_settings, [*calls[:2], (STAGE_BATCH_TOOL, {"calls": batch})])
    answers = results[2].structured_content["results"]
    assert [answer["result"] for answer in answers[:2]] == [result.structured_content for result in results[:2]]
    assert answers[2] == {"result": None, "error": "Invalid arguments for create_persona (lead: Input should be a "
                                                   "valid dictionary or instance of LeadData)"}


def test_a_batch_with_a_model_runs_its_calls_side_by_side_on_threads(agent_settings: Settings, monkeypatch) -> None:
    """A model's calls wait on the network: a batch of them must not take one after the other."""
    import functools
    import threading
    from dataclasses import replace

    from mcp_bridge.agent_server import server
    from mcp_bridge.agent_server.models import StageCall

    together = threading.Barrier(3, timeout=10)  # broken, and the calls fail, unless all three wait at once
    analyze, input_model, output_model, description = TOOLS["analyze_lead"]

    def waiting(data: Any, settings: Settings) -> Any:
        together.wait()
        return analyze(data, replace(settings, llm_provider=""))

    monkeypatch.setitem(server.TOOLS, "analyze_lead", (waiting, input_model, output_model, description))
    tool = server._batch_tool(replace(agent_settings, llm_provider="openai"), inline_stages=True)
    calls = [StageCall(tool="analyze_lead", arguments={"lead": {"company_name": f"Empresa {n}"}}) for n in range(3)]
    output = anyio.run(functools.partial(tool, calls=calls))
    assert [item.error for item in output.results] == [None] * 3


def test_a_batch_holds_at_most_its_published_number_of_calls(agent_settings: Settings) -> None:
    from mcp_bridge.agent_server.models import STAGE_BATCH_MAX

    call = {"tool": "intake_lead", "arguments": {"lead": {"company_name": "Empresa"}}}
    _, results = call_all(agent_settings, [(STAGE_BATCH_TOOL, {"calls": [call] * (STAGE_BATCH_MAX + 1)}),
                                           (STAGE_BATCH_TOOL, {"calls": [call] * STAGE_BATCH_MAX})])
    assert results[0].is_error and not results[1].is_error
    assert len(results[1].structured_content["results"]) == STAGE_BATCH_MAX
