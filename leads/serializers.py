"""`/api/leads` representation: every contract field; what the pipeline computes is read-only."""

import copy
from typing import Any, ClassVar

from rest_framework import serializers
from rest_framework.fields import Field

from leads.fields import INPUT_FIELDS, RESULT_FIELDS, TEXT_MAX_LENGTHS
from leads.models import Lead
from leads.services import normalized_website
from mcp_bridge.agent_server import models as agent_models
from nellia.api.agent_schema import model_schema, output_field_schema, typed_field

PIPELINE_FIELDS = ["status", "processing_stage", "progress", *RESULT_FIELDS, "last_error", "processed_at"]


def _read_step(field: Field) -> tuple[str, Field, str | None]:
    """A bound field's output key, the field, and the attribute to read directly (a one-step source) or None."""
    assert field.field_name is not None, "bound fields have a name"
    direct = field.source if isinstance(field.source, str) and field.source_attrs == [field.source] else None
    return field.field_name, field, direct


class LeadSerializer(serializers.ModelSerializer):
    owner = serializers.UUIDField(source="owner_id", read_only=True)
    prospect_job = serializers.UUIDField(source="prospect_job_id", read_only=True, allow_null=True)
    # What the agents returned, typed by the agent server's models (nellia.api.agent_schema).
    analysis = typed_field(model_schema(agent_models.Analysis, nullable=True), read_only=True, allow_null=True)
    persona = typed_field(model_schema(agent_models.Persona, nullable=True), read_only=True, allow_null=True)
    strategy = typed_field(model_schema(agent_models.Strategy, nullable=True), read_only=True, allow_null=True)
    message = typed_field(model_schema(agent_models.Message, nullable=True), read_only=True, allow_null=True)
    pain_point_analysis = typed_field(output_field_schema(agent_models.AnalysisOutput, "pain_point_analysis"),
                                      read_only=True)
    purchase_triggers = typed_field(output_field_schema(agent_models.AnalysisOutput, "purchase_triggers"),
                                    read_only=True)
    enrichment_data = typed_field(model_schema(agent_models.EnrichmentData), read_only=True)
    # Validated as an e-mail, documented as a string: a lead without one has "" (which `format: email` rejects).
    contact_email = typed_field({"type": "string", "description": "An e-mail address, or empty."},
                                serializers.EmailField, required=False, allow_blank=True, max_length=254)

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
        extra_kwargs = {
            "annual_revenue": {"min_value": 0},
            **{name: {"max_length": limit} for name, limit in TEXT_MAX_LENGTHS.items()},
        }

    _field_prototypes: ClassVar[dict[str, Field]]  # set by get_fields on each class

    def get_fields(self) -> dict[str, Field]:
        """ModelSerializer rebuilds its ~37 fields from model introspection for every serializer (~2.5 ms, per
        request of the list); build them once per class and hand out copies, as DRF does for declared fields."""
        cls = type(self)
        if "_field_prototypes" not in cls.__dict__:
            cls._field_prototypes = super().get_fields()
        return copy.deepcopy(cls._field_prototypes)

    def to_representation(self, instance: Lead) -> dict[str, Any]:
        """DRF's loop, reading plain attributes directly (its generic `get_attribute` is most of the per-row cost
        of a list page); the values go through each field's `to_representation` as before."""
        if not isinstance(instance, Lead):  # e.g. `validated_data` (a dict): DRF's generic path
            return super().to_representation(instance)
        plan: list[tuple[str, Field, str | None]] | None = self.__dict__.get("_read_plan")
        if plan is None:
            plan = self._read_plan = [_read_step(field) for field in self._readable_fields]
        data: dict[str, Any] = {}
        for name, field, attname in plan:
            value = getattr(instance, attname) if attname is not None else field.get_attribute(instance)
            data[name] = None if value is None else field.to_representation(value)
        return data

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
