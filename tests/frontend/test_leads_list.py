"""FRONTEND.md §4.1–4.4: `GET /api/v1/leads`, the Lead object, filters, pagination, query count."""

from datetime import UTC, datetime

import pytest

from leads.models import Lead
from tests.factories import LeadFactory
from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db

LEAD_KEYS = {
    "id", "company_name", "website", "company_sector", "relevance_score", "roi_potential_score", "brazilian_market_fit",
    "qualification_tier", "processing_stage", "pipeline_stage", "board_stage", "status", "persona",
    "pain_point_analysis", "purchase_triggers", "enrichment_data", "created_at", "updated_at", "description",
    "company_size", "market_region", "contact_email", "contact_phone", "contact_role", "annual_revenue", "progress",
    "source", "prospect_job_id", "processed_at",
}


def test_full_lead_object(api, completed_lead):
    page = env(api.get("/api/v1/leads"))
    assert set(page) == {"data", "total", "page", "limit", "totalPages"}
    assert page["total"] == 1 and page["page"] == 1 and page["limit"] == 1000 and page["totalPages"] == 1
    lead = page["data"][0]
    assert set(lead) >= LEAD_KEYS
    assert lead["id"] == str(completed_lead.id)
    assert lead["relevance_score"] == 0.82 and isinstance(lead["roi_potential_score"], float)
    assert lead["qualification_tier"] == "Alto Potencial"
    assert lead["processing_stage"] == "possibly_qualified" and lead["pipeline_stage"] == "completed"
    assert lead["board_stage"] is None
    assert lead["persona"]["decision_maker_probability"] == 0.8
    assert lead["purchase_triggers"] == [] and lead["pain_point_analysis"] == ["Prospecção manual"]
    plan = lead["enrichment_data"]["enhanced_strategy"]["detailed_approach_plan"]
    assert plan["main_objective"] == "Agendar diagnóstico"
    assert plan["adapted_elevator_pitch"] == "Menos tempo Mais respostas"
    assert plan["contact_sequence"] == [{"step_number": 1, "channel": "email", "objective": "Apresentar", "cta": "Responder"}]
    assert lead["enrichment_data"]["enhanced_personalized_message"]["primary_message"] == {
        "subject_line": "Olá", "message_body": "Mensagem"}
    assert lead["enrichment_data"]["cnpj"] == ["11.222.333/0001-81"]


def test_never_null_fields_for_a_new_lead(api, user):
    LeadFactory(owner=user, website="")
    lead = env(api.get("/api/v1/leads"))["data"][0]
    assert lead["website"] == "" and lead["qualification_tier"] == "N/A" and lead["processing_stage"] == "intake"
    assert lead["pain_point_analysis"] == [] and lead["purchase_triggers"] == []
    assert lead["relevance_score"] is None and lead["persona"] is None
    assert "enhanced_strategy" not in lead["enrichment_data"]


def test_presented_stage_rules_filter_and_sort(api, user):
    LeadFactory(owner=user, company_name="A", processing_stage="analysis")
    LeadFactory(owner=user, company_name="B", processing_stage="completed", qualification_tier="not_qualified")
    LeadFactory(owner=user, company_name="C", processing_stage="completed", qualification_tier="low_potential")
    LeadFactory(owner=user, company_name="D", processing_stage="persona", board_stage="negociando")

    def names(query):
        return [lead["company_name"] for lead in env(api.get(f"/api/v1/leads?{query}"))["data"]]

    stages = {lead["company_name"]: lead["processing_stage"] for lead in env(api.get("/api/v1/leads"))["data"]}
    assert stages == {"A": "analysis", "B": "desqualificado", "C": "possibly_qualified", "D": "negociando"}
    assert names("processing_stage=desqualificado") == ["B"]
    assert names("processing_stage=negociando") == ["D"]
    assert names("sort_by=company_name&sort_order=asc") == ["A", "B", "C", "D"]
    assert names("sort_by=company_name&sort_order=desc") == ["D", "C", "B", "A"]


def test_filters_and_ignored_parameters(api, user, other_user):
    LeadFactory(owner=user, company_name="Alpha Log", company_sector="Logística", qualification_tier="high_potential",
                relevance_score=0.9)
    LeadFactory(owner=user, company_name="Beta Tech", company_sector="Tecnologia", relevance_score=0.1)
    LeadFactory(owner=other_user, company_name="Alpha Other")

    def names(query):
        return sorted(lead["company_name"] for lead in env(api.get(f"/api/v1/leads?{query}"))["data"])

    assert names("search=alpha") == ["Alpha Log"]
    assert names("company_sector=logística") == ["Alpha Log"]
    for tier in ("Alto%20Potencial", "high_potential", "High%20Potential"):
        assert names(f"qualification_tier={tier}") == ["Alpha Log"]
    assert names("qualification_tier=N/A") == ["Beta Tech"]
    assert names("score_range=[object%20Object]&sort_by=nope&sort_order=sideways") == ["Alpha Log", "Beta Tech"]
    ordered = env(api.get("/api/v1/leads?sort_by=relevance_score&sort_order=desc"))["data"]
    assert [lead["company_name"] for lead in ordered] == ["Alpha Log", "Beta Tech"]


def test_pagination(api, user):
    for _ in range(5):
        LeadFactory(owner=user)
    page = env(api.get("/api/v1/leads?limit=2&offset=2"))
    assert len(page["data"]) == 2 and page["total"] == 5 and page["page"] == 2 and page["totalPages"] == 3
    assert env(api.get("/api/v1/leads?limit=5000"))["limit"] == 1000
    assert env(api.get("/api/v1/leads?offset=10&limit=2"))["total"] == 5
    assert_error(api.get("/api/v1/leads?limit=ten"), 400)
    assert_error(api.get("/api/v1/leads?offset=x"), 400)


def test_constant_number_of_queries(api, user, django_assert_max_num_queries):
    for index in range(30):
        LeadFactory(owner=user, strategy={"contact_sequence": [{"step": 1}]}, persona={"likely_role": "CEO"},
                    board_stage="revisando" if index % 2 else None)
    with django_assert_max_num_queries(3):
        assert len(env(api.get("/api/v1/leads"))["data"]) == 30


def test_timestamps_formatted_by_the_database_match_isoformat(api, user):
    whole = LeadFactory(owner=user)
    fraction = LeadFactory(owner=user)
    Lead.objects.filter(pk=whole.pk).update(processed_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC))
    Lead.objects.filter(pk=fraction.pk).update(processed_at=datetime(2025, 3, 1, 12, 0, 0, 120, tzinfo=UTC))
    rows = {row["id"]: row for row in env(api.get("/api/v1/leads"))["data"]}
    for lead in Lead.objects.filter(pk__in=[whole.pk, fraction.pk]):
        row = rows[str(lead.pk)]
        assert row["created_at"] == lead.created_at.astimezone(UTC).isoformat()
        assert row["processed_at"] == lead.processed_at.astimezone(UTC).isoformat()
    assert rows[str(whole.pk)]["processed_at"] == "2025-03-01T12:00:00+00:00"
    assert rows[str(fraction.pk)]["processed_at"] == "2025-03-01T12:00:00.000120+00:00"


def test_list_items_that_are_not_strings_are_dropped(api):
    """The agents' lists hold strings: `[{}]` was stored and echoed, against the schema (found by schemathesis)."""
    response = api.post("/api/v1/leads", {"company_name": "Acme", "purchase_triggers": [{}, "expansão"]},
                                 format="json")
    assert response.status_code == 201
    assert response.json()["data"]["purchase_triggers"] == ["expansão"]
