"""Login throttling (issue 13): per IP in a sliding window (DRF), failed attempts per (e-mail, IP) with
django-axes, so nobody can lock a user out from another IP."""

import time

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URLS = ["/api/auth/login", "/api/v1/auth/login"]


@pytest.fixture(autouse=True)
def _limits(settings, monkeypatch):
    settings.AXES_FAILURE_LIMIT = 3
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "50/m")


def _attempt(client, url, email, password="wrong", ip="10.0.0.1"):
    return client.post(url, {"email": email, "password": password}, content_type="application/json", REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", URLS)
def test_failures_lock_the_email_out_from_that_ip_with_retry_after(client, url):
    UserFactory(email="ana@example.com.br")
    statuses = [_attempt(client, url, "ana@example.com.br").status_code for _ in range(4)]
    assert statuses[:2] == [401, 401] and statuses[-1] == 429
    # Locked even with the right password, and in another case: the e-mail is normalised.
    response = _attempt(client, url, "ANA@example.com.br", password="s3cret-pass")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"] == f"Too many requests. Try again in {response['Retry-After']} seconds."


@pytest.mark.parametrize("url", URLS)
def test_an_attacker_cannot_lock_the_user_out_from_another_ip(client, url):
    UserFactory(email="ana@example.com.br")
    for _ in range(5):
        _attempt(client, url, "ana@example.com.br", ip="10.6.6.6")
    assert _attempt(client, url, "ana@example.com.br", ip="10.6.6.6").status_code == 429
    assert _attempt(client, url, "ana@example.com.br", password="s3cret-pass", ip="10.9.9.9").status_code == 200


def test_failures_expire_one_by_one(client, settings):
    """Each failure counts for LOGIN_LOCKOUT_SECONDS from its own time: a sliding window, not a fixed one."""
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    UserFactory(email="ana@example.com.br")
    for _ in range(2):
        assert _attempt(client, URLS[0], "ana@example.com.br").status_code == 401
    time.sleep(2.2)
    for _ in range(2):
        assert _attempt(client, URLS[0], "ana@example.com.br").status_code == 401
    assert _attempt(client, URLS[0], "ana@example.com.br", password="s3cret-pass").status_code == 200


@pytest.mark.parametrize("url", URLS)
def test_many_emails_from_one_ip_are_throttled(client, url, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/m")
    for n in range(3):
        assert _attempt(client, url, f"someone{n}@example.com.br").status_code == 401
    response = _attempt(client, url, "another@example.com.br")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert _attempt(client, url, "another@example.com.br", ip="10.0.0.2").status_code == 401


def test_the_ip_limit_is_a_sliding_window(client, monkeypatch):
    """A burst at the end of one window and the start of the next still counts as one burst."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/s")
    clock = [1000.9]
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: clock[0])
    for n in range(3):
        assert _attempt(client, URLS[0], f"x{n}@example.com.br").status_code == 401
    clock[0] = 1001.1  # a new fixed window would start at 1001.0
    assert _attempt(client, URLS[0], "y@example.com.br").status_code == 429
    clock[0] = 1002.0
    assert _attempt(client, URLS[0], "y@example.com.br").status_code == 401


def test_admin_login_lockout_is_a_plain_429(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(email="ana@example.com.br", is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "ana@example.com.br", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "ana@example.com.br", "password": "s3cret-pass"})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_lockout_is_the_contract_json_under_asgi():
    """Under ASGI AxesMiddleware takes its async path, which would replace the answer with its own page."""
    client = AsyncClient()
    UserFactory(email="ana@example.com.br")
    body = {"email": "ana@example.com.br", "password": "wrong"}

    def attempt():
        return async_to_sync(client.post)(URLS[1], body, content_type="application/json", REMOTE_ADDR="10.0.0.1")

    for _ in range(3):
        attempt()
    response = attempt()
    assert response.status_code == 429
    assert response.json()["statusCode"] == 429
