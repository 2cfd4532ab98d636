"""Agent metrics computed from StageRun rows: `metrics` in the list and `/api/agents/{id}/metrics?window=`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Agent, StageRun
from agents.selectors import agent_metrics, agent_window_metrics, queue_depths
from leads.models import Lead, Stage
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def run(agent, lead, *, ago: timedelta, ms: int | None, status="succeeded", tokens=(0, 0)):
    finished = timezone.now() - ago
    return StageRun.objects.create(
        lead=lead, agent=agent, stage=agent.stage, status=status, started_at=finished - timedelta(milliseconds=ms or 0),
        finished_at=None if status == "running" else finished, duration_ms=ms,
        prompt_tokens=tokens[0], completion_tokens=tokens[1], total_tokens=sum(tokens),
    )


@pytest.fixture
def agent():
    return Agent.objects.get(stage="analysis")


@pytest.fixture
def runs(agent, user):
    lead = LeadFactory(owner=user)
    minutes = timedelta(minutes=1)
    # last hour: 4 succeeded (100, 200, 300, 400 ms) and 1 failed
    for index, ms in enumerate([100, 200, 300, 400]):
        run(agent, lead, ago=(10 + index) * minutes, ms=ms, tokens=(10, 5))
    run(agent, lead, ago=20 * minutes, ms=50, status="failed")
    # 3 hours ago: 1 succeeded of 1000 ms; 3 days ago: 1 failed; a running one never counts
    run(agent, lead, ago=timedelta(hours=3), ms=1000, tokens=(100, 50))
    run(agent, lead, ago=timedelta(days=3), ms=10, status="failed")
    run(agent, lead, ago=timedelta(0), ms=None, status="running")
    # another agent's runs never count
    run(Agent.objects.get(stage="intake"), lead, ago=minutes, ms=5)
    return lead


def test_list_metrics(agent, runs, api):
    LeadFactory(owner=runs.owner, status="waiting", processing_stage="analysis")
    LeadFactory(owner=runs.owner, status="queued", processing_stage="analysis")
    metrics = agent_metrics(agent)
    assert metrics == {
        "queue_depth": 2,
        "processed_count": 7,
        "error_count": 2,
        "success_rate": round(5 / 7, 4),
        "throughput_per_hour": 5.0,
        "avg_processing_time_ms": 400.0,  # (100+200+300+400+1000) / 5
        "llm_usage": {"prompt_tokens": 140, "completion_tokens": 70, "total_tokens": 210},
        "llm_token_limit": 0,
    }
    listed = next(a for a in api.get("/api/agents").json()["results"] if a["id"] == str(agent.pk))
    assert listed["metrics"] == metrics


def test_window_1h(agent, runs, api):
    body = api.get(f"/api/agents/{agent.pk}/metrics?window=1h").json()
    assert {key: body[key] for key in body if key != "series"} == {
        "agent_id": str(agent.pk),
        "window": "1h",
        "processed": 5,
        "succeeded": 4,
        "failed": 1,
        "success_rate": 0.8,
        "avg_processing_time_ms": 250.0,
        "p95_processing_time_ms": 400.0,
        "throughput_per_hour": 5.0,
        "llm_usage": {"prompt_tokens": 40, "completion_tokens": 20, "total_tokens": 60},
    }
    series = body["series"]
    assert len(series) == 12
    assert sum(point["processed"] for point in series) == 5 and sum(point["failed"] for point in series) == 1
    assert all(set(point) == {"timestamp", "processed", "failed", "avg_processing_time_ms"} for point in series)
    assert series == sorted(series, key=lambda point: point["timestamp"])
    busy = [point for point in series if point["processed"]]
    assert all(point["avg_processing_time_ms"] > 0 for point in busy if point["processed"] > point["failed"])


def test_window_24h_and_7d(agent, runs):
    day = agent_window_metrics(agent, "24h")
    assert (day["processed"], day["succeeded"], day["failed"]) == (6, 5, 1)
    assert day["p95_processing_time_ms"] == 1000.0
    assert day["throughput_per_hour"] == round(6 / 24, 4)
    assert len(day["series"]) == 24 and sum(p["processed"] for p in day["series"]) == 6
    week = agent_window_metrics(agent, "7d")
    assert (week["processed"], week["failed"]) == (7, 2) and len(week["series"]) == 28
    month = agent_window_metrics(agent, "30d")
    assert len(month["series"]) == 30 and sum(p["processed"] for p in month["series"]) == 7


def test_p95_nearest_rank(agent, user):
    lead = LeadFactory(owner=user)
    for ms in range(1, 101):  # 1..100 ms
        run(agent, lead, ago=timedelta(minutes=5), ms=ms)
    assert agent_window_metrics(agent, "1h")["p95_processing_time_ms"] == 95.0


def test_empty_window_is_zero_filled(agent, api):
    body = api.get(f"/api/agents/{agent.pk}/metrics?window=30d").json()
    assert body["processed"] == 0 and body["success_rate"] == 0.0 and body["p95_processing_time_ms"] == 0.0
    assert len(body["series"]) == 30 and all(p["processed"] == 0 for p in body["series"])


def test_window_default_and_validation(agent, api):
    assert api.get(f"/api/agents/{agent.pk}/metrics").json()["window"] == "24h"
    response = api.get(f"/api/agents/{agent.pk}/metrics?window=2y")
    assert response.status_code == 400 and "window" in response.json()["fields"]


def test_window_metrics_queries_are_constant(agent, runs, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # totals, p95 count, p95 offset, series
        agent_window_metrics(agent, "7d")


def _depths_by_definition() -> dict[str, int]:
    """The queue depth's definition, evaluated lead by lead in Python."""
    depths: dict[str, int] = {}
    for lead in Lead.objects.all():
        running = StageRun.objects.filter(lead=lead, stage=lead.processing_stage, status="running").exists()
        pending = lead.status in ("queued", "waiting") or (lead.status == "processing" and not running)
        if pending and lead.processing_stage in Stage.values:
            depths[lead.processing_stage] = depths.get(lead.processing_stage, 0) + 1
    return depths


def test_queue_depths_equal_the_direct_count(user):
    analysis, persona = Agent.objects.get(stage="analysis"), Agent.objects.get(stage="persona")
    for status in ("queued", "waiting", "new", "completed", "failed"):
        LeadFactory(owner=user, status=status, processing_stage="analysis")
    being_run = LeadFactory(owner=user, status="processing", processing_stage="analysis")
    run(analysis, being_run, ago=timedelta(0), ms=None, status="running")
    between_stages = LeadFactory(owner=user, status="processing", processing_stage="persona")
    run(analysis, between_stages, ago=timedelta(seconds=1), ms=5)  # analysis done, persona not started
    stale = LeadFactory(owner=user, status="processing", processing_stage="persona")
    run(analysis, stale, ago=timedelta(0), ms=None, status="running")  # running at another stage: still pending
    LeadFactory(owner=user, status="queued", processing_stage="persona")
    LeadFactory(owner=user, status="queued", processing_stage="completed")  # not a pipeline stage
    assert queue_depths() == _depths_by_definition() == {"analysis": 2, "persona": 3}
    assert agent_metrics(persona)["queue_depth"] == 3
