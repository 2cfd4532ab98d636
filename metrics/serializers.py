"""`/api/metrics` shapes. The selectors return plain dicts; these serializers document them and validate params."""

from rest_framework import serializers

from agents.serializers import TokenUsageSerializer
from metrics.selectors import AGENT_WINDOWS, RANGES


class MetricsRangeQuerySerializer(serializers.Serializer):
    range = serializers.ChoiceField(choices=list(RANGES), default="24h", help_text="24h: hourly buckets; else daily.")


class MetricsAgentWindowQuerySerializer(serializers.Serializer):
    window = serializers.ChoiceField(
        choices=list(AGENT_WINDOWS), required=False, help_text="Only runs finished in this window; default all runs."
    )


class ActivityMetadataSerializer(serializers.Serializer):
    """The data of the events an activity feed shows (lead.*, agent.status, job.*); each type sets some of these."""

    lead_id = serializers.UUIDField(required=False)
    company_name = serializers.CharField(required=False)
    status = serializers.CharField(required=False)
    processing_stage = serializers.CharField(required=False)
    source = serializers.CharField(required=False)  # type: ignore[assignment]  # a declared field, not Field.source
    stage = serializers.CharField(required=False)
    qualification_tier = serializers.CharField(required=False, allow_null=True)
    overall_score = serializers.FloatField(required=False, allow_null=True)
    duration_ms = serializers.IntegerField(required=False, allow_null=True)
    error = serializers.CharField(required=False)
    job_id = serializers.UUIDField(required=False, allow_null=True)
    agent_id = serializers.UUIDField(required=False)
    name = serializers.CharField(required=False, help_text="agent.status: the agent's name.")
    current_task = serializers.CharField(required=False)
    last_error = serializers.CharField(required=False)
    search_query = serializers.CharField(required=False)
    leads_generated = serializers.IntegerField(required=False)
    progress = serializers.IntegerField(required=False)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    finished_at = serializers.DateTimeField(required=False, allow_null=True)


class MetricsActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The event id (same as on the WebSocket).")
    type = serializers.CharField(help_text="The event type, e.g. lead.created, lead.completed, agent.status.")
    description = serializers.CharField()
    timestamp = serializers.DateTimeField()
    metadata = ActivityMetadataSerializer(help_text="The event's data.")


class MetricsScoresSerializer(serializers.Serializer):
    relevance = serializers.FloatField(allow_null=True)
    roi_potential = serializers.FloatField(allow_null=True)
    brazilian_market_fit = serializers.FloatField(allow_null=True)


class MetricsOverviewSerializer(serializers.Serializer):
    total_leads = serializers.IntegerField()
    leads_by_status = serializers.DictField(child=serializers.IntegerField(), help_text="Every status, 0 if none.")
    leads_by_stage = serializers.DictField(child=serializers.IntegerField(), help_text="Every processing stage.")
    leads_by_tier = serializers.DictField(child=serializers.IntegerField(), help_text="Every tier (unscored excluded).")
    processed_today = serializers.IntegerField(
        help_text="Leads whose pipeline completed since local midnight (settings.TIME_ZONE)."
    )
    processing_now = serializers.IntegerField(help_text="Leads queued or processing.")
    success_rate = serializers.FloatField(
        help_text="Succeeded / finished pipeline runs: completed / (completed + failed) leads, 0..1; 0 if none."
    )
    avg_processing_time_ms = serializers.FloatField(
        allow_null=True,
        help_text="Mean pipeline time of a completed lead (sum of its succeeded stage runs); null if none.",
    )
    avg_scores = MetricsScoresSerializer(help_text="Means of the non-null scores (0..1); null when no lead has one.")
    total_agents = serializers.IntegerField()
    active_agents = serializers.IntegerField(help_text="Agents active or processing.")
    recent_activity = MetricsActivitySerializer(many=True, help_text="Newest events first: the caller's and global ones.")
    generated_at = serializers.DateTimeField()


class MetricsPointSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(help_text="Bucket start (local time).")
    leads_created = serializers.IntegerField()
    leads_processed = serializers.IntegerField(help_text="Leads whose pipeline completed in the bucket.")
    leads_failed = serializers.IntegerField(help_text="Distinct leads with a stage run failing in the bucket.")
    avg_processing_time_ms = serializers.FloatField(
        allow_null=True, help_text="Mean pipeline time of the leads processed in the bucket."
    )


class MetricsPerformanceSerializer(serializers.Serializer):
    range = serializers.ChoiceField(choices=list(RANGES))
    bucket = serializers.ChoiceField(choices=["hour", "day"])
    series = MetricsPointSerializer(many=True, help_text="Oldest first, zero-filled, ending with the current bucket.")


class MetricsAgentSummarySerializer(serializers.Serializer):
    agent_id = serializers.UUIDField()
    name = serializers.CharField()
    display_name = serializers.CharField()
    processed = serializers.IntegerField(help_text="Finished stage runs.")
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    success_rate = serializers.FloatField(help_text="succeeded / processed, 0..1; 0 if none.")
    avg_processing_time_ms = serializers.FloatField(help_text="Mean duration of succeeded runs; 0 if none.")
    throughput_per_hour = serializers.FloatField(
        help_text="Runs finished in the last hour; with `window`, runs per hour averaged over it."
    )
    llm_usage = TokenUsageSerializer()
