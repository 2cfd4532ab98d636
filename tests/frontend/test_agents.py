"""FRONTEND.md §5: agents, flat camelCase, pipeline order; start/stop for admins."""

import pytest
from django.utils import timezone

from agents.models import StageRun
from tests.factories import LeadFactory, pipeline_agent
from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db

KEYS = {"id", "name", "displayName", "category", "description", "status", "currentTask", "queueDepth", "throughput",
        "successRate", "processingTime", "llmTokenUsage", "llmTokenLimit", "createdAt", "updatedAt"}


def test_list_in_pipeline_order_with_numbers(api, user):
    agent = pipeline_agent("analysis")
    lead = LeadFactory(owner=user)
    now = timezone.now()
    for status, ms in (("succeeded", 1500), ("succeeded", 2500), ("failed", 100)):
        StageRun.objects.create(lead=lead, agent=agent, stage="analysis", status=status, started_at=now,
                                finished_at=now, duration_ms=ms, total_tokens=10)
    agents = env(api.get("/api/v1/agents"))
    assert [a["name"] for a in agents][:5] == ["lead_intake_agent", "lead_analysis_agent", "persona_creation_agent",
                                               "approach_strategy_agent", "message_crafting_agent"]
    analysis = agents[1]
    assert set(analysis) >= KEYS and analysis["category"]
    assert analysis["successRate"] == pytest.approx(66.67, abs=0.01)
    assert analysis["processingTime"] == pytest.approx(2.0)
    assert analysis["llmTokenUsage"] == 30 and isinstance(analysis["throughput"], float)
    assert env(api.get(f"/api/v1/agents/{analysis['id']}"))["id"] == analysis["id"]
    assert env(api.get(f"/api/v1/agents/{analysis['id']}/status"))["status"] == "active"
    assert_error(api.get("/api/v1/agents/not-an-id"), 404)


def test_start_stop_admin_only(api, admin_api):
    agent = pipeline_agent("persona")
    assert_error(api.post(f"/api/v1/agents/{agent.id}/stop"), 403)
    assert env(admin_api.post(f"/api/v1/agents/{agent.id}/stop"))["status"] == "inactive"
    assert env(admin_api.post(f"/api/v1/agents/{agent.id}/start"))["status"] == "active"
