"""The chat answers what is asked about a processed lead, from its results, the context and an attached PDF."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chat.models import ChatMessage
from chat.services import build_chat_arguments
from tests.broker import on_send
from tests.factories import BusinessContextFactory, pdf_bytes, processed_lead

pytestmark = pytest.mark.django_db

FLEET = json.loads((Path(__file__).parents[1] / "agent_server" / "data" / "contexts.json").read_text())["fleet_telemetry"]
VISIT_NOTES = [
    "Relatório da visita à TransLog Cargas em 12/03.",
    "O diretor de operações, João Lima, reclamou do consumo de combustível nas rotas para o Sul.",
    "Hoje usam a Sascar em parte da frota e têm receio de trocar de fornecedor no meio do contrato.",
    "Orçamento aprovado para 2026: R$ 300 mil para tecnologia de frota.",
    "Reunião marcada para 20/03 com o gestor de frota, e-mail joao.lima@translogcargas.com.br.",
]
PAGE = ("TransLog Cargas Ltda - transporte rodoviário de cargas fracionadas para o Sudeste e Sul. Frota própria de "
        "320 caminhões e 12 filiais. Estamos expandindo para o Nordeste. Av. Marginal, 1500 - Guarulhos/SP. "
        "(11) 3456-7890 | operacoes@translogcargas.com.br.")


@pytest.fixture
def setup(api, user, agent, eager_celery):
    BusinessContextFactory(owner=user, **FLEET)
    lead = processed_lead(user, FLEET, company_name="TransLog Cargas Ltda", source_text=PAGE,
                          website="https://translogcargas.com.br")
    processed_lead(user, FLEET, company_name="Rodovia Sul Transportes", website="https://rodoviasul.com.br",
                   source_text="Rodovia Sul Transportes, 40 caminhões em Pelotas/RS.")
    upload = SimpleUploadedFile("visita.pdf", pdf_bytes(VISIT_NOTES), "application/pdf")
    attachment = api.post("/api/chat/attachments", {"file": upload}, format="multipart").json()
    return lead, attachment["id"]


def ask(api, agent, lead, attachment_id, question: str, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/chat/{agent.pk}/messages", {
            "content": question, "lead_id": str(lead.pk), "attachment_ids": [attachment_id]}, format="json")
    assert response.status_code == 201, response.json()
    reply = ChatMessage.objects.get(reply_to_id=response.json()["id"])
    assert reply.status == "sent", reply.content
    return reply.content


def test_pdf_text_reaches_the_agent(api, user, agent, setup, monkeypatch):
    lead, attachment_id = setup
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    response = api.post(f"/api/chat/{agent.pk}/messages", {"content": "Resuma", "lead_id": str(lead.pk),
                                                          "attachment_ids": [attachment_id]}, format="json")
    message = ChatMessage.objects.get(pk=response.json()["id"])
    [attached] = build_chat_arguments(message)["attachments"]
    assert attached["name"] == "visita.pdf"
    assert "reclamou do consumo de combustível" in attached["text"] and "João Lima" in attached["text"]


@pytest.mark.parametrize(("question", "expected"), [
    ("Por que este lead tem essa pontuação?", ["Alto potencial", "Relevância", "(fonte: análise salva no pipeline)"]),
    ("O que devo dizer para a TransLog?", ["Mensagem (email)", "TransLog Cargas", "reclamou do consumo de combustível",
                                          "(fonte: anexo visita.pdf)"]),
    ("Resuma este lead", ["Resumo de TransLog Cargas Ltda", "Transporte terrestre", "320 veículos", "Guarulhos/SP",
                          "Nos anexos:", "Relatório da visita"]),
    ("Quais objeções eles podem levantar?", ["Já usamos Sascar", "Instalação em até 48 horas",
                                              "receio de trocar de fornecedor", "Orçamento aprovado"]),
    ("O que falta saber sobre este lead?", ["Os dados não dizem", "- CNPJ", "João Lima", "(fonte: anexo visita.pdf)"]),
    ("Qual o próximo passo?", ["Próximo passo para TransLog Cargas Ltda", "email", "Reunião marcada para 20/03"]),
    ("Qual o faturamento deles?", ["Os dados não dizem o faturamento da TransLog Cargas"]),
    ("Qual o orçamento deles?", ["Orçamento aprovado para 2026", "(fonte: anexo visita.pdf)"]),
    ("Compare a TransLog Cargas Ltda com a Rodovia Sul Transportes", ["TransLog Cargas Ltda:", "Rodovia Sul Transportes:",
                                                                     "Prioridade: TransLog Cargas Ltda"]),
])  # fmt: skip
def test_each_question_gets_its_answer(api, agent, setup, django_capture_on_commit_callbacks, question, expected):
    lead, attachment_id = setup
    reply = ask(api, agent, lead, attachment_id, question, django_capture_on_commit_callbacks)
    for fragment in expected:
        assert fragment in reply, (fragment, reply)


def test_answers_differ_by_question(api, agent, setup, django_capture_on_commit_callbacks):
    lead, attachment_id = setup
    questions = ["Por que este lead tem essa pontuação?", "Quais objeções eles podem levantar?",
                 "Qual o próximo passo?", "O que falta saber sobre este lead?"]
    replies = {ask(api, agent, lead, attachment_id, q, django_capture_on_commit_callbacks) for q in questions}
    assert len(replies) == len(questions)


def test_a_question_without_the_answer_in_the_data_says_so(api, agent, setup, django_capture_on_commit_callbacks):
    lead, _ = setup
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/api/chat/{agent.pk}/messages",
                            {"content": "Compare com outro lead", "lead_id": str(lead.pk)}, format="json")
    reply = ChatMessage.objects.get(reply_to_id=response.json()["id"]).content
    assert "só trazem TransLog Cargas Ltda" in reply
