from __future__ import annotations

from typing import Any

import pytest

from mcp_bridge.agent_server import scoring
from mcp_bridge.agent_server.models import BusinessContextData, LeadData
from mcp_bridge.agent_server.profile import build_profile, classify_size, estimate_size, find_measures
from mcp_bridge.agent_server.sector import classify


def profile(text: str, website: str = "https://acme.com.br", **fields: str):
    return build_profile(LeadData(company_name="Acme", website=website, source_text=text, **fields), None, 2025)


@pytest.fixture
def ctx(business_context: dict[str, Any]) -> BusinessContextData:
    return BusinessContextData.model_validate(business_context)


def test_sector_focus(ctx: BusinessContextData) -> None:
    assert scoring.sector_focus(profile("Transportadora de cargas com frota própria"), ctx).value == 1.0
    assert scoring.sector_focus(profile("Padaria com pães e bolos"), ctx).value == 0.0
    assert scoring.sector_focus(profile("Padaria"), BusinessContextData()).value == 0.5  # no focus given
    assert scoring.sector_focus(profile("nada a declarar"), ctx).value == 0.2  # unknown sector


def test_carriers_named_as_the_industry_focus_are_in_the_focus() -> None:
    """Found driving the real frontend: a seller to "Transportadoras" got every carrier as "fora do foco"."""
    carrier = profile("Transportadora de cargas com frota própria")
    sellers = BusinessContextData(industry_focus=["Transportadoras"])
    assert scoring.sector_focus(carrier, sellers).value == 1.0
    icp_only = BusinessContextData(industry_focus=["Varejo"], ideal_customer="Gestor de frota de transportadora")
    assert scoring.sector_focus(carrier, icp_only).value == 0.7


def test_size_fit_decays_outside_the_target_range(ctx: BusinessContextData) -> None:
    inside = scoring.size_fit(profile("Temos 500 colaboradores"), ctx).value
    above = scoring.size_fit(profile("Temos 2000 colaboradores"), ctx).value
    tiny = scoring.size_fit(profile("Somos 5 pessoas"), ctx).value
    assert inside == 1.0 and 0.4 < above < 0.6 and tiny == 0.0
    assert scoring.size_fit(profile("Temos 500 colaboradores"), BusinessContextData()).value == 0.5


def test_pain_fit_counts_shared_pains_and_sales_motion(ctx: BusinessContextData) -> None:
    assert scoring.pain_fit(profile("Queremos reduzir o ciclo de vendas"), ctx).value >= 0.4
    assert scoring.pain_fit(profile("Estamos contratando executivos de vendas"), ctx).value >= 0.5
    assert scoring.pain_fit(profile("Fazemos bolos"), ctx).value == 0.0


def test_b2b_fit(ctx: BusinessContextData) -> None:
    assert scoring.b2b_fit(profile("Atendemos indústrias e distribuidores"), ctx).value == 1.0
    assert scoring.b2b_fit(profile("Agende sua consulta, pacientes bem-vindos"), ctx).value == 0.0
    assert scoring.b2b_fit(profile("Texto neutro"), ctx).value == 0.5


def test_roi_potential_from_size_and_growth() -> None:
    big = scoring.roi_potential(profile("1.500 colaboradores. Recebemos aporte de R$ 10 milhões em Série A."))
    assert [r.name for r in big] == ["size_base", "growth_bonus"]
    assert sum(r.value for r in big) == pytest.approx(0.9)
    estimated = scoring.roi_potential(profile("Padaria de bairro"))
    assert estimated[0].value == pytest.approx(0.10 * scoring.ESTIMATED_SIZE_FACTOR)


def test_brazilian_market_fit_rules(ctx: BusinessContextData) -> None:
    full = profile("Empresa de São Paulo - SP, CNPJ 11.222.333/0001-81, (11) 3456-7890, somos uma transportadora")
    assert {r.name for r in scoring.market_fit_rules(full, ctx)} == {
        "br_domain", "portuguese", "br_phone", "cnpj", "br_location", "geographic_focus"}
    foreign = profile("We are a manufacturer in Ohio. Call +1 (614) 555-0142", website="https://acme.com")
    assert scoring.market_fit_rules(foreign, ctx) == []
    northeast = BusinessContextData(geographic_focus=["Nordeste"])
    assert "geographic_focus" not in {r.name for r in scoring.market_fit_rules(full, northeast)}


def test_tiers_and_gates() -> None:
    assert scoring.tier_for(0.85, 0.9, 1.0) == "high_potential"
    assert scoring.tier_for(0.85, 0.5, 1.0) == "medium_potential"  # big but outside the ICP
    assert scoring.tier_for(0.55, 0.9, 1.0) == "medium_potential"
    assert scoring.tier_for(0.35, 0.9, 1.0) == "low_potential"
    assert scoring.tier_for(0.10, 0.9, 1.0) == "not_qualified"
    assert scoring.tier_for(0.90, 0.9, 0.1) == "not_qualified"  # outside the Brazilian market


def test_overall_is_the_documented_weighted_mix(ctx: BusinessContextData) -> None:
    card = scoring.score(profile("Transportadora com 300 colaboradores em Campinas - SP"), ctx)
    expected = 0.45 * card.relevance + 0.35 * card.roi_potential + 0.20 * card.brazilian_market_fit
    assert card.overall == pytest.approx(expected, abs=1e-3)
    assert all(0 <= v <= 1 for v in (card.relevance, card.roi_potential, card.brazilian_market_fit, card.overall))


def test_size_classes() -> None:
    assert [classify_size(n) for n in (3, 20, 100, 500, 5000)] == ["micro", "small", "medium", "large", "enterprise"]
    for text, size in (("Rede de 18 clínicas", "large"), ("3.500 cooperados", "large"),
                       ("Consultório da Dra. Ana", "micro"), ("Frota de 200 veículos", "large"),
                       ("2.000 posições de atendimento", "enterprise"), ("Hospital com 120 leitos", "medium"),
                       ("Faturamento anual de R$ 45 milhões", "medium"), ("1,2 mil colaboradores", "enterprise")):
        assert estimate_size(find_measures(text), text)[0] == size, text


def test_food_processing_plants_are_industry() -> None:
    text = "Frigorífico com 1200 colaboradores em Chapecó/SC, laticínios e abatedouro próprio."
    found = classify(LeadData(company_name="Frigorífico Oeste"), text)
    assert found.division == "10" and found.sector is not None and found.sector.key == "industry"
    assert "frigorifico" in found.evidence


def test_a_cnae_code_or_registry_activity_in_the_text_decides_the_division() -> None:
    coded = classify(LeadData(company_name="Alfa Ltda"), "Alfa Ltda. Loja de roupas. CNAE 4930-2/02.")
    assert coded.division == "49" and coded.sector is not None and coded.sector.key == "logistics"
    activity = classify(LeadData(company_name="Beta Ltda"),
                        "Beta Ltda — software e loja virtual. Atividade principal: Comércio varejista (lojas).")
    assert activity.division == "47"


def test_sector_of_the_pages_the_issue_cites() -> None:
    for name, text, division in (
        ("Sicredi Vale", "Cooperativa de crédito com 30 agências e 80 mil associados.", "64"),
        ("Almeida Advogados", "Escritório de advocacia empresarial, direito tributário e agronegócio.", "69"),
        ("Voltz Energia", "Comercializadora de energia elétrica no mercado livre para o varejo e a indústria.", "35"),
        ("RoboWorks GmbH", "RoboWorks designs and manufactures industrial robots in Germany.", "28"),
        ("Mega Call", "Contact center com 2.500 posições de atendimento.", "82"),
    ):
        assert classify(LeadData(company_name=name), f"{name}. {text}").division == division, name


def test_a_lead_without_any_contact_still_gets_two_channels() -> None:
    from mcp_bridge.agent_server.strategy import choose_channels

    assert choose_channels(profile("Transportadora com 200 caminhões.")) == ("linkedin", "phone")
