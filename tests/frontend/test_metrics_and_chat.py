"""FRONTEND.md §8 and §9: metrics and chat bodies."""

from unittest import mock

import pytest
from django.utils import timezone

from tests.factories import LeadFactory, pipeline_agent
from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db


def test_dashboard(api, user):
    now = timezone.now()
    LeadFactory(owner=user, status="completed", processing_stage="completed", queued_at=now, processed_at=now)
    LeadFactory(owner=user, status="failed")
    LeadFactory(owner=user)
    data = env(api.get("/api/v1/metrics/dashboard"))
    assert data["totalLeads"] == 3 and data["completedLeads"] == 1 and data["processingRate"] == 1
    assert data["successRate"] == 50.0 and data["totalAgents"] == 5 and data["activeAgents"] == 5
    assert {item["type"] for item in data["recentActivity"]} <= {
        "lead_created", "agent_status_change", "prospect_job_started", "prospect_job_completed"}
    assert isinstance(data["lastUpdated"], str)


@pytest.mark.parametrize(("time_range", "points"), [("24h", 24), ("7d", 7), ("30d", 30), ("90d", 90)])
def test_performance(api, time_range, points):
    data = env(api.get(f"/api/v1/metrics/performance?timeRange={time_range}"))
    assert data["timeRange"] == time_range
    assert len(data["throughputData"]) == len(data["processingTimeData"]) == points
    assert data["throughputData"][0]["value"] == 0


def test_performance_bad_range_and_dormant_routes(api, user, completed_lead):
    assert_error(api.get("/api/v1/metrics/performance?timeRange=1y"), 400)
    assert env(api.get("/api/v1/metrics/performance"))["timeRange"] == "24h"
    agents = env(api.get("/api/v1/metrics/agents"))
    assert set(agents[0]) == {"agentId", "agentName", "successCount", "errorCount", "averageProcessingTime", "throughput"}
    stats = env(api.get("/api/v1/metrics/leads"))
    assert stats == [{"stage": "possibly_qualified", "count": 1, "averageROI": 0.74, "highPotentialCount": 1}]
    summary = env(api.get("/api/v1/metrics/summary"))
    assert set(summary) == {"overview", "performance", "agentPerformance", "leadStats"}


def test_chat(api, other_api):
    agent = pipeline_agent("analysis")
    with mock.patch("chat.tasks.generate_chat_reply.apply_async"):
        sent = env(api.post("/api/v1/chat/messages", {"agentId": agent.name, "message": "Resuma este lead"},
                            format="json"), 201)
    assert set(sent) >= {"id", "agentId", "message", "sender", "attachments", "createdAt"}
    assert sent["sender"] == "user" and sent["agentId"] == str(agent.id) and sent["attachments"] == []
    history = env(api.get(f"/api/v1/chat/{agent.id}/messages"))
    assert [m["id"] for m in history] == [sent["id"]]
    assert env(other_api.get(f"/api/v1/chat/{agent.id}/messages")) == []
    assert_error(api.get("/api/v1/chat/nobody/messages"), 404)
    assert_error(api.post("/api/v1/chat/messages", {"agentId": agent.name, "message": ""}, format="json"), 400)


def test_dashboard_recent_activity_includes_prospect_jobs(api, user, other_user):
    """Acceptance: a job's start (its first job.progress) is `prospect_job_started`, its end
    `prospect_job_completed`; later progress ticks, other users' events and other types stay out."""
    from events.models import Event

    job = {"job_id": "j1", "search_query": "ERP"}
    Event.objects.create(type="lead.created", data={"lead_id": "l1", "company_name": "TransLog"}, user=user)
    Event.objects.create(type="job.progress", data={**job, "status": "active", "progress": 0}, user=user)
    Event.objects.create(type="job.progress", data={**job, "status": "active", "progress": 20}, user=user)
    Event.objects.create(type="lead.completed", data={"lead_id": "l1"}, user=user)
    Event.objects.create(type="job.completed", data={**job, "leads_generated": 3}, user=user)
    Event.objects.create(type="job.progress", data={**job, "status": "active", "progress": 0}, user=other_user)
    agent = {"agent_id": "a1", "name": "lead_analysis_agent", "current_task": ""}
    for status in ("processing", "active", "inactive"):  # routine flips are noise; a stop is news
        Event.objects.create(type="agent.status", data={**agent, "status": status})
    activity = env(api.get("/api/v1/metrics/dashboard"))["recentActivity"]
    assert [item["type"] for item in activity] == [
        "agent_status_change", "prospect_job_completed", "prospect_job_started", "lead_created"]
    assert all(isinstance(item["id"], str) and isinstance(item["description"], str) and item["description"]
               for item in activity)
    assert activity[0]["metadata"]["status"] == "inactive"
    assert activity[1]["metadata"]["leads_generated"] == 3 and "ERP" in activity[2]["description"]
