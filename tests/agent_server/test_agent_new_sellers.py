"""Sellers and leads the first labelled corpus did not cover (an energy-efficiency consultancy and a dairy plant,
school uniforms, a cybersecurity MSSP, a solar installer): what a demanding SDR found wrong, each fixed at its
cause — pains claimed from a contact line, a missed expansion trigger, garbage services, a pasted value fragment,
sales-software challenges for a seller that does not sell to sales teams."""

from __future__ import annotations

from typing import Any

import pytest

from bench.agent_quality import contexts, labelled_pages, lead_of, run_pipeline
from mcp_bridge.agent_server.grammar import Phrase, is_infinitive
from mcp_bridge.agent_server.message import CHANNEL_RULES, channel_problems
from mcp_bridge.agent_server.models import BusinessContextData
from mcp_bridge.agent_server.seller import pain_quote, pains_shown, read_seller
from mcp_bridge.agent_server.triggers import PAINS, TRIGGERS, detect

NEW = ("energy_efficiency", "school_uniforms", "cyber_mssp", "solar_installer")
DAIRY = {"company_name": "Laticínios Serra Verde", "website": "https://serraverde.com.br", "source_text": "",
         "description": "Fábrica de queijos e iogurtes em Poços de Caldas/MG, com 180 funcionários. Estamos ampliando "
                        "a linha de produção com uma nova câmara fria. Contato: compras@serraverde.com.br (35) 3722-1100"}


def energy() -> BusinessContextData:
    return BusinessContextData.model_validate(contexts()["energy_efficiency"])


def dairy() -> dict[str, Any]:
    return run_pipeline(DAIRY, contexts()["energy_efficiency"])


def test_a_contact_line_never_shows_a_pain() -> None:
    """'conta de energia alta' was claimed from 'Contato: compras@…' ('conta' inside 'Contato')."""
    assert pains_shown(read_seller(energy()), DAIRY["description"]) == []
    out = dairy()
    assert not any("energia" in c.lower() for c in out["analysis"].pain_point_analysis)
    assert "no próprio site" not in out["message"].message.body
    assert "dores em comum" not in out["analysis"].analysis.score_explanations.relevance


@pytest.mark.parametrize(("text", "quoted"), [
    ("No último ano pagamos multas por fator de potência baixo.", True),  # the pain, inflected
    ("Contato: contas@fabrica.com.br — multas por fator de potência? ligue (11) 3333-4444", False),  # contact line
    ("Evitamos multas de trânsito. Nosso diferencial é a potência dos motores.", False),  # words in other sentences
    ("Multas ambientais exigem um plano de ação longo e caro, com muitas etapas até a potência certa.", False),  # far
    ("Somos especialistas em fator humano.", False),  # a single shared word
])
def test_a_pain_counts_only_when_the_page_states_it(text: str, quoted: bool) -> None:
    quote = pain_quote(Phrase("multas por fator de potência"), text)
    assert bool(quote) is quoted and (not quote or quote in text)


def test_a_pain_the_page_states_is_quoted_and_the_message_may_say_so() -> None:
    page = next(p for p in labelled_pages() if p["company_name"] == "Metalúrgica Irmãos Bertolini")
    out = run_pipeline(lead_of(page), contexts()["energy_efficiency"])
    assert out["analysis"].pain_point_analysis[0].startswith("Multas por fator de potência: “")
    assert "pagamos multas por fator de potência" in out["analysis"].pain_point_analysis[0]
    assert "cita as multas por fator de potência no próprio site" in out["message"].message.body


def test_trigger_rules_match_whole_words() -> None:
    assert detect(TRIGGERS, "Emitimos o passaporte de vacinação dos colaboradores.") == []  # not 'aporte de'
    assert detect(PAINS, "Projetos de oleoduto e gasoduto (pipelines) industriais.") == []
    assert [s.key for s, _ in detect(TRIGGERS, "Recebemos um aporte de R$ 5 milhões.")] == ["funding_round"]


@pytest.mark.parametrize("text", [
    "Estamos ampliando a linha de produção com uma nova câmara fria.",
    "A empresa está investindo em uma nova linha de envase.",
    "Estamos contratando operadores de empilhadeira para o segundo turno.",
    "Inauguramos a nova fábrica em Extrema.",
])
def test_expansion_and_investment_are_triggers(text: str) -> None:
    assert any(s.growth for s, _ in detect(TRIGGERS, text)), text


def test_the_opener_uses_the_expansion_the_lead_announced() -> None:
    out = dairy()
    assert out["analysis"].purchase_triggers == [
        "Expansão de operação ou mercado: “Estamos ampliando a linha de produção com uma nova câmara fria.”"]
    assert "Vi que a Laticínios Serra Verde, de Poços de Caldas, está ampliando a linha de produção com uma nova " \
           "câmara fria." in out["message"].message.body


def test_main_services_are_clean_noun_phrases() -> None:
    assert dairy()["analysis"].analysis.main_services == ["queijos", "iogurtes"]
    for page in labelled_pages():
        for service in run_pipeline(lead_of(page), contexts()[page["context"]])["analysis"].analysis.main_services:
            words = service.split()
            assert service != page["description"] and not any(ch.isdigit() for ch in service), service
            assert words[0].lower() not in ("de", "em", "com", "e", "para") and words[-1] not in ("de", "e", "em"), \
                service


def test_the_value_is_composed_into_a_sentence_not_pasted() -> None:
    message = dairy()["message"].message
    assert "Com auditoria energética, retrofit de iluminação e motores, e monitoramento de consumo, ajudamos empresas " \
           "como a de vocês a reduzir a conta de energia em até 25% em 12 meses." in message.body
    paragraphs = [p.strip() for p in message.body.split("\n") if p.strip()]
    assert not any(is_infinitive(p.split()[0]) for p in paragraphs), paragraphs
    assert "Trabalhamos com auditoria energética." not in message.body
    assert channel_problems(message) == [] and len(message.subject_line) <= CHANNEL_RULES["email"].max_subject_chars


def test_a_short_channel_keeps_the_value_before_a_bare_offer() -> None:
    page = next(p for p in labelled_pages() if p["company_name"] == "Metalúrgica Irmãos Bertolini")
    message = run_pipeline(lead_of(page), contexts()["energy_efficiency"])["message"].message
    assert message.channel == "linkedin" and channel_problems(message) == []
    assert "a reduzir a conta de energia em até 25% em 12 meses." in message.body
    assert "Trabalhamos com" not in message.body


def test_sales_challenges_are_not_a_non_sales_sellers_leads_problems() -> None:
    out = dairy()
    shown = out["analysis"].pain_point_analysis + out["persona"].persona.main_challenges
    assert not any(w in c.lower() for c in shown for w in ("vendas", "prospecção", "clientes")), shown
    nellia = run_pipeline(DAIRY, contexts()["nellia"])["analysis"].pain_point_analysis
    assert "vendas concentradas em poucos clientes" in nellia  # a seller of sales software still sees them


def test_an_administrative_director_is_not_facilities() -> None:
    page = next(p for p in labelled_pages() if p["company_name"] == "Colégio Santa Clara")
    persona = run_pipeline(lead_of(page), contexts()["school_uniforms"])["persona"].persona
    assert persona.department == "Administrativo" and not any("Limpeza" in r for r in persona.key_responsibilities)


def test_a_size_class_in_words_is_a_target_range() -> None:
    assert read_seller(energy()).target == (50, 249, "funcionarios")
    assert "180 colaboradores dentro da faixa 50-249" in dairy()["analysis"].analysis.score_explanations.relevance


@pytest.mark.parametrize("page", [p for p in labelled_pages() if p["context"] in NEW], ids=lambda p: p["company_name"])
def test_new_pairs_get_their_human_tier_and_clean_channels(page: dict[str, Any]) -> None:
    out = run_pipeline(lead_of(page), contexts()[page["context"]])
    assert out["analysis"].qualification_tier == page["tier"]
    assert channel_problems(out["message"].message) == []
