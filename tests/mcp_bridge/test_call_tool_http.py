"""The bridge over real streamable HTTP on a loopback port, with the bearer token; retries and errors."""

import time

import pytest

from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from tests.mcp_bridge.conftest import LEAD, TOKEN, ThreadedServer, free_port


def test_calls_with_bearer_token_over_one_session(http_server, make_bridge):
    bridge = make_bridge(url=http_server.url, token=TOKEN)
    result = bridge.call_tool("analyze_lead", LEAD)
    assert 0 <= result["overall_score"] <= 1
    first = bridge._client
    bridge.call_tool("intake_lead", LEAD)
    assert bridge._client is first


def test_wrong_token_fails_at_once_with_a_clear_reason(http_server, make_bridge):
    bridge = make_bridge(url=http_server.url, token="wrong", max_retries=3, backoff=5)
    started = time.monotonic()
    with pytest.raises(AgentServerUnavailable, match="refused the bearer token"):
        bridge.call_tool("intake_lead", LEAD)
    assert time.monotonic() - started < 5


def test_tool_error_is_not_retried(http_server, make_bridge):
    bridge = make_bridge(url=http_server.url, token=TOKEN, max_retries=3)
    bridge.call_tool("intake_lead", LEAD)  # session open
    before = http_server.app.requests
    with pytest.raises(AgentToolError):
        bridge.call_tool("craft_message", {"lead": 42})
    assert http_server.app.requests - before == 1


def test_server_down_raises_unavailable_after_retries_with_backoff(make_bridge):
    url = f"http://127.0.0.1:{free_port()}/mcp"
    bridge = make_bridge(url=url, token=TOKEN, max_retries=3, backoff=0.1)
    started = time.monotonic()
    with pytest.raises(AgentServerUnavailable) as caught:
        bridge.call_tool("intake_lead", LEAD)
    elapsed = time.monotonic() - started
    assert caught.value.attempts == 4
    assert "connection refused" in str(caught.value) and "after 4 attempts" in str(caught.value)
    assert elapsed >= 0.1 + 0.2 + 0.4  # exponential backoff between the 4 attempts


def test_reconnects_when_the_server_comes_back(make_bridge):
    server = ThreadedServer().start()
    bridge = make_bridge(url=server.url, token=TOKEN, max_retries=1, backoff=0.01)
    try:
        assert bridge.call_tool("intake_lead", LEAD)
        server.stop()
        with pytest.raises(AgentServerUnavailable):
            bridge.call_tool("intake_lead", LEAD)
        server.start()
        assert bridge.call_tool("intake_lead", LEAD)["enrichment_data"]["emails"]
    finally:
        server.stop()


def test_transient_failure_then_success_within_retries(make_bridge):
    port = free_port()
    server = ThreadedServer(port)
    bridge = make_bridge(url=server.url, token=TOKEN, max_retries=4, backoff=0.3)
    import threading

    threading.Timer(0.4, server.start).start()  # comes up while the bridge is backing off
    try:
        assert bridge.call_tool("intake_lead", LEAD)["enrichment_data"]["emails"]
    finally:
        time.sleep(0.5)
        server.stop()


def test_slow_call_times_out_as_unavailable(make_bridge):
    bridge = make_bridge(url=f"http://10.255.255.1:{free_port()}/mcp", token=TOKEN, max_retries=0)
    started = time.monotonic()
    with pytest.raises(AgentServerUnavailable):
        bridge.call_tool("intake_lead", LEAD, timeout=0.5)
    assert time.monotonic() - started < 5
