"""FRONTEND.md §4.5–4.7: one lead: GET, PUT/PATCH, DELETE, stage, process, create, by-stage, bulk, ownership."""

from unittest import mock

import pytest

from leads.models import Lead
from tests.broker import on_stage_send
from tests.factories import LeadFactory
from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db

MODAL = {
    "company_name": "TransLog Cargas S.A.", "website": "translog.com.br", "company_sector": "Logística",
    "qualification_tier": "Potencial Médio", "relevance_score": 0.5, "roi_potential_score": None,
    "brazilian_market_fit": 0.7, "processing_stage": "possibly_qualified", "pain_point_analysis": ["a"],
    "purchase_triggers": None, "id": "ignored", "enrichment_data": {"ignored": True},
}


def test_get_and_ownership(api, other_api, completed_lead):
    assert env(api.get(f"/api/v1/leads/{completed_lead.id}"))["id"] == str(completed_lead.id)
    for method in ("get", "put", "patch", "delete"):
        assert_error(getattr(other_api, method)(f"/api/v1/leads/{completed_lead.id}", {}, format="json"), 404)
    assert_error(other_api.patch(f"/api/v1/leads/{completed_lead.id}/stage", {"stage": "negociando"}, format="json"), 404)
    assert_error(other_api.post(f"/api/v1/leads/{completed_lead.id}/process"), 404)
    assert_error(api.get("/api/v1/leads/not-a-uuid"), 404)


@pytest.mark.parametrize("method", ["put", "patch"])
def test_modal_update(api, completed_lead, method):
    lead = env(getattr(api, method)(f"/api/v1/leads/{completed_lead.id}", MODAL, format="json"))
    assert lead["company_name"] == "TransLog Cargas S.A." and lead["website"] == "https://translog.com.br"
    assert lead["qualification_tier"] == "Potencial Médio" and lead["roi_potential_score"] is None
    assert lead["purchase_triggers"] == [] and lead["processing_stage"] == "possibly_qualified"
    completed_lead.refresh_from_db()
    assert completed_lead.qualification_tier == "medium_potential" and completed_lead.board_stage is None


def test_update_stage_rules_and_errors(api, user, completed_lead):
    url = f"/api/v1/leads/{completed_lead.id}"
    assert env(api.put(url, {"processing_stage": "negociando"}, format="json"))["processing_stage"] == "negociando"
    assert env(api.put(url, {"processing_stage": "analysis"}, format="json"))["processing_stage"] == "negociando"
    assert_error(api.put(url, {"company_name": "  "}, format="json"), 400)
    assert_error(api.put(url, {"relevance_score": 1.5}, format="json"), 400)
    assert_error(api.put(url, {"qualification_tier": "Excelente"}, format="json"), 400)
    LeadFactory(owner=user, website="https://taken.com.br")
    assert_error(api.put(url, {"website": "taken.com.br"}, format="json"), 409, "duplicate_lead")
    assert env(api.put(url, {"qualification_tier": "not_qualified"}, format="json"))["qualification_tier"] == "Não Qualificado"


def test_stage_patch(api, completed_lead):
    url = f"/api/v1/leads/{completed_lead.id}/stage"
    lead = env(api.patch(url, {"stage": "reuniao_agendada"}, format="json"))
    assert lead["processing_stage"] == "reuniao_agendada" and lead["board_stage"] == "reuniao_agendada"
    assert_error(api.patch(url, {"stage": "analysis"}, format="json"), 400, "invalid_stage")
    lead = env(api.patch(url, {"stage": None}, format="json"))
    assert lead["board_stage"] is None and lead["processing_stage"] == "possibly_qualified"
    assert api.get(f"/api/leads/{completed_lead.id}").json()["board_stage"] is None


def test_delete_is_204(api, completed_lead):
    response = api.delete(f"/api/v1/leads/{completed_lead.id}")
    assert response.status_code == 204 and response.content == b""
    assert not Lead.objects.filter(pk=completed_lead.id).exists()


def test_process_is_202_env_and_idempotent_when_busy(api, user, django_capture_on_commit_callbacks):
    """Acceptance: the app retries a failed/timed-out mutation once and toasts on 409; a lead already queued or
    processing answers 202 with its current state in /api/v1 (the /api/ route keeps its 409)."""
    lead = LeadFactory(owner=user)
    with mock.patch("pipeline.tasks.run_stages.apply_async"), django_capture_on_commit_callbacks() as enqueued:
        body = env(api.post(f"/api/v1/leads/{lead.id}/process"), 202)
        assert body["id"] == str(lead.id) and body["status"] == "queued"
        queued_at = Lead.objects.get(pk=lead.id).queued_at
        again = env(api.post(f"/api/v1/leads/{lead.id}/process"), 202)
        assert again["id"] == str(lead.id) and again["status"] == "queued"
        legacy = api.post(f"/api/leads/{lead.id}/process")
        assert legacy.status_code == 409 and legacy.json()["code"] == "already_processing"
    assert Lead.objects.get(pk=lead.id).queued_at == queued_at  # the retry changed nothing
    assert len(enqueued) >= 1  # the first POST enqueued the pipeline
    with mock.patch("pipeline.tasks.run_stages.apply_async") as send, django_capture_on_commit_callbacks(execute=True):
        env(api.post(f"/api/v1/leads/{lead.id}/process"), 202)
    send.assert_not_called()  # nothing enqueued twice


def test_bulk_process_enqueues_once_and_reports_each_item(api, user, other_user, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    sent = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    new, second = LeadFactory(owner=user), LeadFactory(owner=user)
    busy = LeadFactory(owner=user, status="processing", processing_stage="persona")
    theirs = LeadFactory(owner=other_user)
    ids = [str(new.id), "nope", str(busy.id), str(new.id), str(theirs.id), str(second.id)]
    with django_capture_on_commit_callbacks(execute=True):
        result = env(api.post("/api/v1/leads/bulk", {"operation": "process", "leads": [{"id": i} for i in ids]},
                              format="json"))
    assert result == {"done": [str(new.id), str(second.id)], "skipped": [
        {"id": "nope", "reason": "not_found"}, {"id": str(busy.id), "reason": "already_processing"},
        {"id": str(new.id), "reason": "already_processing"},  # repeated: its first item queued it
        {"id": str(theirs.id), "reason": "not_found"},
    ]}
    assert [message[0] for message in sent] == [str(new.id), str(second.id)]
    assert Lead.objects.get(pk=theirs.id).status == "new"


def test_create_by_stage_and_bulk(api, user, completed_lead):
    created = env(api.post("/api/v1/leads", {"company_name": "Nova", "website": "nova.com.br", "x": 1}, format="json"), 201)
    assert created["status"] == "new" and created["processing_stage"] == "intake"
    assert_error(api.post("/api/v1/leads", {"website": "other.com.br"}, format="json"), 400)
    assert_error(api.post("/api/v1/leads", {"company_name": "Dup", "website": "nova.com.br"}, format="json"), 409)
    groups = env(api.get("/api/v1/leads/by-stage"))
    assert [lead["id"] for lead in groups["possibly_qualified"]] == [str(completed_lead.id)]
    assert [lead["id"] for lead in groups["intake"]] == [created["id"]]
    assert groups["negociando"] == []
    result = env(api.post("/api/v1/leads/bulk", {"operation": "delete", "leads": [{"id": created["id"]}, {"id": "nope"}]},
                          format="json"))
    assert result == {"done": [created["id"]], "skipped": [{"id": "nope", "reason": "not_found"}]}
    result = env(api.post("/api/v1/leads/bulk", {"operation": "update", "leads": [
        {"id": str(completed_lead.id), "processing_stage": "revisando"}]}, format="json"))
    assert result["done"] == [str(completed_lead.id)]
    completed_lead.refresh_from_db()
    assert completed_lead.board_stage == "revisando"
