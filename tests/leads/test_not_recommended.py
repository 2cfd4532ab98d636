"""A not_qualified lead has no cold message: /api/ and the frontend profile (/api/v1/) both say contact is not
recommended, and why."""

import json
from pathlib import Path

import pytest

from tests.factories import processed_lead
from tests.frontend.conftest import env

pytestmark = pytest.mark.django_db

ACCOUNTING = json.loads((Path(__file__).parents[1] / "agent_server" / "data" / "contexts.json").read_text())[
    "accounting_software"]


def test_both_apis_show_that_contact_is_not_recommended(api, user):
    lead = processed_lead(user, ACCOUNTING, company_name="RoboWorks GmbH", website="https://www.roboworks.de",
                          source_text="RoboWorks GmbH designs and manufactures industrial robots in Stuttgart, "
                                      "Germany. 1,200 employees. info@roboworks.de, +49 711 555 0123.")
    assert lead.qualification_tier == "not_qualified"
    message = api.get(f"/api/leads/{lead.pk}").json()["message"]
    assert message["recommended"] is False and message["subject_line"] == ""
    assert message["body"].startswith("Não recomendamos entrar em contato com a RoboWorks agora.")
    assert "fora do mercado atendido" in message["not_recommended_reason"]
    profile = env(api.get(f"/api/v1/leads/{lead.pk}"))
    primary = profile["enrichment_data"]["enhanced_personalized_message"]["primary_message"]
    assert primary == {"subject_line": "", "message_body": message["body"]}
    assert profile["qualification_tier"] == "Não Qualificado"


def test_a_qualified_lead_keeps_its_cold_message(api, user):
    lead = processed_lead(user, ACCOUNTING, company_name="Contabilidade Exata", website="https://exata.com.br",
                          source_text="Escritório contábil com 35 colaboradores em Goiânia/GO; queremos reduzir o "
                                      "retrabalho com planilhas. atendimento@exata.com.br (62) 3241-7788.")
    message = api.get(f"/api/leads/{lead.pk}").json()["message"]
    assert message["recommended"] is True and message["subject_line"].startswith("Contabilidade Exata")
    assert "Vi que a Contabilidade Exata" in message["body"]
