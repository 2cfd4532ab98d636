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
MESSAGE = {"channel": "email", "language": "pt-BR", "subject_line": "Frota da Valid", "call_to_action": "Conversamos?",
           "body": "Olá! Vi que a Valid opera 200 caminhões em Caxias do Sul. Conversamos?"}
# Keyed by the lead's company name, so one server serves every case.
CANNED = {
    "Valid": json.dumps(VALID_ANALYSIS),
    "WrongTier": json.dumps({**VALID_ANALYSIS, "qualification_tier": "superb", "overall_score": 7}),
    "NotJson": "Sure! Here is the analysis: high potential.",
    "Glued": json.dumps({**VALID_ANALYSIS, "analysis": {**VALID_ANALYSIS["analysis"],
                                                        "general_diagnosis": "Empresa sólida.Nesse momento cresce."}}),
    "ValidMessage": json.dumps({"message": MESSAGE}),
    "LongWhatsApp": json.dumps({"message": {**MESSAGE, "channel": "whatsapp", "subject_line": "",
                                            "body": "Olá, tudo bem? " + "Temos uma proposta para a frota. " * 15}}),
    "EnglishInPortuguese": json.dumps({"message": {**MESSAGE, "body": "Olá! We help sales teams book more "
                                                   "meetings with qualified leads every single week."}}),
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


def test_the_prompt_carries_the_sellers_pieces_and_the_leads_facts(llm_settings: Settings) -> None:
    data = {"lead": {"company_name": "ValidMessage", "source_text": "Transportadora com 200 caminhões em Caxias do Sul/RS."},
            "business_context": {"product_service_description": "Rastreadores e plataforma de telemetria para frotas.",
                                 "ideal_customer": "Gestor de frota de transportadoras",
                                 "pain_points": ["consumo excessivo de combustível"], "language": "pt-BR"}}
    out = agents.craft_message(data, llm_settings)
    assert out.mode == "llm" and out.message.subject_line == "Frota da Valid"
    sent = json.loads(FakeOpenAI.requests[-1]["messages"][-1]["content"])["grounding"]
    assert sent["seller"]["offer"] == "rastreadores e plataforma de telemetria para frotas"
    assert sent["seller"]["pains_it_solves"] == ["consumo excessivo de combustível"]
    assert sent["seller"]["ideal_customer_roles"][0]["department"] == "Logística e Frota"
    assert sent["lead"]["cnae_division"] == "49" and sent["lead"]["measures"] == ["200 veículos"]
    assert (sent["lead"]["city"], sent["lead"]["state"]) == ("Caxias do Sul", "RS")
    assert any("not_qualified" in rule for rule in sent["rules"])


@pytest.mark.parametrize(("name", "why"), [
    ("Glued", "glued after full stop"),
    ("LongWhatsApp", "whatsapp body over 60 words"),
    ("EnglishInPortuguese", "other language"),
])
def test_an_answer_failing_the_offline_checks_is_an_error(llm_settings: Settings, name: str, why: str) -> None:
    tool = agents.analyze_lead if name == "Glued" else agents.craft_message
    with pytest.raises(AgentError, match=f"LLM output failed the checks: .*{why}"):
        tool(lead(name), llm_settings)


def test_a_cold_message_for_a_not_qualified_lead_is_an_error(llm_settings: Settings) -> None:
    analysis = {**VALID_ANALYSIS, "qualification_tier": "not_qualified", "overall_score": 0.1}
    with pytest.raises(AgentError, match="a cold message for a not_qualified lead"):
        agents.craft_message({**lead("ValidMessage"), "previous": {"analysis": analysis}}, llm_settings)


def test_unreachable_llm_is_a_readable_error() -> None:
    settings = Settings(llm_provider="openai", llm_base_url="http://127.0.0.1:9/v1", llm_api_key="k",
                        llm_max_retries=0, llm_timeout=2)
    with pytest.raises(AgentError, match="LLM request failed"):
        agents.analyze_lead(lead("Valid"), settings)
