"""Every response body in the OpenAPI schema is typed all the way down (issue 10: a generated TypeScript client
typed a lead's analysis, persona, strategy, message, ... the export and the activity metadata as `unknown`).

An untyped node is an object with neither `properties` nor a typed `additionalProperties`, an array without
`items`, or a schema with no type at all: what openapi-typescript and @hey-api/openapi-ts turn into `unknown`.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from mcp_bridge.agent_server import models as agent_models
from nellia.api.agent_schema import STORED_MODELS

COMBINATIONS = ("allOf", "oneOf", "anyOf")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def untyped_nodes(node, where, components, seen):
    """Paths of the untyped nodes under `node`, following `$ref`s (each component once)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return untyped_nodes(components[name], name, components, seen)
    found = []
    kind = node.get("type")
    if kind is None and not any(key in node for key in (*COMBINATIONS, "enum")):
        found.append(where)
    if kind == "object" and "properties" not in node and not isinstance(node.get("additionalProperties"), dict):
        found.append(f"{where}{{}}")
    if kind == "array" and "items" not in node:
        found.append(f"{where}[]")
    for name, child in node.get("properties", {}).items():
        found += untyped_nodes(child, f"{where}.{name}", components, seen)
    if isinstance(node.get("additionalProperties"), dict):
        found += untyped_nodes(node["additionalProperties"], f"{where}{{}}", components, seen)
    if "items" in node:
        found += untyped_nodes(node["items"], f"{where}[]", components, seen)
    for key in COMBINATIONS:
        for option in node.get(key, []):
            found += untyped_nodes(option, where, components, seen)
    return found


def test_no_untyped_object_in_any_response_body(schema):
    components = schema["components"]["schemas"]
    untyped = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                for media, body in response.get("content", {}).items():
                    if media.startswith("text/"):
                        continue
                    untyped += untyped_nodes(body.get("schema", {}), f"{method.upper()} {path} {status}", components,
                                             set())
    assert untyped == []


def test_the_walk_finds_an_untyped_object():
    """The check itself: a free-form object anywhere under a response is reported."""
    components = {"Lead": {"type": "object", "properties": {"persona": {"type": "object"}, "tags": {"type": "array"}}}}
    assert untyped_nodes({"$ref": "#/components/schemas/Lead"}, "GET /x", components, set()) == [
        "Lead.persona{}", "Lead.tags[]"]


def test_lead_results_are_the_agent_servers_models(schema):
    components = schema["components"]["schemas"]
    lead = components["Lead"]["properties"]
    for field, model in (("analysis", "Analysis"), ("persona", "Persona"), ("strategy", "Strategy"),
                         ("message", "Message")):
        assert lead[field] == {"allOf": [{"$ref": f"#/components/schemas/Agent{model}"}], "nullable": True,
                               "readOnly": True}
    assert lead["enrichment_data"]["allOf"] == [{"$ref": "#/components/schemas/AgentEnrichmentData"}]
    assert lead["pain_point_analysis"]["items"] == {"type": "string"}
    for model in STORED_MODELS:  # one source of truth: the component is the model's own schema
        component = components[f"Agent{model.__name__}"]
        assert set(component["properties"]) == set(model.model_fields)
        assert set(component.get("required", [])) == {n for n, f in model.model_fields.items() if f.is_required()}
    assert components["AgentContactStep"]["properties"]["channel"]["enum"] == ["email", "linkedin", "whatsapp", "phone"]
    assert components["AgentEnrichmentData"]["properties"]["employees"]["nullable"] is True
    assert agent_models.Strategy.model_fields["contact_sequence"].is_required()


def test_export_import_and_activity_bodies_are_typed(schema):
    paths = schema["paths"]
    export = paths["/api/leads/export"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert export == {"type": "array", "items": {"$ref": "#/components/schemas/ExportLead"}}
    imported = paths["/api/leads/import"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert imported == {"type": "array", "items": {"$ref": "#/components/schemas/ImportRowRequest"}}
    metadata = schema["components"]["schemas"]["MetricsActivity"]["properties"]["metadata"]
    assert "lead_id" in schema["components"]["schemas"][metadata["allOf"][0]["$ref"].rsplit("/", 1)[-1]]["properties"]
