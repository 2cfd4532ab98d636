"""FRONTEND.md §3: login, register, refresh, logout, profile."""

import pytest
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import AccessToken

from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db

USER_KEYS = {"id", "email", "firstName", "lastName", "role", "isActive", "lastLogin"}


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def test_login_is_raw_with_camel_case_user_and_24h_token(client, user, settings):
    response = post(client, "/api/v1/auth/login", {"email": user.email, "password": "s3cret-pass", "remember": True})
    assert response.status_code == 200
    body = response.json()
    assert "success" not in body
    assert isinstance(body["access_token"], str) and body["access_token"].startswith("eyJ")
    assert set(body["user"]) >= USER_KEYS
    assert body["user"]["id"] == str(user.id) and body["user"]["role"] == "user" and body["user"]["isActive"] is True
    token = AccessToken(body["access_token"])
    assert token["exp"] - token["iat"] == settings.FRONTEND_ACCESS_TOKEN_LIFETIME
    assert body["expires_in"] == settings.FRONTEND_ACCESS_TOKEN_LIFETIME


def test_bad_credentials_401_with_string_message(client, user):
    body = assert_error(post(client, "/api/v1/auth/login", {"email": user.email, "password": "wrong-password"}), 401)
    assert body["message"] == "Invalid email or password."


def test_register_is_201_raw_with_token(client):
    response = post(client, "/api/v1/auth/register",
                    {"email": "nova@acme.com.br", "password": "Segura-123", "firstName": "Nova", "lastName": "Pessoa"})
    assert response.status_code == 201
    body = response.json()
    assert body["access_token"] and body["user"]["firstName"] == "Nova" and body["user"]["lastName"] == "Pessoa"


def test_register_errors(client, user, settings):
    assert_error(post(client, "/api/v1/auth/register", {"email": user.email.upper(), "password": "Segura-123"}), 409)
    assert_error(post(client, "/api/v1/auth/register", {"email": "x@acme.com.br", "password": "short"}), 400)
    assert_error(post(client, "/api/v1/auth/register", {"email": "not-an-email", "password": "Segura-123"}), 400)
    settings.ALLOW_REGISTRATION = False
    assert_error(post(client, "/api/v1/auth/register", {"email": "y@acme.com.br", "password": "Segura-123"}), 403,
                 "registration_disabled")


def test_login_rate_limit_is_429(client, user, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "2/m")
    for _ in range(2):
        post(client, "/api/v1/auth/login", {"email": user.email, "password": "wrong-password"})
    assert_error(post(client, "/api/v1/auth/login", {"email": user.email, "password": "wrong-password"}), 429)


def test_refresh_logout_profile(client, api, user):
    login = post(client, "/api/v1/auth/login", {"email": user.email, "password": "s3cret-pass"}).json()
    refreshed = post(client, "/api/v1/auth/refresh", {"refresh_token": login["refresh_token"]})
    assert refreshed.status_code == 200
    assert set(refreshed.json()) == {"access_token", "refresh_token", "expires_in"}
    assert_error(post(client, "/api/v1/auth/refresh", {"refresh_token": login["refresh_token"]}), 401)
    profile = env(api.get("/api/v1/auth/profile"))
    assert set(profile) >= USER_KEYS and profile["id"] == str(user.id)
    response = api.post("/api/v1/auth/logout", {"refresh_token": refreshed.json()["refresh_token"]}, format="json")
    assert response.status_code == 204 and response.content == b""
    assert api.post("/api/v1/auth/logout").status_code == 204
