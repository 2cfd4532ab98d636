"""`/api/business-context` representation; validation is business_context.services.validate_context_data."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
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
