"""What the seller sells, as the agents write it: the seller's whole list, not only its first item (the offer
sentence said 'trabalhamos com limpeza técnica industrial' for a seller of cleaning, line sanitation and
facilities management)."""

from __future__ import annotations

from typing import Any

from bench.agent_messages import REGISTRY_LEADS
from bench.agent_quality import contexts, run_pipeline
from mcp_bridge.agent_server.message import channel_problems
from mcp_bridge.agent_server.models import BusinessContextData
from mcp_bridge.agent_server.seller import read_seller
from mcp_bridge.agent_server.text import join_items


def seller(name: str, **changes: Any):
    return read_seller(BusinessContextData.model_validate({**contexts()[name], **changes}))


def test_the_offer_sentence_names_every_item_of_a_short_list() -> None:
    out = run_pipeline(REGISTRY_LEADS["restaurant"], contexts()["industrial_cleaning"])
    assert "Aqui na Higitec, trabalhamos com limpeza técnica industrial, higienização de linhas de produção e gestão " \
           "terceirizada de facilities." in out["message"].message.body
    assert "Como aplicar limpeza técnica industrial, higienização de linhas de produção e gestão terceirizada de " \
           "facilities ao caso" in " ".join(out["strategy"].strategy.talking_points)
    assert "gestão terceirizada de facilities" in out["persona"].persona.solution_seeking


def test_items_sharing_a_head_or_a_complement_are_kept_as_written() -> None:
    """'Software … com conciliação, apuração e geração' lists features of one product; the dental list ends at its
    adjunct (', com entrega em 24 horas') and its last item keeps its own 'e'."""
    assert seller("accounting_software").offer_for() == (
        "software de contabilidade em nuvem com conciliação bancária automática, apuração de impostos e geração do SPED")
    dental = seller("dental_distributor")
    assert [item.noun for item in dental.offer_items] == [
        "distribuição de resinas", "anestésicos", "instrumentais", "autoclaves",
        "equipamentos para consultórios e clínicas odontológicas"]
    assert dental.offer_for(most=None) == ("distribuição de resinas, anestésicos, instrumentais, autoclaves e "
                                           "equipamentos para consultórios e clínicas odontológicas")


def test_a_long_list_is_capped_with_the_items_closest_to_the_lead_first() -> None:
    """The first item stays first (it may carry the head the others share); the rest, by the words they share with
    the lead's text, ties as the seller wrote them."""
    saas = seller("restaurant_saas")
    assert saas.offer_for() == "sistema de PDV, comanda eletrônica e controle de estoque"
    assert saas.offer_for("Restaurantes e similares em Campinas") == \
        "sistema de PDV, integração com iFood para restaurantes e comanda eletrônica"
    out = run_pipeline(REGISTRY_LEADS["restaurant"], contexts()["restaurant_saas"])
    assert "Trabalhamos com sistema de PDV, integração com iFood para restaurantes e comanda eletrônica." in \
        out["message"].message.body


def test_an_item_with_its_own_e_is_set_off_before_the_last_one() -> None:
    assert join_items(["auditoria energética", "retrofit de iluminação e motores", "monitoramento de consumo"], True) \
        == "auditoria energética, retrofit de iluminação e motores, e monitoramento de consumo"
    assert join_items(["a", "b", "c"], True) == "a, b e c"
    assert join_items(["a", "b"], False) == "a and b"


def test_an_offer_that_is_no_list_is_said_as_written() -> None:
    fleet = seller("fleet_telemetry")
    assert fleet.offer_for("frota de caminhões") == \
        "rastreadores veiculares e plataforma de telemetria para gestão de frotas"
    assert seller("industrial_cleaning", product_service_description="").offer_for() == ""


def test_a_short_channel_shortens_the_list_before_dropping_the_question_about_the_lead() -> None:
    """LinkedIn's 300 characters: the list gives way, item by item, before what is said about the lead."""
    message = run_pipeline(REGISTRY_LEADS["metalworks"], contexts()["industrial_cleaning"])["message"].message
    assert message.channel == "linkedin" and channel_problems(message) == []
    assert "Como vocês lidam hoje com as paradas de linha para limpeza?" in message.body
    assert "Aqui na Higitec, trabalhamos com limpeza técnica industrial." in message.body
