from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from agents.models import StageRun
from metrics import selectors
from pipeline.stages import AGENT_FOR_STAGE
from tests.factories import LeadFactory, pipeline_agent

NOW = datetime(2025, 3, 10, 15, 30, tzinfo=ZoneInfo("America/Sao_Paulo"))


def run(lead, stage, status, ms, finished, tokens=0):
    StageRun.objects.create(
        lead=lead, agent=pipeline_agent(stage), stage=stage, status=status, started_at=finished - timedelta(seconds=1),
        finished_at=finished, duration_ms=ms, prompt_tokens=tokens, completion_tokens=tokens, total_tokens=2 * tokens,
    )


def test_empty(db):
    rows = selectors.agents_summary(now=NOW)
    assert [row["name"] for row in rows] == list(AGENT_FOR_STAGE.values())
    assert rows[0]["processed"] == rows[0]["succeeded"] == rows[0]["failed"] == 0
    assert rows[0]["success_rate"] == 0.0
    assert rows[0]["llm_usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def test_exact_numbers_and_window(user):
    lead = LeadFactory(owner=user)
    run(lead, "intake", "succeeded", 100, NOW - timedelta(minutes=10), tokens=5)
    run(lead, "intake", "succeeded", 300, NOW - timedelta(hours=2), tokens=1)
    run(lead, "intake", "failed", 9000, NOW - timedelta(days=2))
    StageRun.objects.create(lead=lead, agent=pipeline_agent("intake"), stage="intake", started_at=NOW)  # running
    run(lead, "analysis", "failed", 50, NOW - timedelta(minutes=1))

    rows = {row["name"]: row for row in selectors.agents_summary(now=NOW)}
    intake = rows["lead_intake_agent"]
    assert (intake["processed"], intake["succeeded"], intake["failed"]) == (3, 2, 1)
    assert intake["success_rate"] == round(2 / 3, 4)
    assert intake["avg_processing_time_ms"] == 200.0
    assert intake["throughput_per_hour"] == 1.0
    assert intake["llm_usage"] == {"prompt_tokens": 6, "completion_tokens": 6, "total_tokens": 12}
    assert rows["lead_analysis_agent"]["success_rate"] == 0.0
    assert rows["lead_analysis_agent"]["failed"] == 1

    day = {row["name"]: row for row in selectors.agents_summary(window="24h", now=NOW)}["lead_intake_agent"]
    assert (day["processed"], day["succeeded"], day["failed"]) == (2, 2, 0)
    assert day["throughput_per_hour"] == round(2 / 24, 4)


def test_endpoint(api):
    response = api.get("/api/metrics/agents")
    assert response.status_code == 200
    assert len(response.json()) == 5
    assert set(response.json()[0]) == {
        "agent_id", "name", "display_name", "processed", "succeeded", "failed", "success_rate",
        "avg_processing_time_ms", "throughput_per_hour", "llm_usage",
    }
    assert api.get("/api/metrics/agents?window=2y").status_code == 400
