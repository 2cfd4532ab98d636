"""`GET /api/agents` and `GET /api/agents/{id}`."""

import pytest

from agents.models import Agent

pytestmark = pytest.mark.django_db

FIELDS = {"id", "name", "display_name", "category", "description", "stage", "status", "current_task", "metrics",
          "last_error", "last_heartbeat", "created_at", "updated_at"}
METRICS = {"queue_depth", "processed_count", "error_count", "success_rate", "throughput_per_hour",
           "avg_processing_time_ms", "llm_usage", "llm_token_limit"}


def test_list_in_pipeline_order_with_metrics(api):
    Agent.objects.create(name="orchestrator", display_name="Orchestrator", category="orchestrator")
    body = api.get("/api/agents").json()
    assert body["count"] == 6
    names = [agent["name"] for agent in body["results"]]
    assert names == ["lead_intake_agent", "lead_analysis_agent", "persona_creation_agent",
                     "approach_strategy_agent", "message_crafting_agent", "orchestrator"]
    first = body["results"][0]
    assert set(first) == FIELDS and set(first["metrics"]) == METRICS
    assert first["metrics"]["llm_usage"] == {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def test_list_queries_do_not_grow_with_agents(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # auth user, count, page, 2 metric aggregates
        assert api.get("/api/agents").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [("stage=persona", ["persona_creation_agent"]),
     ("category=specialized", ["persona_creation_agent", "approach_strategy_agent", "message_crafting_agent"]),
     ("status=inactive", ["lead_analysis_agent"])],
)
def test_filters(api, query, expected):
    Agent.objects.filter(stage="analysis").update(status="inactive")
    assert [a["name"] for a in api.get(f"/api/agents?{query}").json()["results"]] == expected


def test_detail(api):
    agent = Agent.objects.get(stage="message")
    body = api.get(f"/api/agents/{agent.pk}").json()
    assert body["id"] == str(agent.pk) and body["stage"] == "message" and set(body) == FIELDS


def test_unknown_agent_is_404(api):
    assert api.get("/api/agents/00000000-0000-0000-0000-000000000000").status_code == 404


def test_anonymous_is_401(client):
    assert client.get("/api/agents").status_code == 401
