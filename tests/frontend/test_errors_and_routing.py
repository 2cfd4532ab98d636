"""FRONTEND.md §1: error bodies, unknown paths, trailing slashes, authentication."""

import pytest

from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_paths_are_json_404(api, method):
    response = getattr(api, method)("/api/v1/does/not/exist")
    body = assert_error(response, 404, "not_found")
    assert body["path"] == "/api/v1/does/not/exist"


def test_unknown_path_without_token_is_404_not_html(client):
    assert_error(client.get("/api/v1/nothing-here/"), 404)


def test_trailing_slash_is_accepted_never_redirected(api):
    for path in ("/api/v1/leads", "/api/v1/leads/", "/api/v1/agents/", "/api/v1/users/plan-status/"):
        assert api.get(path).status_code == 200, path


def test_missing_or_bad_token_is_401(client):
    assert_error(client.get("/api/v1/leads"), 401)
    body = assert_error(client.get("/api/v1/leads", HTTP_AUTHORIZATION="Bearer nope"), 401)
    assert body["error"] == "Unauthorized"


def test_validation_error_has_one_string_message(api):
    body = assert_error(api.post("/api/v1/business-context", {"target_market": "abc"}, format="json"), 400, "invalid")
    assert ": " in body["message"] and isinstance(body["fields"], dict)


def test_wrong_method_is_json_405(api):
    assert_error(api.delete("/api/v1/agents"), 405)


def test_preflight_passes_before_authentication(client):
    response = client.options(
        "/api/v1/leads",
        HTTP_ORIGIN="http://localhost:4173",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://localhost:4173"
    assert "PATCH" in response["Access-Control-Allow-Methods"]


def test_tokens_of_either_prefix_work(client, user):
    login = client.post("/api/auth/login", {"email": user.email, "password": "s3cret-pass"}, content_type="application/json")
    token = login.json()["access_token"]
    assert env(client.get("/api/v1/auth/profile", HTTP_AUTHORIZATION=f"Bearer {token}"))["email"] == user.email
