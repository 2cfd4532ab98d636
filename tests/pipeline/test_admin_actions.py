"""Admin: "process selected" on leads, start/stop on agents, stage runs listed."""

import pytest

from agents.models import Agent
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


def test_process_selected(staff, user, stage_queue):
    leads = [LeadFactory(owner=user) for _ in range(2)]
    busy = LeadFactory(owner=user, status="processing")
    with stage_queue._capture(execute=True):
        response = staff.post(
            "/admin/leads/lead/",
            {"action": "process_selected", "_selected_action": [str(lead.pk) for lead in [*leads, busy]]},
            follow=True,
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Queued 2 lead(s) for processing." in text and "1 lead(s) were already queued" in text
    assert sorted(message[0] for message in stage_queue.sent) == sorted(str(lead.pk) for lead in leads)


def test_agent_admin_stop_and_start(staff, stage_queue):
    agent = Agent.objects.get(stage="persona")
    staff.post("/admin/agents/agent/", {"action": "stop_selected", "_selected_action": [str(agent.pk)]})
    agent.refresh_from_db()
    assert agent.status == "inactive"
    staff.post("/admin/agents/agent/", {"action": "start_selected", "_selected_action": [str(agent.pk)]})
    agent.refresh_from_db()
    assert agent.status == "active"


def test_stage_run_admin_lists_runs(staff, user, stage_queue):
    from pipeline import services as pipeline_services

    lead = LeadFactory(owner=user)
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_next()
    response = staff.get("/admin/agents/stagerun/")
    assert response.status_code == 200 and lead.company_name in response.content.decode()
    assert staff.get("/admin/agents/agent/").status_code == 200
