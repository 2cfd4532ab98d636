"""One task runs a lead's stages one after the other (PIPELINE_STAGES_PER_TASK): each stage's result is saved and
the next one begun in one transaction; a stopped agent, a failure or the stage budget ends the task."""

import pytest

from agents import services as agent_services
from agents.models import Agent, StageRun
from events.models import Event
from leads.models import Lead
from mcp_bridge import client
from mcp_bridge.errors import AgentToolError
from pipeline import services as pipeline_services
from pipeline.stages import PIPELINE
from tests.agent_calls import route_stage_calls

pytestmark = pytest.mark.django_db


def _tool_hook(monkeypatch, tool_name, before):
    """Call `before()` when the stage's tool `tool_name` is called, then the real tool."""
    real = client.call_tool

    def call_tool(tool, arguments, **kwargs):
        if tool == tool_name:
            before()
        return real(tool, arguments, **kwargs)

    route_stage_calls(monkeypatch, call_tool)


def test_one_task_runs_the_five_stages_in_order(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["done"] and stage_queue.sent == []
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED and lead.progress == 100 and lead.message
    runs = StageRun.objects.filter(lead=lead).order_by("started_at")
    assert [(run.stage, run.status, run.attempt, run.task_id) for run in runs] == [
        (stage, "succeeded", 1, "t") for stage in PIPELINE]
    progress = [(e.data["stage"], e.data["stage_status"])
                for e in Event.objects.filter(type="lead.progress", data__lead_id=str(lead.pk)).order_by("id")]
    assert progress == [(stage, status) for stage in PIPELINE for status in ("running", "done")]


def test_the_stage_budget_queues_the_rest(stage_queue, lead, settings):
    settings.PIPELINE_STAGES_PER_TASK = 2
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_next() == "done"
    lead.refresh_from_db()
    assert lead.processing_stage == "persona" and lead.status == Lead.Status.PROCESSING
    assert stage_queue.sent == [(str(lead.pk), "persona", pipeline_services.run_token_for(lead))]
    assert stage_queue.run_all() == ["done", "done"]  # persona + strategy, then message
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED


def test_an_agent_stopped_meanwhile_parks_the_lead_at_its_stage(stage_queue, lead, monkeypatch):
    persona = Agent.objects.get(stage="persona")
    _tool_hook(monkeypatch, "analyze_lead", lambda: agent_services.stop_agent(agent=persona))
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["done"]  # intake and analysis
    lead.refresh_from_db()
    assert lead.status == Lead.Status.WAITING and lead.processing_stage == "persona" and lead.analysis
    assert not StageRun.objects.filter(lead=lead, stage="persona").exists()
    with stage_queue._capture(execute=True):
        agent_services.start_agent(agent=persona)
    assert stage_queue.run_all() == ["done"]
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED


def test_a_failing_stage_ends_the_task_and_fails_the_lead_there(stage_queue, lead, monkeypatch):
    def explode():
        raise AgentToolError("strategy exploded", tool="build_strategy")

    _tool_hook(monkeypatch, "build_strategy", explode)
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["failed"]
    lead.refresh_from_db()
    assert (lead.status, lead.processing_stage, lead.progress) == (Lead.Status.FAILED, "strategy", 60)
    assert lead.persona and not lead.strategy
    assert [run.status for run in StageRun.objects.filter(lead=lead).order_by("started_at")] == [
        "succeeded", "succeeded", "succeeded", "failed"]


def test_a_lead_deleted_while_its_tool_runs_is_discarded(stage_queue, lead, monkeypatch):
    _tool_hook(monkeypatch, "create_persona", lambda: Lead.objects.filter(pk=lead.pk).delete())
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["discarded"]
    assert not Lead.objects.filter(pk=lead.pk).exists() and not StageRun.objects.filter(lead_id=lead.pk).exists()
