"""`GET /api/leads/{id}/progress`."""

import pytest

from pipeline import runner
from pipeline import services as pipeline_services

pytestmark = pytest.mark.django_db


def url(lead) -> str:
    return f"/api/leads/{lead.pk}/progress"


def test_new_lead_has_every_stage_pending(api, lead):
    body = api.get(url(lead)).json()
    assert body["lead_id"] == str(lead.pk) and body["status"] == "new" and body["progress"] == 0
    assert [(s["stage"], s["agent"], s["status"]) for s in body["stages"]] == [
        ("intake", "lead_intake_agent", "pending"),
        ("analysis", "lead_analysis_agent", "pending"),
        ("persona", "persona_creation_agent", "pending"),
        ("strategy", "approach_strategy_agent", "pending"),
        ("message", "message_crafting_agent", "pending"),
    ]
    assert set(body["stages"][0]) == {"stage", "agent", "status", "started_at", "finished_at", "duration_ms", "error"}
    assert body["updated_at"]


def test_running_then_done(api, lead, stage_queue, one_stage_per_task):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_next()
    _, stage, token = stage_queue.sent.pop(0)
    runner.start_many([(lead.pk, stage, token)], "t")
    body = api.get(url(lead)).json()
    assert body["status"] == "processing" and body["processing_stage"] == "analysis" and body["progress"] == 20
    intake, analysis = body["stages"][:2]
    assert intake["status"] == "done" and intake["duration_ms"] >= 0 and intake["finished_at"]
    assert analysis["status"] == "running" and analysis["started_at"] and analysis["finished_at"] is None
    assert [s["status"] for s in body["stages"][2:]] == ["pending"] * 3


def test_completed(api, lead, stage_queue):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()
    body = api.get(url(lead)).json()
    assert body["status"] == "completed" and body["progress"] == 100
    assert [s["status"] for s in body["stages"]] == ["done"] * 5


def test_other_users_lead_is_404(other_api, lead):
    assert other_api.get(url(lead)).status_code == 404
