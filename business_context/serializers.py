"""`/api/business-context` representation; validation is business_context.services.validate_context_data."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from business_context.models import CONTENT_FIELDS, BusinessContext
from business_context.services import REQUIRED_TEXT_FIELDS, validate_context_data


class BusinessContextSerializer(serializers.ModelSerializer):
    pain_points = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    competitors = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    industry_focus = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    geographic_focus = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, help_text='Default ["Brasil"].'
    )
    language = serializers.CharField(required=False, allow_blank=True, max_length=10, help_text='Default "pt-BR".')

    class Meta:
        model = BusinessContext
        fields = ["id", *CONTENT_FIELDS, "version", "created_at", "updated_at"]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        extra_kwargs = {
            **{name: {"required": True, "allow_blank": True} for name in REQUIRED_TEXT_FIELDS},
            "ideal_customer": {"required": False, "allow_blank": True},
            "competitive_advantage": {"required": False, "allow_blank": True},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            return validate_context_data(attrs, partial=self.partial)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None


class BusinessContextContentSerializer(serializers.Serializer):
    """The content of a business context (a saved version in `/history`; the frontend profile adds its ids)."""

    business_description = serializers.CharField()
    product_service_description = serializers.CharField()
    target_market = serializers.CharField()
    value_proposition = serializers.CharField()
    ideal_customer = serializers.CharField()
    pain_points = serializers.ListField(child=serializers.CharField())
    competitive_advantage = serializers.CharField()
    competitors = serializers.ListField(child=serializers.CharField())
    industry_focus = serializers.ListField(child=serializers.CharField())
    geographic_focus = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()
    is_active = serializers.BooleanField()


class BusinessContextVersionSerializer(serializers.Serializer):
    """One saved version of a business context (`GET /api/business-context/history`)."""

    version = serializers.IntegerField()
    saved_at = serializers.DateTimeField(source="history_date")
    saved_by = serializers.EmailField(source="history_user.email", allow_null=True, default=None,
                                      help_text="Who saved it (null: a script or a data migration).")
    change = serializers.SerializerMethodField(help_text="created or changed")
    changed_fields = serializers.SerializerMethodField(help_text="Content fields that differ from the version before.")
    context = serializers.SerializerMethodField()  # type: ignore[assignment]  # a declared field, not Field.context

    def get_change(self, record: Any) -> str:
        return "created" if record.history_type == "+" else "changed"

    def get_changed_fields(self, record: Any) -> list[str]:
        previous = record.prev_record
        if previous is None:
            return []
        return [name for name in CONTENT_FIELDS if getattr(record, name) != getattr(previous, name)]

    @extend_schema_field(BusinessContextContentSerializer)
    def get_context(self, record: Any) -> dict[str, Any]:
        return {name: getattr(record, name) for name in (*CONTENT_FIELDS, "is_active")}
