"""What the offline agents write for a seller and a lead: grounded in this seller, specific to this lead, clean
Portuguese (or English), within each channel's limits — over a corpus of labelled pages × four sellers."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest

from bench.agent_quality import (
    SALES_PHRASES,
    contexts,
    evaluate,
    labelled_pages,
    lead_of,
    leaks,
    run_pipeline,
)
from mcp_bridge.agent_server import agents
from mcp_bridge.agent_server.config import Settings
from mcp_bridge.agent_server.grammar import Phrase, language_of, seams, text_fields
from mcp_bridge.agent_server.message import CHANNEL_RULES, channel_problems, write_message
from mcp_bridge.agent_server.models import BusinessContextData, LeadData
from mcp_bridge.agent_server.profile import build_profile
from mcp_bridge.agent_server.text import fold

THREE = ("fleet_telemetry", "accounting_software", "industrial_cleaning")
SETTINGS = Settings(reference_year=2025)


@cache
def results(page_index: int, context: str) -> dict[str, Any]:
    return run_pipeline(lead_of(labelled_pages()[page_index]), contexts()[context])


PAGES = range(len(labelled_pages()))


def page_named(name: str) -> dict[str, Any]:
    return next(p for p in labelled_pages() if p["company_name"] == name)


@pytest.mark.parametrize("context", THREE)
def test_no_message_carries_another_sellers_offer_or_sales_team_phrasing(context: str) -> None:
    everything = contexts()
    found = []
    for i in PAGES:
        lead = lead_of(labelled_pages()[i])
        message = results(i, context)["message"].message
        text = f"{message.subject_line}\n{message.body}"
        found += leaks(text, context, " ".join(lead.values()), everything)
        for stage in ("persona", "strategy", "message"):  # nothing assumes the seller sells to sales teams
            folded = fold(json.dumps(results(i, context)[stage].model_dump(), ensure_ascii=False))
            found += [f"{lead['company_name']}: {p}" for p in SALES_PHRASES
                      if fold(p) in folded and fold(p) not in fold(" ".join(lead.values()))]
    assert found == []


def test_each_seller_is_named_by_its_own_offer() -> None:
    page = page_named("Transportes Serra Gaúcha Ltda")
    bodies = {c: run_pipeline(lead_of(page), contexts()[c])["message"].message.body for c in THREE}
    assert "telemetria" in bodies["fleet_telemetry"] and "FrotaViva" in bodies["fleet_telemetry"]
    assert "contabilidade" in bodies["accounting_software"] and "Balancete" in bodies["accounting_software"]
    assert "limpeza" in bodies["industrial_cleaning"] and "Higitec" in bodies["industrial_cleaning"]


@pytest.mark.parametrize("context", [*THREE, "nellia"])
def test_seam_battery_over_every_output_field(context: str) -> None:
    lang_pt = contexts()[context]["language"].startswith("pt")
    found = [f"{labelled_pages()[i]['company_name']} {stage}: {problem}"
             for i in PAGES for stage, output in results(i, context).items()
             for text in text_fields(output.model_dump()) for problem in seams(text, lang_pt)]
    assert found == []


@pytest.mark.parametrize(("text", "kind"), [
    ("Empresas como a X costumam enfrentar crescer as vendas.", "infinitive in a noun slot"),
    ("X: menos crescer as vendas", "infinitive in a noun slot"),
    ("Procura An AI platform that qualifies leads and writes messages for sales teams", "other language"),
    ("Desafio típico: ", "empty label"),
    ("Olá,, tudo bem?", "doubled punctuation"),
    ("Vi que a X abriu abriu uma filial.", "doubled word"),
    ("Vi que a X cresceu.Nesse momento", "glued after full stop"),
    ("Vi que a X cresceu. nesse momento", "lower-case sentence start"),
    ("Olá , tudo bem?", "space before punctuation"),
    ("Tratamos {offer} para None", "placeholder"),
])  # fmt: skip
def test_the_seam_checks_catch_each_defect(text: str, kind: str) -> None:
    assert any(problem.startswith(kind) for problem in seams(text, True)), seams(text, True)


def test_clean_text_has_no_seams() -> None:
    clean = ("Olá, tudo bem? Vi que a Metalúrgica Forte S.A., de Joinville/SC, está expandindo a operação. "
             "Escreva para vendas@forte.ind.br. “We just closed a Series B” é uma citação.")
    assert seams(clean, True) == []


@pytest.mark.parametrize(("phrase", "definite", "after_de"), [
    ("consumo de combustível", "o consumo de combustível", "do consumo de combustível"),
    ("paradas não programadas", "as paradas não programadas", "das paradas não programadas"),
    ("não conformidades em auditorias", "as não conformidades em auditorias", "das não conformidades em auditorias"),
    ("falta de visibilidade", "a falta de visibilidade", "da falta de visibilidade"),
    ("crescer as vendas", "a dificuldade de crescer as vendas", "da dificuldade de crescer as vendas"),
    ("problema de caixa", "o problema de caixa", "do problema de caixa"),
])  # fmt: skip
def test_noun_phrases_take_the_right_article(phrase: str, definite: str, after_de: str) -> None:
    assert Phrase(phrase).definite() == definite and Phrase(phrase).after("de") == after_de


@pytest.mark.parametrize("channel", list(CHANNEL_RULES))
@pytest.mark.parametrize("context", [*THREE, "nellia"])
def test_every_message_keeps_its_channel_rules(context: str, channel: str) -> None:
    ctx = BusinessContextData.model_validate(contexts()[context])
    for i in PAGES:
        out = results(i, context)
        profile = build_profile(LeadData(**lead_of(labelled_pages()[i])), None, 2025)
        strategy = out["strategy"].strategy.model_copy(update={"primary_channel": channel})
        message = write_message(profile, ctx, out["persona"].persona, strategy, out["analysis"]).message
        assert channel_problems(message) == [], (labelled_pages()[i]["company_name"], message)
        rule = CHANNEL_RULES[channel]
        assert bool(message.subject_line) == (rule.subject and message.recommended)


def test_channel_rules_are_checked() -> None:
    from mcp_bridge.agent_server.models import Message

    assert channel_problems(Message(channel="whatsapp", subject_line="Oi", body="palavra " * 61)) == [
        "whatsapp body over 60 words", "whatsapp message with a subject line"]
    assert channel_problems(Message(channel="linkedin", body="x" * 301)) == ["linkedin body over 300 characters"]
    assert channel_problems(Message(channel="email", subject_line="s" * 61, body="ok")) == ["subject over 60 characters"]


def test_the_opener_names_a_fact_of_the_lead() -> None:
    page = page_named("Transportes Serra Gaúcha Ltda")
    body = results(labelled_pages().index(page), "fleet_telemetry")["message"].message.body
    assert "Vi que a Transportes Serra Gaúcha, de Caxias do Sul, opera uma frota de 200 veículos." in body
    assert "consumo excessivo de combustível" in body  # why the seller matters for it


def test_leads_of_different_sectors_read_differently() -> None:
    """The paragraph about the lead (the seller's offer, value and call to action rightly stay the same)."""
    names = ["Transportes Serra Gaúcha Ltda", "Hospital Regional do Oeste", "Laticínios Serra Verde",
             "Nutrimais Refeições Coletivas", "Protege Vigilância e Segurança"]
    about_lead = []
    for name in names:
        page = page_named(name)
        body = results(labelled_pages().index(page), "industrial_cleaning")["message"].message.body
        words = re.split(r"\n+", body)[1].replace(page["company_name"], "").split()
        about_lead.append(set(words))
    for i, a in enumerate(about_lead):
        for b in about_lead[i + 1:]:
            assert len(a & b) / len(a | b) < 0.5, (a, b)


def test_persona_comes_from_the_sellers_ideal_customer_and_the_leads_sector() -> None:
    carrier = page_named("Transportes Serra Gaúcha Ltda")
    persona = results(labelled_pages().index(carrier), "fleet_telemetry")["persona"].persona
    assert persona.likely_role == "Gestor de frota" and persona.department == "Logística e Frota"
    assert any("combustível" in r for r in persona.key_responsibilities)
    assert not any("receita" in r.lower() or "vendas" in r.lower() for r in persona.key_responsibilities)
    law_firm = page_named("Almeida Prado Advogados Associados")
    persona = results(labelled_pages().index(law_firm), "accounting_software")["persona"].persona
    assert persona.department in ("Contabilidade e Fiscal", "Financeiro")
    factory = page_named("Metalúrgica Vale do Aço")
    persona = results(labelled_pages().index(factory), "industrial_cleaning")["persona"].persona
    assert persona.department in ("Produção", "Facilities")


def test_a_not_qualified_lead_gets_no_cold_message() -> None:
    page = page_named("RoboWorks GmbH")
    out = results(labelled_pages().index(page), "accounting_software")
    assert out["analysis"].qualification_tier == "not_qualified"
    message = out["message"].message
    assert not message.recommended and message.subject_line == "" and message.call_to_action == ""
    assert message.body.startswith("Não recomendamos entrar em contato com a RoboWorks agora.")
    assert "fora do mercado atendido" in message.not_recommended_reason


def test_an_english_context_gets_english_and_no_portuguese_field_pasted() -> None:
    fleet = contexts()["fleet_telemetry"]
    english = {**fleet, "language": "en", "value_proposition": "Cut fuel use by 15% and unplanned stops by 30%.",
               "pain_points": ["fuel costs", "unplanned stops", "multas por condução agressiva"]}
    page = page_named("Transportes Serra Gaúcha Ltda")
    out = run_pipeline(lead_of(page), english)
    message = out["message"].message
    assert message.language == "en" and message.body.startswith("Hi there,")
    assert "Cut fuel use by 15%" in message.body and "multas" not in message.body
    for stage in ("analysis", "persona", "strategy", "message"):  # intake only normalises the lead's own fields
        for text in text_fields(out[stage].model_dump()):
            assert seams(text, False) == [], text
            # place names ('Caxias do Sul/RS') and quotes of the lead's page stay as written
            assert len(text.split()) < 4 or language_of(text) != "pt" or "“" in text, text


def test_a_portuguese_context_with_english_fields_does_not_paste_them(business_context: dict) -> None:
    page = page_named("Plastiflex Embalagens")
    message = run_pipeline(lead_of(page), business_context)["message"].message
    assert "AI platform" not in message.body and "Cut prospect research" not in message.body
    assert seams(message.body, True) == []


def test_quality_figures_meet_the_targets() -> None:
    report = evaluate()
    assert report.pages >= 60
    assert report.sector_accuracy >= 90, report.misses
    assert report.tier_agreement >= 85, report.misses
    assert report.leak_list == []
    assert report.specific_share >= 90
    assert report.seam_list == []


def test_empty_lead_under_each_context_still_writes_clean_text() -> None:
    for context in THREE:
        for fn in agents.STAGE_TOOLS.values():
            out = fn({"lead": {"company_name": "Grupo X", "website": "https://grupox.com.br"},
                      "business_context": contexts()[context]}, SETTINGS)
            for text in text_fields(out.model_dump()):
                assert seams(text, True) == [], text


def test_the_company_takes_its_article() -> None:
    hospital = page_named("Hospital Regional do Oeste")
    body = results(labelled_pages().index(hospital), "industrial_cleaning")["message"].message.body
    assert "Vi que o Hospital Regional do Oeste, de Chapecó," in body
    carrier = page_named("Transportes Serra Gaúcha Ltda")
    body = results(labelled_pages().index(carrier), "fleet_telemetry")["message"].message.body
    assert "Vi que a Transportes Serra Gaúcha" in body
