"""The bridge against the bundled agent server in process (the embedded default), over one kept session."""

import pytest

from mcp_bridge import client
from mcp_bridge.errors import AgentToolError
from tests.mcp_bridge.conftest import LEAD


def test_call_tool_returns_structured_output(make_bridge):
    bridge = make_bridge()
    result = bridge.call_tool("intake_lead", LEAD)
    assert "comercial@translog.com.br" in result["enrichment_data"]["emails"]
    assert set(result["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}


def test_session_is_kept_between_calls(make_bridge):
    bridge = make_bridge()
    bridge.call_tool("intake_lead", LEAD)
    first = bridge._client
    for _ in range(3):
        bridge.call_tool("analyze_lead", LEAD)
    assert bridge._client is first


def test_unknown_tool_is_a_permanent_error(make_bridge):
    bridge = make_bridge(max_retries=3, backoff=5)  # a retry would take seconds: there must be none
    with pytest.raises(AgentToolError, match="no_such_tool"):
        bridge.call_tool("no_such_tool", {})


def test_schema_violation_is_a_permanent_error(make_bridge):
    bridge = make_bridge(max_retries=3, backoff=5)
    with pytest.raises(AgentToolError, match="intake_lead"):
        bridge.call_tool("intake_lead", {"lead": "not an object"})


def test_module_call_tool_uses_one_bridge_per_settings(settings):
    settings.MCP_SERVER_URL = ""
    assert client.call_tool("intake_lead", LEAD)["enrichment_data"]["emails"]
    bridge = client.get_bridge()
    assert client.get_bridge() is bridge
    settings.MCP_CALL_TIMEOUT = 12.5
    assert client.get_bridge() is not bridge  # settings changed: a new bridge, the old one closed
    assert client.get_bridge().call_timeout == 12.5
