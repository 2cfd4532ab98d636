"""`/api/leads` representation: every contract field; what the pipeline computes is read-only."""

from rest_framework import serializers

from leads.models import INPUT_FIELDS, RESULT_FIELDS, Lead
from leads.services import normalized_website

PIPELINE_FIELDS = ["status", "processing_stage", "progress", *RESULT_FIELDS, "last_error", "processed_at"]


class LeadSerializer(serializers.ModelSerializer):
    owner = serializers.UUIDField(source="owner_id", read_only=True)
    prospect_job = serializers.UUIDField(source="prospect_job_id", read_only=True, allow_null=True)
    analysis = serializers.JSONField(read_only=True, allow_null=True)
    persona = serializers.JSONField(read_only=True, allow_null=True)
    strategy = serializers.JSONField(read_only=True, allow_null=True)
    message = serializers.JSONField(read_only=True, allow_null=True)
    pain_point_analysis = serializers.JSONField(read_only=True)
    purchase_triggers = serializers.JSONField(read_only=True)
    enrichment_data = serializers.JSONField(read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            *INPUT_FIELDS,
            "source",
            *PIPELINE_FIELDS,
            "board_stage",
            "prospect_job",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "source", *PIPELINE_FIELDS, "owner", "created_at", "updated_at"]
        extra_kwargs = {"annual_revenue": {"min_value": 0}}

    def validate_website(self, value: str) -> str:
        try:
            return normalized_website(value)
        except Exception as exc:  # django ValidationError: re-raise as DRF's
            messages = getattr(exc, "message_dict", {}).get("website") or [str(exc)]
            raise serializers.ValidationError(messages) from None

    def validate_company_name(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("This field may not be blank.")
        return value
