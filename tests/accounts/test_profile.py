import pytest

pytestmark = pytest.mark.django_db


def test_profile_of_the_caller(api, user):
    body = api.get("/api/auth/profile").json()
    assert body["id"] == str(user.id)
    assert body["email"] == user.email


def test_admin_role(admin_api):
    assert admin_api.get("/api/auth/profile").json()["role"] == "admin"


def test_profile_needs_a_token(client):
    response = client.get("/api/auth/profile")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    bad = client.get("/api/auth/profile", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401
    assert set(bad.json()) == {"detail", "code"}


def test_issue_tokens_with_a_custom_lifetime(user):
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.services import issue_tokens

    pair = issue_tokens(user, access_lifetime=timedelta(hours=24))
    assert pair["expires_in"] == 86400
    token = AccessToken(pair["access_token"])
    assert token["exp"] - token["iat"] == 86400
