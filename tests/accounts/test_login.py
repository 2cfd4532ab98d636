import pytest
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/auth/login"


def test_login_returns_token_pair_and_user(client):
    user = UserFactory(email="ana@example.com.br")
    response = client.post(URL, {"email": "ANA@example.com.br", "password": "s3cret-pass"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["access_token"] and body["refresh_token"]
    assert body["user"]["id"] == str(user.id)
    assert body["user"]["email"] == "ana@example.com.br"
    assert set(body["user"]) == {"id", "email", "first_name", "last_name", "role", "is_active", "last_login", "date_joined"}
    user.refresh_from_db()
    assert user.last_login is not None and user.last_login <= timezone.now()

    profile = client.get("/api/auth/profile", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert profile.status_code == 200
    assert profile.json()["role"] == "user"


def test_wrong_password_is_401_in_contract_shape(client):
    UserFactory(email="ana@example.com.br")
    response = client.post(URL, {"email": "ana@example.com.br", "password": "nope"}, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid email or password.", "code": "invalid_credentials"}


def test_inactive_user_cannot_log_in(client):
    UserFactory(email="off@example.com.br", is_active=False)
    response = client.post(URL, {"email": "off@example.com.br", "password": "s3cret-pass"}, content_type="application/json")
    assert response.status_code == 401


def test_missing_fields_are_validation_errors(client):
    response = client.post(URL, {"email": "not-an-email"}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"email", "password"}


def test_login_ignores_a_stale_authorization_header(client):
    UserFactory(email="ana@example.com.br")
    response = client.post(
        URL,
        {"email": "ana@example.com.br", "password": "s3cret-pass"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer expired.garbage.token",
    )
    assert response.status_code == 200
