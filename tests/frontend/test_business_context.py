"""FRONTEND.md §6: RAW GET or 404, upserting POST, replacing PUT, validation."""

import pytest

from business_context.models import BusinessContext
from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db

FORM = {
    "business_description": "Software de prospecção B2B com IA",
    "product_service_description": "Plataforma que qualifica leads",
    "target_market": "PMEs B2B",
    "value_proposition": "Metade do tempo de pesquisa",
    "ideal_customer": "",
    "pain_points": ["prospecção manual", ""],
    "competitive_advantage": None,
    "competitors": [""],
    "industry_focus": ["Tecnologia"],
    "geographic_focus": [],
    "id": "ignored",
    "createdAt": "ignored",
}
KEYS = {"id", "business_description", "product_service_description", "target_market", "value_proposition",
        "ideal_customer", "pain_points", "competitive_advantage", "competitors", "industry_focus", "geographic_focus",
        "is_active", "version", "created_at", "updated_at"}


def test_get_missing_is_404_business_context_missing(api):
    assert_error(api.get("/api/v1/business-context"), 404, "business_context_missing")


def test_post_upserts_and_get_is_raw(api, other_api):
    created = env(api.post("/api/v1/business-context", FORM, format="json"), 201)
    assert set(created) >= KEYS
    assert created["pain_points"] == ["prospecção manual"] and created["competitors"] == []
    assert created["geographic_focus"] == ["Brasil"] and created["competitive_advantage"] == ""
    again = env(api.post("/api/v1/business-context", FORM, format="json"), 200)
    assert again["id"] == created["id"] and again["version"] == created["version"] + 1
    raw = api.get("/api/v1/business-context").json()
    assert "success" not in raw and raw["id"] == created["id"] and raw["version"] == again["version"]
    assert_error(other_api.get("/api/v1/business-context"), 404)
    assert BusinessContext.objects.count() == 1


def test_put_replaces_and_creates(api):
    created = env(api.put("/api/v1/business-context", FORM, format="json"), 201)
    replaced = env(api.put("/api/v1/business-context", {**FORM, "geographic_focus": ["SP"], "competitors": ["X"]},
                           format="json"))
    assert replaced["id"] == created["id"] and replaced["geographic_focus"] == ["SP"] and replaced["competitors"] == ["X"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("business_description", "curta"), ("target_market", "abc"), ("value_proposition", "   x   "),
     ("pain_points", [""]), ("industry_focus", []), ("product_service_description", None)],
)
def test_validation(api, field, value):
    body = assert_error(api.post("/api/v1/business-context", {**FORM, field: value}, format="json"), 400, "invalid")
    assert body["message"].startswith(f"{field}: ")
