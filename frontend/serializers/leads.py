"""The frontend Lead (FRONTEND.md §4.1): rendered from plain rows, and the write serializers of §4.5–4.7."""

import json
from datetime import datetime
from typing import Any

import orjson
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from frontend.vocab import BOARD_STAGES, parse_tier, tier_label
from leads.fields import TEXT_MAX_LENGTHS
from mcp_bridge.agent_server import models as agent_models
from nellia.api.agent_schema import V1_ENRICHMENT, model_schema, output_field_schema, typed_field


def _json(text: str | None) -> Any:
    return orjson.loads(text) if text else None


def _iso(value: datetime | str | None) -> str | None:
    """`lead_rows` timestamps come as ISO 8601 text from SQLite and PostgreSQL (`selectors.IsoTimestamp`)."""
    return value.isoformat() if isinstance(value, datetime) else value


def _json_text(value: Any) -> str:
    """A JSON value's text as PostgreSQL writes jsonb (`frontend.lead_sql`): `true`, `1.5`, `{"a": 1}`."""
    return json.dumps(value, ensure_ascii=False)


def _score(value: Any) -> float | None:
    return float(value) if value is not None else None


def _strings(value: Any) -> list:
    """A JSON array, or [] for anything else."""
    return value if isinstance(value, list) else []


def _persona(value: Any) -> dict | None:
    if not isinstance(value, dict) or not value:
        return None
    probability = value.get("decision_maker_probability")
    if probability is not None and not isinstance(probability, (int, float)):
        try:
            value = {**value, "decision_maker_probability": float(probability)}
        except (TypeError, ValueError):
            value = {**value, "decision_maker_probability": None}
    return value


def _enrichment(data: Any, strategy: Any, message: Any) -> dict:
    result = dict(data) if isinstance(data, dict) else {}
    if isinstance(strategy, dict) and strategy:
        sequence: list[dict[str, Any]] = []
        for step in _strings(strategy.get("contact_sequence")):
            if isinstance(step, dict):
                item = {key: value for key, value in step.items() if key != "step"}
                item["step_number"] = step.get("step", len(sequence) + 1)
                sequence.append(item)
        propositions = _strings(strategy.get("key_value_propositions"))
        result["enhanced_strategy"] = {
            "detailed_approach_plan": {
                "main_objective": strategy.get("first_interaction_goal") or "",
                "adapted_elevator_pitch": " ".join(p if isinstance(p, str) else _json_text(p) for p in propositions),
                "contact_sequence": sequence,
            }
        }
    if isinstance(message, dict) and message:
        result["enhanced_personalized_message"] = {
            "primary_message": {"subject_line": message.get("subject_line") or "", "message_body": message.get("body") or ""}
        }
    return result


def present_lead(row: dict[str, Any]) -> dict[str, Any]:
    """A frontend Lead from a `frontend.selectors.lead_rows` row: JSON types only (safe for sockets too)."""
    revenue = row["annual_revenue"]
    job_id = row["prospect_job_id"]
    return {
        "id": str(row["id"]),
        "company_name": row["company_name"] or "",
        "website": row["website"] or "",
        "description": row["description"] or "",
        "company_sector": row["company_sector"] or "",
        "company_size": row["company_size"] or "",
        "market_region": row["market_region"] or "",
        "contact_email": row["contact_email"] or "",
        "contact_phone": row["contact_phone"] or "",
        "contact_role": row["contact_role"] or "",
        "annual_revenue": float(revenue) if revenue is not None else None,
        "relevance_score": _score(row["relevance_score"]),
        "roi_potential_score": _score(row["roi_potential_score"]),
        "brazilian_market_fit": _score(row["brazilian_market_fit"]),
        "overall_score": _score(row["overall_score"]),
        "qualification_tier": tier_label(row["qualification_tier"]),
        "processing_stage": row["presented_stage"],
        "pipeline_stage": row["processing_stage"],
        "board_stage": row["board_stage"] or None,
        "status": row["status"],
        "progress": row["progress"] or 0,
        "source": row["source"],
        "persona": _persona(_json(row["persona_json"])),
        "pain_point_analysis": _strings(_json(row["pain_point_analysis_json"])),
        "purchase_triggers": _strings(_json(row["purchase_triggers_json"])),
        "enrichment_data": _enrichment(
            _json(row["enrichment_data_json"]), _json(row["strategy_json"]), _json(row["message_json"])
        ),
        "last_error": row["last_error"] or "",
        "prospect_job_id": str(job_id) if job_id else None,
        "created_at": _iso(row["created_at_iso"]),
        "updated_at": _iso(row["updated_at_iso"]),
        "processed_at": _iso(row["processed_at_iso"]),
    }


class LeadSerializer(serializers.Serializer):
    """The frontend Lead, for the OpenAPI schema; rendering goes through `present_lead` (fast, from rows)."""

    id = serializers.UUIDField()
    company_name = serializers.CharField()
    website = serializers.CharField()
    description = serializers.CharField()
    company_sector = serializers.CharField()
    company_size = serializers.CharField()
    market_region = serializers.CharField()
    contact_email = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_role = serializers.CharField()
    annual_revenue = serializers.FloatField(allow_null=True)
    relevance_score = serializers.FloatField(allow_null=True)
    roi_potential_score = serializers.FloatField(allow_null=True)
    brazilian_market_fit = serializers.FloatField(allow_null=True)
    overall_score = serializers.FloatField(allow_null=True)
    qualification_tier = serializers.CharField(help_text="Alto Potencial, Potencial Médio, Baixo Potencial, Não Qualificado or N/A.")
    processing_stage = serializers.CharField(help_text="Presented stage: the board stage if set, see FRONTEND.md §4.3.")
    pipeline_stage = serializers.CharField()
    board_stage = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    progress = serializers.IntegerField()
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source
    persona = typed_field(model_schema(agent_models.Persona, nullable=True), allow_null=True)
    pain_point_analysis = typed_field(output_field_schema(agent_models.AnalysisOutput, "pain_point_analysis"))
    purchase_triggers = typed_field(output_field_schema(agent_models.AnalysisOutput, "purchase_triggers"))
    enrichment_data = typed_field(V1_ENRICHMENT)
    last_error = serializers.CharField()
    prospect_job_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)


class LeadPageSerializer(serializers.Serializer):
    data = LeadSerializer(many=True)  # type: ignore[assignment]  # a declared field, not Serializer.data
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    totalPages = serializers.IntegerField()  # noqa: N815 - the frontend's name


@extend_schema_field({"type": "string", "nullable": True, "description": "Any spelling of FRONTEND.md §4.2."})
class TierField(serializers.Field):
    def to_internal_value(self, data: Any) -> str | None:
        try:
            return parse_tier(data)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value: Any) -> str:
        return tier_label(value)


def _nullable_text(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, **kwargs)


class ScoreField(serializers.FloatField):
    """A score 0..1; a cleared input (null or "") clears it."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data == "":
            return True, None
        return super().validate_empty_values(data)


def _score_field() -> serializers.FloatField:
    return ScoreField(required=False, allow_null=True, min_value=0.0, max_value=1.0)


def _list_field(name: str) -> serializers.ListField:
    """The agents' list of `name` (strings, as AnalysisOutput types it); items that are not strings are dropped."""
    schema = {**output_field_schema(agent_models.AnalysisOutput, name), "nullable": True}
    return typed_field(schema, serializers.ListField, child=serializers.JSONField(), required=False, allow_null=True)


class LeadWriteSerializer(serializers.Serializer):
    """`PUT`/`PATCH /leads/{id}` and `POST /leads` (§4.5, §4.7). Unknown fields are ignored.

    `validated_data` keeps the frontend's names; `to_service_data(current_stage)` maps them to `/api/` fields.
    """

    company_name = serializers.CharField(required=False, max_length=255)
    website = _nullable_text(max_length=500)
    description = _nullable_text(max_length=TEXT_MAX_LENGTHS["description"])
    company_sector = _nullable_text(max_length=120)
    company_size = _nullable_text(max_length=60)
    market_region = _nullable_text(max_length=120)
    contact_email = _nullable_text(max_length=254)
    contact_phone = _nullable_text(max_length=60)
    contact_role = _nullable_text(max_length=120)
    qualification_tier = TierField(required=False, allow_null=True)
    relevance_score = _score_field()
    roi_potential_score = _score_field()
    brazilian_market_fit = _score_field()
    processing_stage = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    pain_point_analysis = _list_field("pain_point_analysis")
    purchase_triggers = _list_field("purchase_triggers")

    TEXT_FIELDS = (
        "website", "description", "company_sector", "company_size", "market_region", "contact_email",
        "contact_phone", "contact_role",
    )

    def validate_company_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()

    def to_service_data(self, *, current_stage: str | None = None) -> dict[str, Any]:
        """The `/api/` data dict for `leads.services.create_lead`/`update_lead`."""
        data = dict(self.validated_data)
        result: dict[str, Any] = {}
        for name, value in data.items():
            if name in self.TEXT_FIELDS:
                result[name] = value or ""
            elif name in ("pain_point_analysis", "purchase_triggers"):
                result[name] = [item for item in value or [] if isinstance(item, str)]  # the agents' lists: strings
            elif name == "processing_stage":
                # The modal always echoes the presented stage back: equal → no change; a board stage → move it;
                # a pipeline stage is the pipeline's own business → ignored.
                if value and value != current_stage and value in BOARD_STAGES:
                    result["board_stage"] = value
            else:
                result[name] = value
        return result


class LeadStageSerializer(serializers.Serializer):
    stage = serializers.CharField(allow_null=True, allow_blank=True, help_text="A board stage, or null to clear it.")


class BulkLeadSerializer(serializers.Serializer):
    operation = serializers.ChoiceField(choices=["process", "delete", "create", "update"])
    leads = serializers.ListField(child=serializers.DictField(), allow_empty=True)


class BulkSkippedSerializer(serializers.Serializer):
    id = serializers.CharField()
    reason = serializers.ChoiceField(choices=["not_found", "already_processing", "duplicate_lead", "invalid"])


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.CharField())
    skipped = BulkSkippedSerializer(many=True)
