"""The shared sample leads through the five offline stages: sensible, explainable, deterministic."""

from __future__ import annotations

from typing import Any

import pytest

from mcp_bridge.agent_server import agents
from mcp_bridge.agent_server.config import Settings

EXPECTED_TIERS = {
    "TransLog Cargas Ltda": "high_potential",
    "MedSaúde Clínicas": "medium_potential",
    "Padaria Pão Quente": "not_qualified",
    "DataFlow Sistemas": "high_potential",
    "Metalúrgica Forte S.A.": "high_potential",
    "Acme Widgets Inc.": "not_qualified",
    "FinCred Soluções Financeiras": "high_potential",
    "AgroVale Cooperativa": "low_potential",
    "Studio Pixel Design": "not_qualified",
    "LogiMax Armazéns Gerais": "high_potential",
    "Clínica Sorriso Feliz": "low_potential",
    "TechNova Consultoria em TI": "high_potential",
}


def stage_input(lead: dict[str, str], ctx: dict[str, Any], **previous: Any) -> dict[str, Any]:
    return {"lead": {"id": "1", **lead}, "business_context": ctx, "previous": previous}


@pytest.mark.parametrize(("name", "tier"), EXPECTED_TIERS.items())
def test_sample_tiers(name: str, tier: str, sample_leads: dict, business_context: dict, agent_settings: Settings) -> None:
    out = agents.analyze_lead(stage_input(sample_leads[name], business_context), agent_settings)
    assert out.qualification_tier == tier, out.analysis.score_explanations
    assert out.mode == "offline" and out.usage.total_tokens == 0
    assert all(s == round(s, 4) for s in (out.relevance_score, out.overall_score))


def test_translog_intake_and_analysis(sample_leads: dict, business_context: dict, agent_settings: Settings) -> None:
    lead = stage_input(sample_leads["TransLog Cargas Ltda"], business_context)
    intake = agents.intake_lead(lead, agent_settings)
    assert intake.lead_updates.market_region == "Guarulhos/SP"
    assert intake.lead_updates.contact_email == "comercial@translogcargas.com.br"
    e = intake.enrichment_data
    assert (e.cnpj, e.employees, e.founded_year, e.language) == (["11.222.333/0001-81"], 900, 2000, "pt")
    assert e.phones == ["+55 11 3456-7890", "+55 11 98765-4321"]
    analysis = agents.analyze_lead({**lead, "previous": {"intake": intake.model_dump()}}, agent_settings)
    assert analysis.company_size == "large" and analysis.company_sector == "Logística e Transporte"
    assert any("contratando" in t.lower() for t in analysis.purchase_triggers)
    assert "foco" in analysis.analysis.score_explanations.relevance


def test_full_chain_uses_previous_results(sample_leads: dict, business_context: dict, agent_settings: Settings) -> None:
    lead = stage_input(sample_leads["FinCred Soluções Financeiras"], business_context)
    previous: dict[str, Any] = {}
    for stage, fn in agents.STAGE_TOOLS.items():
        out = fn({**lead, "previous": previous}, agent_settings)
        key = {"intake_lead": "intake", "analyze_lead": "analysis", "create_persona": "persona",
               "build_strategy": "strategy"}.get(stage)
        if key:
            previous[key] = out.model_dump()
    message = out.message
    assert message.language == "pt-BR"
    assert "FinCred" in message.body and "FinCred" in message.subject_line
    assert "ciclo de vendas" in message.body  # the lead's own pain, matched to the seller's offer
    assert message.call_to_action in message.body and message.estimated_read_time_seconds > 0


def test_persona_and_strategy_are_sensible(sample_leads: dict, business_context: dict, agent_settings: Settings) -> None:
    bakery = stage_input(sample_leads["Padaria Pão Quente"], business_context)
    persona = agents.create_persona(bakery, agent_settings).persona
    assert "proprietário" in persona.likely_role and persona.decision_maker_probability >= 0.9
    strategy = agents.build_strategy(bakery, agent_settings).strategy
    assert 3 <= len(strategy.contact_sequence) <= 5 and strategy.primary_channel != strategy.secondary_channel
    big = agents.build_strategy(stage_input(sample_leads["TechNova Consultoria em TI"], business_context), agent_settings)
    assert big.strategy.primary_channel == "email" and len(big.strategy.contact_sequence) == 5
    assert any("Apollo.io" in o.objection for o in big.strategy.potential_objections)


def test_message_follows_the_context_language(sample_leads: dict, business_context: dict, agent_settings: Settings) -> None:
    english = {**business_context, "language": "en"}
    out = agents.craft_message(stage_input(sample_leads["DataFlow Sistemas"], english), agent_settings).message
    assert out.language == "en" and "DataFlow" in out.body and "Hi" in out.body
    assert "cut prospect research time by 80%" in out.body  # the English value proposition, composed into a sentence


def test_same_input_same_output(sample_leads: dict, business_context: dict, agent_settings: Settings) -> None:
    for lead in sample_leads.values():
        data = stage_input(lead, business_context)
        for fn in agents.STAGE_TOOLS.values():
            assert fn(data, agent_settings).model_dump() == fn(data, agent_settings).model_dump()


def test_empty_lead_and_missing_context_still_work(agent_settings: Settings) -> None:
    for fn in agents.STAGE_TOOLS.values():
        out = fn({"lead": {}}, agent_settings)
        assert out.mode == "offline"
    assert agents.analyze_lead({"lead": {}}, agent_settings).qualification_tier in ("low_potential", "not_qualified")
