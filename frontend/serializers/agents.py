"""The frontend Agent (FRONTEND.md §5): flat camelCase, from the same stage-run metrics as `/api/agents`."""

from typing import Any

from rest_framework import serializers

from agents.models import Agent
from agents.selectors import metrics_for_agents


def present_agent(agent: Agent, metrics: dict[str, Any]) -> dict[str, Any]:
    usage = metrics.get("llm_usage") or {}
    return {
        "id": str(agent.pk),
        "name": agent.name,
        "displayName": agent.display_name,
        "category": agent.category or Agent.Category.SPECIALIZED,
        "description": agent.description or "",
        "stage": agent.stage,
        "status": agent.status,
        "currentTask": agent.current_task or "",
        "lastError": agent.last_error or "",
        "queueDepth": int(metrics.get("queue_depth") or 0),
        "throughput": float(metrics.get("throughput_per_hour") or 0.0),
        "successRate": round(float(metrics.get("success_rate") or 0.0) * 100, 2),
        "processingTime": round(float(metrics.get("avg_processing_time_ms") or 0.0) / 1000, 3),
        "llmTokenUsage": int(usage.get("total_tokens") or 0),
        "llmTokenLimit": int(metrics.get("llm_token_limit") or agent.llm_token_limit or 0),
        "createdAt": agent.created_at.isoformat(),
        "updatedAt": agent.updated_at.isoformat(),
    }


def present_agents(agents: list[Agent]) -> list[dict[str, Any]]:
    """Frontend Agents with their metrics (a constant number of queries)."""
    metrics = metrics_for_agents(agents)
    return [present_agent(agent, metrics.get(agent.pk, {})) for agent in agents]


class AgentSerializer(serializers.Serializer):
    """Schema of the frontend Agent; rendering goes through `present_agents`."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    displayName = serializers.CharField()  # noqa: N815
    category = serializers.CharField()
    description = serializers.CharField()
    stage = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text="active, processing, inactive or error.")
    currentTask = serializers.CharField()  # noqa: N815
    lastError = serializers.CharField()  # noqa: N815
    queueDepth = serializers.IntegerField()  # noqa: N815
    throughput = serializers.FloatField(help_text="Stage runs finished per hour.")
    successRate = serializers.FloatField(help_text="Percent (0..100).")  # noqa: N815
    processingTime = serializers.FloatField(help_text="Mean seconds per successful run.")  # noqa: N815
    llmTokenUsage = serializers.IntegerField()  # noqa: N815
    llmTokenLimit = serializers.IntegerField()  # noqa: N815
    createdAt = serializers.DateTimeField()  # noqa: N815
    updatedAt = serializers.DateTimeField()  # noqa: N815
