"""The agent server's results in the OpenAPI schema, typed from its pydantic models (one source of truth).

A lead stores what the agents returned (`analysis`, `persona`, `strategy`, `message`, `enrichment_data`, ...) as
JSON. `mcp_bridge.agent_server.models` defines those shapes; this module turns their JSON schemas into OpenAPI
3.0 components (`AgentAnalysis`, `AgentPersona`, ...) when it is imported, so a change to a model changes the
schema with it. `typed_field()` gives a serializer field documented with one of them (or any schema); the `add_agent_components`
postprocessing hook puts the components into the generated schema.

Schemas are the models' *validation* schemas: a field with a default may be missing from what a lead stores
(an older result, or `{}` before the stage ran).
"""

from typing import Any, TypeVar, overload

from drf_spectacular.utils import extend_schema_field
from pydantic import BaseModel
from rest_framework import serializers

from mcp_bridge.agent_server import models as agent_models

F = TypeVar("F", bound=serializers.Field)

PREFIX = "Agent"
_REF = "#/components/schemas/"
# The models whose JSON a lead (or an export) carries; their nested models come along.
STORED_MODELS: tuple[type[BaseModel], ...] = (
    agent_models.Analysis,
    agent_models.Persona,
    agent_models.Strategy,
    agent_models.Message,
    agent_models.EnrichmentData,
)


def _openapi(node: Any) -> Any:
    """A pydantic (JSON Schema 2020-12) node as OpenAPI 3.0: `X | None` → `nullable`, `const` → `enum`."""
    if isinstance(node, list):
        return [_openapi(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _openapi(value) for key, value in node.items() if key != "$defs"}
    options = node.get("anyOf")
    if options and {"type": "null"} in options:
        rest = [option for option in options if option != {"type": "null"}]
        node.pop("anyOf")
        if len(rest) == 1 and "$ref" not in rest[0]:
            node.update(rest[0])
        else:
            node["anyOf" if len(rest) > 1 else "allOf"] = rest
        node["nullable"] = True
    if "const" in node:
        node["enum"] = [node.pop("const")]
    return node


def _components() -> dict[str, dict[str, Any]]:
    components: dict[str, dict[str, Any]] = {}
    for model in STORED_MODELS:
        schema = model.model_json_schema(mode="validation", ref_template=f"{_REF}{PREFIX}{{model}}")
        for name, definition in schema.get("$defs", {}).items():
            components[f"{PREFIX}{name}"] = _openapi(definition)
        components[f"{PREFIX}{model.__name__}"] = _openapi(schema)
    return components


COMPONENTS = _components()


def model_schema(model: type[BaseModel], *, nullable: bool = False) -> dict[str, Any]:
    """A reference to `model`'s component (wrapped in `allOf` when nullable: OpenAPI 3.0 ignores a `$ref`'s
    siblings)."""
    ref = {"$ref": f"{_REF}{PREFIX}{model.__name__}"}
    return {"allOf": [ref], "nullable": True} if nullable else ref


def output_field_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    """The schema of one field of an agent output model (e.g. `AnalysisOutput.pain_point_analysis`)."""
    schema = model.model_json_schema(mode="validation", ref_template=f"{_REF}{PREFIX}{{model}}")
    return _openapi(schema["properties"][name])


@overload
def typed_field(schema: dict[str, Any], **kwargs: Any) -> serializers.JSONField: ...
@overload
def typed_field(schema: dict[str, Any], field: type[F], **kwargs: Any) -> F: ...
def typed_field(schema: dict[str, Any], field: type[serializers.Field] = serializers.JSONField,
                **kwargs: Any) -> serializers.Field:
    """A serializer field (a JSONField by default) documented with `schema` (`model_schema`, ...)."""
    documented = extend_schema_field(schema)(type(f"Typed{field.__name__}", (field,), {}))
    return documented(**kwargs)


def _v1_enrichment() -> dict[str, Any]:
    step = COMPONENTS[f"{PREFIX}ContactStep"]["properties"]
    text = {"type": "string"}
    return {
        "allOf": [
            model_schema(agent_models.EnrichmentData),
            {
                "type": "object",
                "properties": {
                    "enhanced_strategy": {"type": "object", "properties": {"detailed_approach_plan": {
                        "type": "object",
                        "properties": {
                            "main_objective": text,
                            "adapted_elevator_pitch": text,
                            "contact_sequence": {"type": "array", "items": {"type": "object", "properties": {
                                "step_number": {"type": "integer"}, "channel": step["channel"],
                                "objective": step["objective"], "cta": step["cta"],
                            }}},
                        },
                    }}},
                    "enhanced_personalized_message": {"type": "object", "properties": {"primary_message": {
                        "type": "object", "properties": {"subject_line": text, "message_body": text},
                    }}},
                },
            },
        ]
    }


# `/api/v1/` leads: the intake's enrichment data plus the strategy and message in the frontend's shape.
V1_ENRICHMENT = _v1_enrichment()


def add_agent_components(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the agent models' components to the schema."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    return result
