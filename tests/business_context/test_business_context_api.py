import pytest

from business_context.models import BusinessContext
from business_context.selectors import context_as_agent_data, context_for
from tests.factories import BusinessContextFactory

pytestmark = pytest.mark.django_db
URL = "/api/business-context"
FULL = {
    "business_description": "Software B2B de prospecção",
    "product_service_description": "Plataforma de IA",
    "target_market": "PMEs brasileiras",
    "value_proposition": "Menos pesquisa manual",
}
FIELDS = {
    "id", "business_description", "product_service_description", "target_market", "value_proposition",
    "ideal_customer", "pain_points", "competitive_advantage", "competitors", "industry_focus", "geographic_focus",
    "language", "version", "created_at", "updated_at",
}


def test_missing_until_saved(api):
    response = api.get(URL)
    assert response.status_code == 404
    assert response.json()["code"] == "business_context_missing"
    assert api.patch(URL, {"target_market": "x"}, format="json").status_code == 404


def test_put_creates_with_defaults_then_replaces(api, user):
    created = api.put(URL, FULL, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == FIELDS
    assert body["version"] == 1
    assert body["geographic_focus"] == ["Brasil"] and body["language"] == "pt-BR"
    assert body["pain_points"] == [] and body["ideal_customer"] == ""

    replaced = api.put(URL, {**FULL, "pain_points": [" ciclo longo ", "", "ciclo longo"], "language": "en"}, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["version"] == 2
    assert replaced.json()["pain_points"] == ["ciclo longo"]
    assert replaced.json()["id"] == body["id"]
    assert api.get(URL).json()["language"] == "en"
    assert BusinessContext.objects.count() == 1


def test_patch_updates_part_and_bumps_version(api, user):
    BusinessContextFactory(owner=user)
    response = api.patch(URL, {"competitors": ["Apollo"], "geographic_focus": []}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert body["competitors"] == ["Apollo"]
    assert body["geographic_focus"] == ["Brasil"]
    assert body["business_description"].startswith("Nellia")


def test_validation_errors(api, user):
    response = api.put(URL, {**FULL, "pain_points": "not a list", "competitors": [{}]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"pain_points", "competitors"}
    blank = api.put(URL, {**FULL, "business_description": "   "}, format="json")
    assert blank.json()["fields"] == {"business_description": ["This field may not be blank."]}
    missing = api.put(URL, {"business_description": "x"}, format="json")
    assert set(missing.json()["fields"]) == {"product_service_description", "target_market", "value_proposition"}
    BusinessContextFactory(owner=user)
    blank = api.patch(URL, {"target_market": ""}, format="json")
    assert blank.status_code == 400 and "target_market" in blank.json()["fields"]


def test_context_is_per_user(api, other_api, user):
    BusinessContextFactory(owner=user)
    assert other_api.get(URL).status_code == 404
    other_api.put(URL, FULL, format="json")
    assert api.get(URL).json()["business_description"].startswith("Nellia")
    assert BusinessContext.objects.count() == 2


def test_selectors(user, other_user):
    assert context_for(user) is None
    assert context_as_agent_data(None) is None
    ctx = BusinessContextFactory(owner=user)
    assert context_for(user) == ctx
    data = context_as_agent_data(ctx)
    assert data["version"] == 1 and data["geographic_focus"] == ["Brasil"] and data["language"] == "pt-BR"
    from mcp_bridge.agent_server.models import BusinessContextData

    BusinessContextData.model_validate(data)  # the agent server accepts it


def test_anonymous_gets_401(client):
    assert client.get(URL).status_code == 401
