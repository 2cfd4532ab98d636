"""Several stage calls at once (`AgentBridge.call_tools`): one `run_stage_batch` call when the server has it, each
call answered on its own; side by side, one call each, when it has not."""

import threading

from mcp_bridge.agent_server import build_server
from mcp_bridge.agent_server.models import STAGE_BATCH_TOOL
from mcp_bridge.client import AgentBridge
from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from tests.mcp_bridge.conftest import LEAD, TOKEN, free_port

CALLS = [("intake_lead", LEAD), ("analyze_lead", LEAD), ("craft_message", {"lead": 42})]


def _server_without_batches():
    server = build_server()
    server.remove_tool(STAGE_BATCH_TOOL)
    return server


def _assert_answers(bridge, outcomes):
    assert outcomes[:2] == [bridge.call_tool(tool, arguments) for tool, arguments in CALLS[:2]]
    assert isinstance(outcomes[2], AgentToolError) and outcomes[2].tool == "craft_message"
    assert "craft_message" in str(outcomes[2]) and "lead" in str(outcomes[2])


def test_a_batch_is_one_http_request_and_each_call_is_answered_on_its_own(http_server, make_bridge):
    bridge = make_bridge(url=http_server.url, token=TOKEN)
    bridge.call_tools(CALLS)  # the session opened, the server's tools listed once
    before = http_server.app.requests
    outcomes = bridge.call_tools(CALLS)
    assert http_server.app.requests - before == 1
    _assert_answers(bridge, outcomes)


def test_without_the_batch_tool_the_calls_go_side_by_side(make_bridge, monkeypatch):
    bridge = make_bridge(server_factory=_server_without_batches)
    together = threading.Barrier(len(CALLS), timeout=10)  # broken, and a call fails, unless all wait at once
    real = AgentBridge.call_tool

    def call_tool(self, tool, arguments, **kwargs):
        together.wait()
        return real(self, tool, arguments, **kwargs)

    monkeypatch.setattr(AgentBridge, "call_tool", call_tool)
    outcomes = bridge.call_tools(CALLS)
    monkeypatch.setattr(AgentBridge, "call_tool", real)
    _assert_answers(bridge, outcomes)


def test_a_server_that_no_longer_has_the_batch_tool_is_called_one_by_one(make_bridge):
    bridge = make_bridge(server_factory=_server_without_batches)
    bridge.call_tool("intake_lead", LEAD)  # the session opened
    bridge._batch_tool = True  # listed by the server this bridge spoke to before
    _assert_answers(bridge, bridge.call_tools(CALLS))
    bridge.call_tools(CALLS[:2])
    assert bridge._batch_tool is False  # the server was asked again


def test_an_unreachable_server_makes_every_call_unavailable(make_bridge):
    bridge = make_bridge(url=f"http://127.0.0.1:{free_port()}/mcp", token=TOKEN, max_retries=1)
    outcomes = bridge.call_tools(CALLS[:2])
    assert all(isinstance(outcome, AgentServerUnavailable) for outcome in outcomes)
    assert "connection refused" in str(outcomes[0])


def test_more_calls_than_a_batch_holds_go_in_several(make_bridge, monkeypatch):
    from mcp_bridge import client

    monkeypatch.setattr(client, "STAGE_BATCH_MAX", 2)
    bridge = make_bridge()
    sent = []
    real = AgentBridge.call_tool

    def call_tool(self, tool, arguments, **kwargs):
        sent.append(len(arguments["calls"]) if tool == STAGE_BATCH_TOOL else tool)
        return real(self, tool, arguments, **kwargs)

    monkeypatch.setattr(AgentBridge, "call_tool", call_tool)
    outcomes = bridge.call_tools([("intake_lead", LEAD)] * 5)
    assert sent == [2, 2, "intake_lead"] and len(outcomes) == 5
    assert all(outcome == outcomes[0] and "enrichment_data" in outcome for outcome in outcomes)
