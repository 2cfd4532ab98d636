import pytest

from events.models import Event
from leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
CONTRACT_FIELDS = {
    "id", "company_name", "website", "description", "source_text", "company_sector", "company_size",
    "market_region", "contact_email", "contact_phone", "contact_role", "annual_revenue", "source", "status",
    "processing_stage", "progress", "relevance_score", "roi_potential_score", "brazilian_market_fit",
    "overall_score", "qualification_tier", "analysis", "persona", "pain_point_analysis", "purchase_triggers",
    "strategy", "message", "enrichment_data", "last_error", "owner", "created_at", "updated_at", "processed_at",
    "board_stage", "prospect_job",
}


def test_create_normalises_and_publishes(api, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/leads",
            {"company_name": " TransLog ", "website": "TransLog.com.BR/", "annual_revenue": "1500000.50"},
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CONTRACT_FIELDS
    assert body["company_name"] == "TransLog"
    assert body["website"] == "https://translog.com.br"
    assert body["owner"] == str(user.id)
    assert body["status"] == "new" and body["processing_stage"] == "intake" and body["progress"] == 0
    assert body["source"] == "api"
    assert body["annual_revenue"] == 1500000.5
    event = Event.objects.get(type="lead.created")
    assert event.user_id == user.id
    assert event.data["lead_id"] == body["id"] and event.data["job_id"] is None


def test_pipeline_fields_are_read_only(api):
    response = api.post(
        "/api/leads",
        {"company_name": "X", "status": "completed", "relevance_score": 0.9, "qualification_tier": "high_potential",
         "owner": "00000000-0000-0000-0000-000000000000", "source": "demo"},
        format="json",
    )
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert (lead.status, lead.relevance_score, lead.qualification_tier, lead.source) == ("new", None, None, "api")


def test_retrieve_update_patch_delete(api, user):
    lead = LeadFactory(owner=user)
    url = f"/api/leads/{lead.id}"
    assert api.get(url).json()["id"] == str(lead.id)
    assert api.get(url + "/").status_code == 200

    patched = api.patch(url, {"board_stage": "negociando", "status": "failed"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["board_stage"] == "negociando"
    assert patched.json()["status"] == "new"
    event = Event.objects.filter(type="lead.updated").last()
    assert event.data["changed"] == ["board_stage"] and event.data["board_stage"] == "negociando"

    replaced = api.put(url, {"company_name": "Nova Razão", "website": "nova.com.br"}, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["website"] == "https://nova.com.br"

    assert api.delete(url).status_code == 204
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert Event.objects.filter(type="lead.deleted", data__lead_id=str(lead.id)).exists()
    assert api.get(url).status_code == 404


def test_patch_without_changes_publishes_nothing(api, user):
    lead = LeadFactory(owner=user)
    api.patch(f"/api/leads/{lead.id}", {"company_name": lead.company_name}, format="json")
    assert not Event.objects.filter(type="lead.updated").exists()


def test_validation_errors_in_contract_shape(api):
    response = api.post(
        "/api/leads",
        {"company_name": "", "website": "not a site", "contact_email": "x", "board_stage": "nope"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert isinstance(body["detail"], str)
    assert set(body["fields"]) == {"company_name", "website", "contact_email", "board_stage"}
    assert all(isinstance(messages, list) for messages in body["fields"].values())


def test_list_is_paginated_with_full_leads(api, user):
    LeadFactory.create_batch(3, owner=user)
    body = api.get("/api/leads?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["next"] and body["previous"] is None
    assert set(body["results"][0]) == CONTRACT_FIELDS
    assert api.get("/api/leads?page=9").status_code == 404
    assert len(api.get("/api/leads?page_size=1000").json()["results"]) == 3


def test_list_is_one_query_for_the_page(api, user, django_assert_max_num_queries):
    LeadFactory.create_batch(5, owner=user)
    with django_assert_max_num_queries(3):  # user lookup, count, page
        assert api.get("/api/leads").status_code == 200


def test_anonymous_gets_401(client):
    response = client.get("/api/leads")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
