"""A stopped agent lets its current item finish; leads reaching its stage wait and resume in arrival order."""

import pytest

from agents import services
from agents.models import Agent, StageRun
from agents.selectors import metrics_for_agents
from events.models import Event
from leads.models import Lead
from pipeline import services as pipeline_services
from tests.agent_calls import route_stage_calls
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_leads_wait_at_a_stopped_stage_then_resume_in_order(stage_queue, user, context):
    persona = Agent.objects.get(stage="persona")
    services.stop_agent(agent=persona)
    leads = [LeadFactory(owner=user, company_name=f"Empresa {i}") for i in range(3)]
    for lead in leads:
        stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()
    for lead in leads:
        lead.refresh_from_db()
        assert (lead.status, lead.processing_stage) == ("waiting", "persona")
    assert metrics_for_agents([persona])[persona.pk]["queue_depth"] == 3
    waiting = Event.objects.filter(type="lead.progress", data__stage_status="waiting")
    assert waiting.count() == 3
    assert not StageRun.objects.filter(stage="persona").exists()

    stage_queue.call(services.start_agent, agent=persona)
    assert [message[0] for message in stage_queue.sent] == [str(lead.pk) for lead in leads]  # arrival order
    stage_queue.run_all()
    for lead in leads:
        lead.refresh_from_db()
        assert lead.status == Lead.Status.COMPLETED
    assert metrics_for_agents([persona])[persona.pk]["queue_depth"] == 0


def test_the_current_item_finishes_when_its_agent_is_stopped(stage_queue, lead, monkeypatch):
    from mcp_bridge import client

    real = client.call_tool

    def stop_meanwhile(tool, arguments, **kwargs):
        if tool == "intake_lead":
            services.stop_agent(agent=Agent.objects.get(stage="intake"))
        return real(tool, arguments, **kwargs)

    route_stage_calls(monkeypatch, stop_meanwhile)
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_next() == "done"
    intake = Agent.objects.get(stage="intake")
    assert intake.status == "inactive" and intake.current_task == ""  # stays stopped, item done


def test_processing_a_lead_whose_first_agent_is_stopped_waits(stage_queue, lead):
    services.stop_agent(agent=Agent.objects.get(stage="intake"))
    result = stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert result.status == "waiting" and stage_queue.sent == []


def test_a_queued_task_reaching_a_stopped_agent_waits(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    services.stop_agent(agent=Agent.objects.get(stage="intake"))
    assert stage_queue.run_next() == "waiting"
    lead.refresh_from_db()
    assert lead.status == "waiting"


def test_stop_and_start_publish_agent_status(stage_queue):
    agent = Agent.objects.get(stage="strategy")
    stage_queue.call(services.stop_agent, agent=agent)
    stage_queue.call(services.start_agent, agent=agent)
    data = [e.data for e in Event.objects.filter(type="agent.status").order_by("id")]
    assert [d["status"] for d in data] == ["inactive", "active"]
    assert data[0]["name"] == "approach_strategy_agent" and data[0]["agent_id"] == str(agent.pk)
