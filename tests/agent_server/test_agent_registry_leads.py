"""Leads from the national CNPJ registry (bench/agent_messages.py, shaped like registry.services.lead_row): a
razão social, a CNAE line, porte, town, opening date and contacts, no website text. What a Brazilian SDR found wrong in the messages written for them —
pains claimed that the data does not show, a fit claimed for a CNAE far from the seller's focus, the registry's
facts left unused — plus a value written as a noun phrase pasted as its own paragraph, and wrong articles."""

from __future__ import annotations

from typing import Any

import pytest

from bench.agent_messages import REGISTRY_LEADS
from bench.agent_quality import contexts, leaks, run_pipeline
from mcp_bridge.agent_server.message import SECTOR_IMPACT, activity_phrase
from mcp_bridge.agent_server.models import BusinessContextData, LeadData
from mcp_bridge.agent_server.profile import build_profile
from mcp_bridge.agent_server.seller import noun_value, read_seller
from mcp_bridge.agent_server.strategy import TRIGGER_HOOKS

REFERENCE_YEAR = 2025
LEADS = REGISTRY_LEADS


def message_for(lead: str, seller: str) -> tuple[Any, Any]:
    out = run_pipeline(LEADS[lead], contexts()[seller])
    return out["message"].message, out["analysis"]


@pytest.mark.parametrize(("lead", "seller", "opening"), [
    ("transport", "fleet_telemetry",
     "Vi que a Transportes Rodoserra atua no ramo de transporte rodoviário de carga em Caxias do Sul desde 2009."),
    ("accounting", "accounting_software", "Vi que a Contábil Horizonte atua no ramo de contabilidade em Londrina desde 2024."),
    ("restaurant", "restaurant_saas", "Vi que a Cantina Bella Nonna atua no ramo de restaurantes em Campinas desde 2015."),
    ("metalworks", "industrial_cleaning",
     "Vi que a Metalúrgica Irmãos Zanella atua no ramo de fabricação de produtos de metal em Joinville desde 1994."),
])
def test_a_registry_lead_is_opened_with_its_activity_town_and_age(lead: str, seller: str, opening: str) -> None:
    message, _ = message_for(lead, seller)
    assert message.recommended and opening in message.body


@pytest.mark.parametrize(("lead", "seller"), [("transport", "fleet_telemetry"), ("accounting", "accounting_software"),
                                              ("restaurant", "restaurant_saas"), ("metalworks", "industrial_cleaning")])
def test_a_sparse_lead_in_focus_is_asked_about_a_pain_not_told_it_has_one(lead: str, seller: str) -> None:
    """Nothing in a registry record shows a pain or a trigger: the message asks, it does not assert."""
    message, analysis = message_for(lead, seller)
    body = message.body
    assert analysis.purchase_triggers == []
    assert not any(hook in body for pair in TRIGGER_HOOKS.values() for hook in pair)
    assert not any(verb in body for _, verbs, _, _ in SECTOR_IMPACT.values() for verb in verbs)
    assert "no próprio site" not in body
    pains = read_seller(BusinessContextData.model_validate(contexts()[seller])).pains
    asked = [s for s in body.replace("\n", " ").split("? ") if "Como vocês lidam hoje com" in s]
    assert len(asked) == 1 and any(p.noun in asked[0] for p in pains)


@pytest.mark.parametrize(("lead", "seller"), [("transport", "dental_distributor"), ("metalworks", "restaurant_saas"),
                                              ("accounting", "dental_distributor"), ("restaurant", "accounting_software")])
def test_a_lead_outside_the_sellers_focus_is_not_told_it_fits(lead: str, seller: str) -> None:
    """A dental distributor writing to a trucking company must not say its pains 'weigh on every route'."""
    message, _ = message_for(lead, seller)
    if not message.recommended:
        return
    pains = read_seller(BusinessContextData.model_validate(contexts()[seller])).pains
    assert not any(p.noun in message.body.lower() or p.noun in message.subject_line.lower() for p in pains)
    assert "Não sei se isso se aplica à rotina de vocês." in message.body


def test_a_lead_outside_the_sellers_focus_gets_a_plain_subject() -> None:
    """'NexaSoft Sistemas: expansão de operação ou mercado' from a dental distributor reads as a claimed fit."""
    lead = {"company_name": "NexaSoft Sistemas", "website": "https://nexasoft.com.br",
            "description": "Software de gestão em Florianópolis/SC. Estamos expandindo a operação para o Nordeste. "
                           "E-mail: contato@nexasoft.com.br"}
    message = run_pipeline(lead, contexts()["dental_distributor"])["message"].message
    assert message.recommended and message.channel == "email"
    assert message.subject_line == "Uma ideia para a NexaSoft Sistemas"


@pytest.mark.parametrize("lead", list(LEADS))
def test_a_registry_lead_gets_no_other_sellers_offer(lead: str) -> None:
    every = contexts()
    for seller in ("fleet_telemetry", "accounting_software", "industrial_cleaning", "dental_distributor",
                   "restaurant_saas"):
        body = run_pipeline(LEADS[lead], every[seller])["message"].message.body
        text = " ".join(LEADS[lead].values())
        assert leaks(body, seller, text, every) == [], (seller, body)


@pytest.mark.parametrize(("value", "noun"), [
    ("Redução de custos com combustível", "redução de custos com combustível"),
    ("Menos desperdício e mais controle do caixa", "menos desperdício e mais controle do caixa"),
    ("Fechamento contábil até 3 dias mais rápido e nenhuma multa por atraso.", "fechamento contábil até 3 dias mais "
                                                                              "rápido e nenhuma multa por atraso"),
    ("Nossos clientes reduzem em média 15% o consumo de combustível.", ""),
    ("O atendimento é rápido", ""),
    ("reduzir a conta de energia em até 25%", ""),
    ("Redução de custos. Entrega em 24 horas.", ""),
])
def test_a_value_written_as_a_noun_phrase_is_recognised(value: str, noun: str) -> None:
    assert noun_value(value, True) == noun


def test_a_noun_phrase_value_is_worked_into_a_sentence_not_pasted_as_a_paragraph() -> None:
    ctx = {**contexts()["fleet_telemetry"], "value_proposition": "Redução de custos com combustível"}
    lead = {"company_name": "Transportes Serra Gaúcha", "website": "https://serragaucha.com.br",
            "description": "Transportadora de cargas em Caxias do Sul/RS com frota de 200 caminhões. "
                           "E-mail: frota@serragaucha.com.br"}
    message = run_pipeline(lead, ctx)["message"].message
    body = message.body
    assert message.channel == "email"
    paragraphs = [p.strip() for p in body.split("\n")]
    assert "Redução de custos com combustível." not in paragraphs
    assert "Na prática, isso significa redução de custos com combustível." in body


@pytest.mark.parametrize(("name", "source_text", "named", "of"), [
    ("O Boticário", "", "o Boticário", "do Boticário"),  # the name's own article, not 'a O Boticário'
    ("Mercado Livre", "", "o Mercado Livre", "do Mercado Livre"),
    ("Madero", "Atividade principal (CNAE 5611-2/01): Restaurantes e similares", "o Madero", "do Madero"),
    ("Assaí Atacadista", "Atividade principal (CNAE 4711-3/01): Comércio varejista - hipermercados", "o Assaí Atacadista",
     "do Assaí Atacadista"),
    ("Cantina Bella Nonna", "Atividade principal (CNAE 5611-2/01): Restaurantes e similares", "a Cantina Bella Nonna",
     "da Cantina Bella Nonna"),
    ("Lojas Renner", "", "a Lojas Renner", "da Lojas Renner"),  # a plural head names the company: verb stays singular
    ("Transportes Rodoserra", "Atividade principal (CNAE 4930-2/02): Transporte rodoviário de carga",
     "a Transportes Rodoserra", "da Transportes Rodoserra"),
])
def test_company_names_take_the_article_portuguese_gives_them(name: str, source_text: str, named: str, of: str) -> None:
    p = build_profile(LeadData(company_name=name, source_text=source_text), None, REFERENCE_YEAR)
    assert (p.named(), p.named("de")) == (named, of)


@pytest.mark.parametrize(("description", "trade"), [
    ("Transporte rodoviário de carga, exceto produtos perigosos e mudanças", "transporte rodoviário de carga"),
    ("Atividades de contabilidade", "contabilidade"),
    ("Restaurantes e similares", "restaurantes"),
    ("Fabricação de outros produtos de metal não especificados anteriormente", "fabricação de produtos de metal"),
    ("Atividade odontológica", ""),  # not a trade: the message names the sector instead
])
def test_the_cnae_activity_reads_as_a_trade(description: str, trade: str) -> None:
    lead = LeadData(company_name="X", source_text=f"Atividade principal (CNAE 0000-0/00): {description}")
    assert activity_phrase(build_profile(lead, None, REFERENCE_YEAR)) == trade


def test_the_registry_opening_date_gives_the_founding_year() -> None:
    lead = LeadData(**LEADS["transport"])
    assert build_profile(lead, None, REFERENCE_YEAR).facts.founded_year == 2009


def test_a_noun_phrase_value_reads_as_a_sentence_in_the_analysis_and_strategy_too() -> None:
    """'… favorece a abordagem. Redução de custos com combustível.' was pasted after whole sentences."""
    ctx = {**contexts()["fleet_telemetry"], "value_proposition": "Redução de custos com combustível"}
    out = run_pipeline(LEADS["transport"], ctx)
    texts = [out["analysis"].analysis.opportunity_fit,
             *(o.response for o in out["strategy"].strategy.potential_objections)]
    assert not any("Redução de custos com combustível." in t for t in texts)
    assert any("Oferecemos redução de custos com combustível." in t for t in texts)
