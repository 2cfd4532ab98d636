"""Resume from the first unfinished stage; `restart` reruns from intake and keeps the history of runs."""

import pytest

from agents.models import StageRun
from leads.models import Lead
from pipeline import selectors as pipeline_selectors
from pipeline import services as pipeline_services
from tests.agent_calls import route_stage_calls

pytestmark = pytest.mark.django_db


def _fail_at(stage_queue, lead, stage, monkeypatch):
    from mcp_bridge import client
    from mcp_bridge.errors import AgentToolError

    real = client.call_tool

    def flaky(tool, arguments, **kwargs):
        if tool == "create_persona":
            raise AgentToolError("persona exploded", tool=tool)
        return real(tool, arguments, **kwargs)

    route_stage_calls(monkeypatch, flaky)
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()
    route_stage_calls(monkeypatch, real)


def test_reprocessing_a_failed_lead_resumes_at_the_failed_stage(stage_queue, lead, monkeypatch):
    _fail_at(stage_queue, lead, "persona", monkeypatch)
    lead.refresh_from_db()
    assert lead.status == Lead.Status.FAILED and lead.processing_stage == "persona" and lead.progress == 40
    assert lead.last_error == "Persona Creation Agent failed: persona exploded"
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.sent[0][1] == "persona"
    assert stage_queue.run_all() == ["done"]  # one task: persona, strategy, message
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED and lead.last_error == ""
    assert StageRun.objects.filter(lead=lead, stage="intake").count() == 1  # not redone
    assert list(StageRun.objects.filter(lead=lead, stage="persona").order_by("started_at")
                .values_list("status", flat=True)) == ["failed", "succeeded"]


def test_progress_while_failed_then_resumed(stage_queue, lead, monkeypatch):
    _fail_at(stage_queue, lead, "persona", monkeypatch)
    lead.refresh_from_db()
    body = pipeline_selectors.lead_progress(lead)
    assert [s["status"] for s in body["stages"]] == ["done", "done", "failed", "pending", "pending"]
    assert body["stages"][2]["error"] == "Persona Creation Agent failed: persona exploded"


def test_restart_reruns_from_intake_keeping_history(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED
    restarted = stage_queue.call(pipeline_services.enqueue_processing, lead=lead, restart=True)
    assert restarted.processing_stage == "intake" and restarted.progress == 0 and restarted.status == "queued"
    assert [s["status"] for s in pipeline_selectors.lead_progress(restarted)["stages"]] == ["pending"] * 5
    assert stage_queue.run_all() == ["done"]  # one task: the five stages
    assert StageRun.objects.filter(lead=lead).count() == 10
    assert StageRun.objects.filter(lead=lead, stage="intake").order_by("started_at").last().attempt == 2


def test_completed_lead_processed_again_starts_over(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()
    again = stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert again.processing_stage == "intake" and stage_queue.sent[0][1] == "intake"
