import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(client):
    UserFactory(email="ana@example.com.br")
    response = client.post(
        "/api/auth/login", {"email": "ana@example.com.br", "password": "s3cret-pass"}, content_type="application/json"
    )
    return response.json()


def _refresh(client, token):
    return client.post("/api/auth/refresh", {"refresh_token": token}, content_type="application/json")


def test_refresh_rotates_and_rejects_the_old_token(client, tokens):
    response = _refresh(client, tokens["refresh_token"])
    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access_token", "refresh_token"}
    assert pair["refresh_token"] != tokens["refresh_token"]

    reused = _refresh(client, tokens["refresh_token"])
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"


def test_refresh_with_garbage_or_access_token_is_401(client, tokens):
    assert _refresh(client, "garbage").status_code == 401
    assert _refresh(client, tokens["access_token"]).status_code == 401
    missing = client.post("/api/auth/refresh", {}, content_type="application/json")
    assert missing.status_code == 400
    assert "refresh_token" in missing.json()["fields"]


def test_refresh_of_a_deactivated_user_is_rejected(client, tokens):
    from accounts.models import User

    User.objects.update(is_active=False)
    assert _refresh(client, tokens["refresh_token"]).status_code == 401


def test_logout_blacklists_the_refresh_token(tokens):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    response = api.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert response.status_code == 204
    assert _refresh(APIClient(), tokens["refresh_token"]).status_code == 401


def test_logout_needs_authentication_and_a_valid_own_token(client, tokens, api):
    anonymous = client.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]}, content_type="application/json")
    assert anonymous.status_code == 401
    # Someone else's refresh token cannot be revoked.
    response = api.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert api.post("/api/auth/logout", {"refresh_token": "garbage"}, format="json").status_code == 400
