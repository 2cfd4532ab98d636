from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from agents.models import Agent
from events.publisher import publish
from leads.models import Lead
from metrics import selectors
from metrics.services import notify_metrics_changed
from tests.factories import LeadFactory

SP = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2025, 3, 10, 15, 30, tzinfo=SP)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_empty_data(user):
    data = selectors.overview(user, now=NOW)
    assert data["total_leads"] == 0
    assert data["leads_by_status"] == dict.fromkeys(Lead.Status.values, 0)
    assert data["leads_by_stage"] == dict.fromkeys(Lead.ProcessingStage.values, 0)
    assert data["leads_by_tier"] == dict.fromkeys(Lead.Tier.values, 0)
    assert data["processed_today"] == 0
    assert data["processing_now"] == 0
    assert data["success_rate"] == 0.0
    assert data["avg_processing_time_ms"] is None
    assert data["avg_scores"] == {"relevance": None, "roi_potential": None, "brazilian_market_fit": None}
    assert data["total_agents"] == Agent.objects.count() == 5
    assert data["active_agents"] == 5
    assert data["recent_activity"] == []
    assert data["generated_at"] == NOW.isoformat()


def test_exact_numbers(user, other_user):
    midnight = datetime(2025, 3, 10, 0, 0, tzinfo=SP)
    LeadFactory(
        owner=user, status="completed", processing_stage="completed", qualification_tier="high_potential",
        relevance_score=0.9, roi_potential_score=0.5, brazilian_market_fit=0.7, processed_at=midnight,
        queued_at=midnight - timedelta(milliseconds=1000),
    )
    LeadFactory(
        owner=user, status="completed", processing_stage="completed", qualification_tier="low_potential",
        relevance_score=0.3, roi_potential_score=0.1, processed_at=midnight - timedelta(microseconds=1),
        queued_at=midnight - timedelta(microseconds=1, milliseconds=400),
    )
    failed = LeadFactory(owner=user, status="failed", processing_stage="analysis")
    LeadFactory(owner=user, status="queued")
    LeadFactory(owner=user, status="processing", processing_stage="persona")
    LeadFactory(owner=user, status="waiting", processing_stage="strategy")
    LeadFactory(owner=user)  # new
    LeadFactory(owner=other_user, status="completed", processing_stage="completed", relevance_score=0.0,
                processed_at=NOW)
    failed.queued_at = NOW - timedelta(hours=1)  # not completed: not in the pipeline time
    failed.save()

    data = selectors.overview(user, now=NOW)
    assert data["total_leads"] == 7
    assert data["leads_by_status"] == {
        "new": 1, "queued": 1, "processing": 1, "waiting": 1, "completed": 2, "failed": 1,
    }
    assert data["leads_by_stage"] == {
        "intake": 2, "analysis": 1, "persona": 1, "strategy": 1, "message": 0, "completed": 2,
    }
    assert data["leads_by_tier"] == {
        "high_potential": 1, "medium_potential": 0, "low_potential": 1, "not_qualified": 0,
    }
    assert data["processed_today"] == 1  # local midnight is inclusive; one microsecond before is yesterday
    assert data["processing_now"] == 2
    assert data["success_rate"] == round(2 / 3, 4)
    assert data["avg_processing_time_ms"] == 700.0  # (1000 + 400) / 2 completed leads (processed_at - queued_at)
    assert data["avg_scores"] == {"relevance": 0.6, "roi_potential": 0.3, "brazilian_market_fit": 0.7}

    admin_view = selectors.overview(type("Admin", (), {"is_admin": True, "is_authenticated": True, "pk": 0})(),
                                    now=NOW)
    assert admin_view["total_leads"] == 8
    assert admin_view["avg_scores"]["relevance"] == 0.4
    assert admin_view["processed_today"] == 2


def test_recent_activity_own_and_global_newest_first(user, other_user):
    mine = publish("lead.created", {"lead_id": "1", "company_name": "Acme"}, user_id=user.pk)
    publish("lead.created", {"lead_id": "2", "company_name": "Other"}, user_id=other_user.pk)
    publish("lead.progress", {"lead_id": "1"}, user_id=user.pk)  # noise: not listed
    agent = publish("agent.status", {"name": "lead_intake_agent", "status": "inactive"})
    activity = selectors.overview(user, now=NOW)["recent_activity"]
    assert [a["id"] for a in activity] == [agent.id, mine.id]
    assert activity[1]["description"] == "Lead Acme created"
    assert activity[1]["metadata"] == {"lead_id": "1", "company_name": "Acme"}
    assert activity[0]["type"] == "agent.status"


def test_endpoint_is_cached_and_invalidated(api, user):
    assert api.get("/api/metrics/overview").json()["total_leads"] == 0
    LeadFactory(owner=user)  # written behind the services' back: the cache still answers
    assert api.get("/api/metrics/overview").json()["total_leads"] == 0
    notify_metrics_changed(user_id=user.pk)
    assert api.get("/api/metrics/overview").json()["total_leads"] == 1


def test_admin_cache_is_invalidated_by_any_user(admin_api, user):
    assert admin_api.get("/api/metrics/overview").json()["total_leads"] == 0
    LeadFactory(owner=user)
    notify_metrics_changed(user_id=user.pk)
    assert admin_api.get("/api/metrics/overview").json()["total_leads"] == 1


def test_per_user_numbers(api, other_api, user, other_user):
    LeadFactory.create_batch(2, owner=user)
    LeadFactory(owner=other_user)
    assert api.get("/api/metrics/overview").json()["total_leads"] == 2
    assert other_api.get("/api/metrics/overview").json()["total_leads"] == 1


def test_requires_auth(client):
    response = client.get("/api/metrics/overview")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
