import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

FOUNDATION_PATHS = {
    "/api/auth/login", "/api/auth/refresh", "/api/auth/logout", "/api/auth/profile", "/api/auth/register",
    "/api/leads", "/api/leads/{id}", "/api/business-context", "/api/health",
}


def _paths(schema):
    return {path.rstrip("/") for path in schema["paths"]}


def test_schema_generates_without_warnings_and_validates():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache)
    errors = dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert not errors, errors
    assert not warnings, warnings
    validate_schema(schema)
    assert _paths(schema) >= FOUNDATION_PATHS


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_docs_are_public_and_served_without_a_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    if path != "/api/schema/":
        html = response.content.decode()
        assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
