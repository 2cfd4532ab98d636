"""Offline chat answers are grounded in the data sent with the question."""

from __future__ import annotations

import json
from typing import Any

from mcp_bridge.agent_server import agents

PIPELINE = {"total": 12, "by_status": {"completed": 10, "failed": 2}, "by_tier": {"high_potential": 6, "not_qualified": 3},
            "top_leads": [{"id": "7", "company_name": "TechNova Consultoria em TI", "qualification_tier": "high_potential",
                           "overall_score": 0.95, "processing_stage": "completed"}]}


def ask(message: str, agent: str = "analysis", **data: Any) -> str:
    return agents.chat({"agent_name": agent, "message": message, **data}).reply


def test_why_high_potential_explains_scores(sample_leads: dict, business_context: dict) -> None:
    reply = ask("Por que este lead é alto potencial?", lead=sample_leads["TransLog Cargas Ltda"],
                business_context=business_context)
    assert "TransLog" in reply and "Alto potencial" in reply
    assert "900 colaboradores" in reply and "Logística" in reply


def test_stored_scores_are_used_when_present(sample_leads: dict) -> None:
    lead = {**sample_leads["Padaria Pão Quente"], "qualification_tier": "low_potential", "overall_score": 0.31,
            "analysis": {"score_explanations": {"relevance": "0.10 — fora do foco"}}}
    reply = ask("why is this lead low potential?", lead=lead)
    assert "Low potential" in reply and "0.31" in reply and "fora do foco" in reply


def test_pipeline_summary_in_english_without_context() -> None:
    reply = ask("summarise my pipeline", agent="chat", pipeline=PIPELINE)
    assert "12 leads" in reply and "High potential: 6" in reply and "TechNova" in reply


def test_follow_up_uses_the_leads_strategy_and_message(sample_leads: dict, business_context: dict) -> None:
    lead = {**sample_leads["DataFlow Sistemas"], "message": {
        "channel": "email", "subject_line": "DataFlow: pipeline pós-Série B", "body": "…",
        "call_to_action": "Podemos falar na quinta?"}}
    reply = ask("escreva um follow-up para este lead", agent="message", lead=lead, business_context=business_context)
    assert "Re: DataFlow: pipeline pós-Série B" in reply and "Podemos falar na quinta?" in reply
    assert "passo 3" in reply


def test_attachments_are_summarised() -> None:
    csv_text = "company_name,website,city\nA,https://a.com.br,Recife\nB,https://b.com.br,Natal\n"
    reply = ask("what is in this file?", agent="chat", attachments=[{"name": "leads.csv", "text": csv_text}])
    assert "2 rows" in reply and "3 columns" in reply and "company_name, website, city" in reply
    js = json.dumps([{"id": 1, "name": "x"}, {"id": 2, "tier": "high"}])
    reply = ask("resuma o anexo", agent="chat", attachments=[{"name": "d.json", "text": js}])
    assert "lista JSON com 2 itens" in reply and "id, name, tier" in reply


def test_each_agent_answers_in_its_domain(sample_leads: dict, business_context: dict) -> None:
    lead = sample_leads["TechNova Consultoria em TI"]
    common = {"lead": lead, "business_context": business_context}
    assert "07.526.557/0001-00" in ask("fale sobre o lead", agent="intake", **common)
    assert "Relevância" in ask("fale sobre o lead", agent="analysis", **common)
    assert "probabilidade de decisão" in ask("fale sobre o lead", agent="persona", **common)
    assert "1. email" in ask("fale sobre o lead", agent="strategy", **common)
    assert "TechNova" in ask("fale sobre o lead", agent="message", **common)


def test_without_data_the_agent_says_what_it_can_do(business_context: dict) -> None:
    reply = ask("olá", agent="persona", business_context=business_context)
    assert "Selecione um lead" in reply


def test_a_single_fact_is_answered_or_said_plainly_missing(sample_leads: dict, business_context: dict) -> None:
    lead = sample_leads["TransLog Cargas Ltda"]
    notes = [{"name": "notas.txt", "text": "Reunião com o diretor. Orçamento aprovado de R$ 200 mil para 2026."}]
    reply = ask("Quantos funcionários e qual o faturamento deles?", lead=lead, business_context=business_context,
                attachments=notes)
    assert "Número de colaboradores da TransLog Cargas: 900 colaboradores (fonte: página do lead)" in reply
    assert "Os dados não dizem o faturamento da TransLog Cargas" in reply
    reply = ask("Qual o orçamento deles?", lead=lead, business_context=business_context, attachments=notes)
    assert "“Orçamento aprovado de R$ 200 mil para 2026.” (fonte: anexo notas.txt)" in reply
    assert "CNAE 49 — Transporte terrestre" in ask("Qual o setor?", lead=lead, business_context=business_context)
