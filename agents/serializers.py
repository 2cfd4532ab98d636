"""`/api/agents` presentation of agents and their metrics."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.models import Agent
from agents.selectors import agent_metrics


class TokenUsageSerializer(serializers.Serializer):
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    total_tokens = serializers.IntegerField()

class AgentMetricsSerializer(serializers.Serializer):
    queue_depth = serializers.IntegerField()
    processed_count = serializers.IntegerField()
    error_count = serializers.IntegerField()
    success_rate = serializers.FloatField(min_value=0, max_value=1)
    throughput_per_hour = serializers.FloatField()
    avg_processing_time_ms = serializers.FloatField()
    llm_usage = TokenUsageSerializer()
    llm_token_limit = serializers.IntegerField()

class AgentSerializer(serializers.ModelSerializer):
    """An agent with its metrics; the view passes `metrics` (agent id → dict) in the context."""

    metrics = serializers.SerializerMethodField()

    class Meta:
        model = Agent
        fields = [
            "id", "name", "display_name", "category", "description", "stage", "status", "current_task",
            "metrics", "last_error", "last_heartbeat", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AgentMetricsSerializer)
    def get_metrics(self, agent: Agent) -> dict:
        metrics = self.context.get("metrics") or {}
        if agent.pk not in metrics:
            return agent_metrics(agent)
        return metrics[agent.pk]

get_metrics_annotation = AgentMetricsSerializer  # drf-spectacular reads the method's return annotation

class SeriesPointSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField()
    processed = serializers.IntegerField()
    failed = serializers.IntegerField()
    avg_processing_time_ms = serializers.FloatField()

class AgentWindowMetricsSerializer(serializers.Serializer):
    agent_id = serializers.UUIDField()
    window = serializers.ChoiceField(choices=["1h", "24h", "7d", "30d"])
    processed = serializers.IntegerField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    success_rate = serializers.FloatField(min_value=0, max_value=1)
    avg_processing_time_ms = serializers.FloatField()
    p95_processing_time_ms = serializers.FloatField()
    throughput_per_hour = serializers.FloatField()
    llm_usage = TokenUsageSerializer()
    series = SeriesPointSerializer(many=True)
