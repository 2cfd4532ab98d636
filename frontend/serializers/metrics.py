"""Frontend metrics bodies (FRONTEND.md §8, §10.2 `metrics-update`), from metrics.selectors."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from frontend.selectors import presented_stage_stats, recent_activity_events
from metrics import selectors
from metrics.serializers import ActivityMetadataSerializer

ACTIVITY_TYPES = {
    "lead.created": "lead_created",
    "agent.status": "agent_status_change",
    "job.progress": "prospect_job_started",  # only a job's first progress event is selected
    "job.completed": "prospect_job_completed",
}
RECENT_ACTIVITY = 20


def _seconds(ms: Any) -> float:
    return round(float(ms) / 1000, 3) if ms is not None else 0.0


def _percent(ratio: Any) -> float:
    return round(float(ratio or 0.0) * 100, 2)


def _describe(event_type: str, data: dict[str, Any]) -> str:
    name = data.get("company_name") or data.get("name") or ""
    query = data.get("search_query") or ""
    if event_type == "lead.created":
        return f"Lead {name} created"
    if event_type == "agent.status":
        return f"Agent {name} is {data.get('status') or '?'}"
    if event_type == "job.progress":
        return f"Prospecting '{query}' started" if query else "Prospecting started"
    return f"Prospecting '{query}' found {data.get('leads_generated') or 0} leads" if query else (
        f"Prospecting found {data.get('leads_generated') or 0} leads"
    )


def recent_activity(user: Any) -> list[dict[str, Any]]:
    """The newest 20 activity items, newest first; `type` in the app's four kinds."""
    return [
        {
            "id": str(row["id"]),
            "type": ACTIVITY_TYPES[row["type"]],
            "description": _describe(row["type"], row["data"] or {}),
            "timestamp": row["created_at"].isoformat(),
            "metadata": row["data"] or {},
        }
        for row in recent_activity_events(user, limit=RECENT_ACTIVITY)
    ]


def dashboard(user: Any) -> dict[str, Any]:
    data = selectors.overview(user)
    return {
        "totalLeads": data["total_leads"],
        "completedLeads": data["leads_by_status"].get("completed", 0),
        "totalAgents": data["total_agents"],
        "activeAgents": data["active_agents"],
        "processingRate": selectors.processed_since(user, timezone.now() - timedelta(hours=1)),
        "successRate": _percent(data["success_rate"]),
        "recentActivity": recent_activity(user),
        "lastUpdated": data["generated_at"],
    }


def metrics_update(user: Any) -> dict[str, Any]:
    """The `metrics-update` socket payload."""
    data = selectors.overview(user)
    return {
        "totalLeads": data["total_leads"],
        "completedLeads": data["leads_by_status"].get("completed", 0),
        "averageProcessingTime": _seconds(data["avg_processing_time_ms"]),
        "averageRoiPotential": data["avg_scores"].get("roi_potential") or 0.0,
        "successRate": _percent(data["success_rate"]),
        "activeAgents": data["active_agents"],
        "lastUpdated": data["generated_at"],
    }


def performance(user: Any, time_range: str) -> dict[str, Any]:
    """Raises metrics.selectors.InvalidRangeError for an unknown range."""
    data = selectors.performance(user, time_range)
    series = data["series"]
    return {
        "timeRange": time_range,
        "throughputData": [{"timestamp": point["timestamp"], "value": point["leads_processed"]} for point in series],
        "processingTimeData": [
            {"timestamp": point["timestamp"], "value": _seconds(point["avg_processing_time_ms"])} for point in series
        ],
    }


def agent_performance() -> list[dict[str, Any]]:
    return [
        {
            "agentId": row["agent_id"],
            "agentName": row["name"],
            "successCount": row["succeeded"],
            "errorCount": row["failed"],
            "averageProcessingTime": _seconds(row["avg_processing_time_ms"]),
            "throughput": row["throughput_per_hour"],
        }
        for row in selectors.agents_summary()
    ]


def lead_stats(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "stage": row["stage"],
            "count": row["count"],
            "averageROI": round(row["average_roi"], 4) if row["average_roi"] is not None else 0.0,
            "highPotentialCount": row["high_potential"],
        }
        for row in presented_stage_stats(user)
    ]


class ActivitySerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.CharField()
    description = serializers.CharField()
    timestamp = serializers.DateTimeField()
    metadata = ActivityMetadataSerializer()


class DashboardSerializer(serializers.Serializer):
    totalLeads = serializers.IntegerField()  # noqa: N815
    completedLeads = serializers.IntegerField()  # noqa: N815
    totalAgents = serializers.IntegerField()  # noqa: N815
    activeAgents = serializers.IntegerField()  # noqa: N815
    processingRate = serializers.IntegerField(help_text="Leads that finished the pipeline in the last hour.")  # noqa: N815
    successRate = serializers.FloatField(help_text="Percent of finished pipeline runs that succeeded.")  # noqa: N815
    recentActivity = ActivitySerializer(many=True)  # noqa: N815
    lastUpdated = serializers.DateTimeField()  # noqa: N815


class PointSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    value = serializers.FloatField()


class PerformanceSerializer(serializers.Serializer):
    timeRange = serializers.CharField()  # noqa: N815
    throughputData = PointSerializer(many=True)  # noqa: N815
    processingTimeData = PointSerializer(many=True, help_text="Mean seconds per lead.")  # noqa: N815


class AgentPerformanceSerializer(serializers.Serializer):
    agentId = serializers.CharField()  # noqa: N815
    agentName = serializers.CharField()  # noqa: N815
    successCount = serializers.IntegerField()  # noqa: N815
    errorCount = serializers.IntegerField()  # noqa: N815
    averageProcessingTime = serializers.FloatField()  # noqa: N815
    throughput = serializers.FloatField()


class LeadStatSerializer(serializers.Serializer):
    stage = serializers.CharField()
    count = serializers.IntegerField()
    averageROI = serializers.FloatField()  # noqa: N815
    highPotentialCount = serializers.IntegerField()  # noqa: N815


class SummarySerializer(serializers.Serializer):
    overview = DashboardSerializer()
    performance = PerformanceSerializer()
    agentPerformance = AgentPerformanceSerializer(many=True)  # noqa: N815
    leadStats = LeadStatSerializer(many=True)  # noqa: N815
