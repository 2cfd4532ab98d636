"""Helpers for the `/api/v1/` contract tests."""

import pytest

from tests.factories import LeadFactory

ERROR_KEYS = {"statusCode", "message", "error", "timestamp", "path", "detail", "code"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert body["statusCode"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["error"], str) and body["error"]
    if code is not None:
        assert body["code"] == code, body
    return body


def env(response, status: int = 200):
    """The payload of an ENV answer (asserting the envelope)."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"success", "data"} and body["success"] is True, body
    return body["data"]


@pytest.fixture
def completed_lead(user):
    return LeadFactory(
        owner=user,
        company_name="TransLog Cargas Ltda",
        website="https://www.translogcargas.com.br",
        company_sector="Logística",
        status="completed",
        processing_stage="completed",
        progress=100,
        relevance_score=0.82,
        roi_potential_score=0.74,
        brazilian_market_fit=0.91,
        qualification_tier="high_potential",
        persona={"likely_role": "Diretor Comercial", "decision_maker_probability": 0.8},
        pain_point_analysis=["Prospecção manual"],
        enrichment_data={"cnpj": ["11.222.333/0001-81"]},
        strategy={
            "first_interaction_goal": "Agendar diagnóstico",
            "key_value_propositions": ["Menos tempo", "Mais respostas"],
            "contact_sequence": [{"step": 1, "channel": "email", "objective": "Apresentar", "cta": "Responder"}],
        },
        message={"subject_line": "Olá", "body": "Mensagem"},
    )
