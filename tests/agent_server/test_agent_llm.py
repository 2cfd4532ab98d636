"""LLM mode against a fake OpenAI-compatible server on loopback (canned completions, one of them invalid)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client._memory import InMemoryTransport

from mcp_bridge.agent_server import agents, build_server
from mcp_bridge.agent_server.config import Settings
from mcp_bridge.agent_server.llm import AgentError

VALID_ANALYSIS = {
    "analysis": {"company_sector": "Logística", "main_services": ["transporte"], "company_size_estimate": "grande",
                 "general_diagnosis": "ok", "opportunity_fit": "alto",
                 "score_explanations": {"relevance": "r", "roi_potential": "r", "brazilian_market_fit": "b", "overall": "o"}},
    "company_sector": "Logística", "company_size": "large", "pain_point_analysis": ["ciclo longo"],
    "purchase_triggers": ["contratando"], "relevance_score": 0.9, "roi_potential_score": 0.8,
    "brazilian_market_fit": 1.0, "overall_score": 0.88, "qualification_tier": "high_potential",
}
# Keyed by the lead's company name, so one server serves every case.
CANNED = {
    "Valid": json.dumps(VALID_ANALYSIS),
    "WrongTier": json.dumps({**VALID_ANALYSIS, "qualification_tier": "superb", "overall_score": 7}),
    "NotJson": "Sure! Here is the analysis: high potential.",
}


class FakeOpenAI(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        user = json.loads(body["messages"][-1]["content"])
        content = CANNED[user["lead"]["company_name"]]
        payload = json.dumps({
            "id": "cmpl-1", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass


@pytest.fixture
def llm_settings() -> Iterator[Settings]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FakeOpenAI.requests.clear()
    yield Settings(llm_provider="openai", llm_base_url=f"http://127.0.0.1:{httpd.server_address[1]}/v1",
                   llm_api_key="test-key", llm_model="fake-model", llm_max_retries=0, llm_timeout=5)
    httpd.shutdown()
    thread.join(timeout=5)


def lead(name: str) -> dict[str, Any]:
    return {"lead": {"company_name": name}, "business_context": {"language": "pt-BR"}}


def test_valid_completion_is_validated_and_reports_usage(llm_settings: Settings) -> None:
    out = agents.analyze_lead(lead("Valid"), llm_settings)
    assert out.mode == "llm" and out.qualification_tier == "high_potential"
    assert (out.usage.prompt_tokens, out.usage.completion_tokens, out.usage.total_tokens) == (120, 80, 200)
    sent = FakeOpenAI.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["model"] == "fake-model"
    assert sent["response_format"] == {"type": "json_object"} and sent["auth"] == "Bearer test-key"
    assert "qualification_tier" in sent["messages"][0]["content"]  # the output schema is in the prompt


@pytest.mark.parametrize("name", ["WrongTier", "NotJson"])
def test_invalid_completion_is_an_error_not_an_offline_fallback(llm_settings: Settings, name: str) -> None:
    with pytest.raises(AgentError, match="LLM output is not a valid AnalysisOutput"):
        agents.analyze_lead(lead(name), llm_settings)


def test_invalid_completion_is_an_mcp_tool_error(llm_settings: Settings) -> None:
    async def session() -> list[Any]:
        async with Client(InMemoryTransport(build_server(llm_settings))) as client:
            return [await client.call_tool("analyze_lead", lead(n)) for n in ("Valid", "WrongTier")]

    ok, bad = anyio.run(session)
    assert not ok.is_error and ok.structured_content["mode"] == "llm"
    assert bad.is_error and "qualification_tier" in bad.content[0].text


def test_unreachable_llm_is_a_readable_error() -> None:
    settings = Settings(llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1", llm_api_key="k",
                        llm_max_retries=0, llm_timeout=2)
    with pytest.raises(AgentError, match="LLM request failed"):
        agents.analyze_lead(lead("Valid"), settings)
