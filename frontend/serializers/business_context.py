"""The frontend business context (FRONTEND.md §6): strings and arrays never null; stricter input than `/api/`."""

from typing import Any

from rest_framework import serializers

from business_context.serializers import BusinessContextContentSerializer


class BusinessContextSerializer(BusinessContextContentSerializer):
    id = serializers.CharField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    TEXT = ("business_description", "product_service_description", "target_market", "value_proposition",
            "ideal_customer", "competitive_advantage", "language")
    LISTS = ("pain_points", "competitors", "industry_focus", "geographic_focus")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["id"] = str(instance.pk)
        for name in self.TEXT:
            data[name] = data[name] or ""
        for name in self.LISTS:
            data[name] = [item for item in (getattr(instance, name) or []) if item not in (None, "")]
        return data


def _list(required: bool) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(allow_blank=True, allow_null=True, max_length=200),
        required=required,
        allow_null=not required,
        allow_empty=True,
    )


class BusinessContextInputSerializer(serializers.Serializer):
    """`POST`/`PUT /business-context`: the onboarding and context forms; unknown fields are ignored."""

    business_description = serializers.CharField(min_length=10, max_length=5000)
    product_service_description = serializers.CharField(min_length=10, max_length=5000)
    target_market = serializers.CharField(min_length=5, max_length=5000)
    value_proposition = serializers.CharField(min_length=10, max_length=5000)
    ideal_customer = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=5000)
    competitive_advantage = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=5000)
    pain_points = _list(required=True)
    competitors = _list(required=False)
    industry_focus = _list(required=True)
    geographic_focus = _list(required=False)

    def _non_blank(self, value: list | None) -> list[str]:
        return [item.strip() for item in value or [] if item and item.strip()]

    def validate_pain_points(self, value: list) -> list[str]:
        items = self._non_blank(value)
        if not items:
            raise serializers.ValidationError("Give at least one pain point.")
        return items

    def validate_industry_focus(self, value: list) -> list[str]:
        items = self._non_blank(value)
        if not items:
            raise serializers.ValidationError("Give at least one industry.")
        return items

    def validate_competitors(self, value: list | None) -> list[str]:
        return self._non_blank(value)

    def validate_geographic_focus(self, value: list | None) -> list[str]:
        return self._non_blank(value)

    def service_data(self) -> dict[str, Any]:
        """A full replacement for `business_context.services.save_context(partial=False)`."""
        data = dict(self.validated_data)
        for name in ("ideal_customer", "competitive_advantage"):
            data[name] = data.get(name) or ""
        data.setdefault("competitors", [])
        if not data.get("geographic_focus"):
            data.pop("geographic_focus", None)  # the service's default (["Brasil"]) on creation
        return data
