"""An unreachable agent server parks the lead (waiting) until the sweeper finds it back; tool errors fail it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Agent, StageRun
from events.models import Event
from leads.models import Lead
from pipeline import services as pipeline_services
from pipeline import sweeper
from pipeline.selectors import lead_progress
from tests.agent_calls import route_stage_calls
from tests.mcp_bridge.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_down(settings):
    settings.MCP_SERVER_URL = f"http://127.0.0.1:{free_port()}/mcp"
    settings.MCP_MAX_RETRIES = 1
    settings.MCP_RETRY_BACKOFF = 0.01
    return settings


def test_unreachable_server_parks_the_lead_and_the_sweeper_resumes_it_with_backoff(stage_queue, lead, server_down):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["waiting"]
    lead.refresh_from_db()
    assert lead.status == Lead.Status.WAITING and lead.processing_stage == "intake"
    assert lead.last_error.startswith("Waiting for the agent server (retry in 5s)")
    assert "connection refused after 2 attempts" in lead.last_error
    run = StageRun.objects.get(lead=lead)
    assert run.status == "failed" and run.error.startswith("Agent server unreachable:") and run.finished_at
    agent = Agent.objects.get(stage="intake")
    assert agent.current_task == "" and agent.last_error.startswith("Agent server unreachable:")
    assert not Event.objects.filter(type="lead.failed").exists()
    assert Event.objects.filter(type="lead.progress", data__stage_status="waiting").count() == 1
    progress = lead_progress(lead)
    assert progress["status"] == "waiting"
    assert progress["stages"][0]["status"] == "pending" and progress["stages"][0]["error"] == lead.last_error

    now = timezone.now()
    assert stage_queue.call(sweeper.sweep_stale_stages, now=now) == {"requeued": 0, "failed": 0}  # not yet
    assert stage_queue.call(sweeper.sweep_stale_stages, now=now + timedelta(seconds=6))["requeued"] == 1
    assert stage_queue.run_all() == ["waiting"]  # still down: the next wait is longer
    lead.refresh_from_db()
    assert lead.last_error.startswith("Waiting for the agent server (retry in 10s)")

    server_down.MCP_SERVER_URL = ""  # the server is back (embedded)
    assert stage_queue.call(sweeper.sweep_stale_stages, now=now + timedelta(seconds=17))["requeued"] == 1
    assert stage_queue.run_all() == ["done"]  # one task runs the five stages
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED and lead.last_error == ""
    agent.refresh_from_db()
    assert agent.status == "active" and agent.last_error == ""


def test_repeated_tool_failures_put_the_agent_in_error(stage_queue, user, context, monkeypatch, settings):
    from mcp_bridge.errors import AgentToolError
    from tests.factories import LeadFactory

    settings.AGENT_ERROR_AFTER_FAILURES = 2

    def broken(tool, arguments, **kwargs):
        raise AgentToolError("bad output", tool=tool)

    route_stage_calls(monkeypatch, broken)
    agent = Agent.objects.get(stage="intake")
    for expected in ("active", "error"):
        stage_queue.call(pipeline_services.enqueue_processing, lead=LeadFactory(owner=user))
        stage_queue.run_all()
        agent.refresh_from_db()
        assert agent.status == expected
    assert agent.consecutive_failures == 2 and "bad output" in agent.last_error


def test_contract_violation_in_a_result_fails_the_stage(stage_queue, lead, monkeypatch):

    route_stage_calls(monkeypatch, lambda tool, arguments, **kw: {"enrichment_data": "nope"})
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["failed"]
    lead.refresh_from_db()
    assert "breaks the contract" in lead.last_error


def test_a_crash_never_leaves_the_lead_processing(stage_queue, lead, monkeypatch):

    def crash(tool, arguments, **kwargs):
        raise ZeroDivisionError("oops")

    route_stage_calls(monkeypatch, crash)
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["failed"]
    lead.refresh_from_db()
    assert lead.status == "failed" and "ZeroDivisionError" in lead.last_error
