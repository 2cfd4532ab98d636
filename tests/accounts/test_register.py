import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db
URL = "/api/auth/register"
PAYLOAD = {"email": "New.User@Example.com.br", "password": "a-long-pass-phrase", "first_name": "Nova", "last_name": "Pessoa"}


def test_register_creates_a_user(client):
    response = client.post(URL, PAYLOAD, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new.user@example.com.br"
    assert body["role"] == "user" and body["is_active"] is True
    assert "password" not in body
    user = User.objects.get(email="new.user@example.com.br")
    assert user.check_password(PAYLOAD["password"])
    login = client.post("/api/auth/login", {"email": PAYLOAD["email"], "password": PAYLOAD["password"]}, content_type="application/json")
    assert login.status_code == 200


def test_register_rejects_taken_email_and_weak_password(client):
    client.post(URL, PAYLOAD, content_type="application/json")
    response = client.post(URL, {**PAYLOAD, "email": "new.user@example.com.br", "password": "123"}, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert "email" in fields and "password" in fields


def test_register_can_be_disabled(client, settings):
    settings.ALLOW_REGISTRATION = False
    response = client.post(URL, PAYLOAD, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "registration_disabled"
    assert not User.objects.exists()
