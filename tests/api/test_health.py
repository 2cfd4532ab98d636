import sys

import pytest
from django.core.cache import caches

import mcp_bridge.health
from nellia import health

pytestmark = pytest.mark.django_db
CHECKS = {"database", "cache", "broker", "channel_layer", "agent_server"}


@pytest.fixture
def agent_server_ok(monkeypatch):
    monkeypatch.setattr(mcp_bridge.health, "check_agent_server",
                        lambda **kw: {"ok": True, "latency_ms": 1.0, "error": None})


@pytest.fixture
def worker_answers(monkeypatch):
    monkeypatch.setattr(health.Ping, "run", lambda self: None)


def test_health_ok_without_authentication(client, agent_server_ok, worker_answers):
    response = client.get("/api/health")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for check in body["checks"].values():
        assert check["ok"] is True and check["error"] is None
        assert isinstance(check["latency_ms"], int | float)


def test_checks_are_django_health_check_checks():
    from health_check.base import HealthCheck

    assert all(isinstance(check, HealthCheck) for check in health.CHECKS.values())


def test_broken_cache_degrades(client, agent_server_ok, worker_answers, monkeypatch):
    async def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(type(caches["default"]), "aset", broken)
    response = client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert "Connection Error" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_unreachable_agent_server_degrades(client, worker_answers, monkeypatch):
    monkeypatch.setattr(mcp_bridge.health, "check_agent_server",
                        lambda **kw: {"ok": False, "latency_ms": None, "error": "connection refused"})
    body = client.get("/api/health").json()
    assert body["status"] == "degraded"
    assert body["checks"]["agent_server"]["ok"] is False
    assert body["checks"]["agent_server"]["error"] == "connection refused"


def test_crashing_or_missing_agent_check_is_reported_not_raised(client, worker_answers, monkeypatch):
    def crash(**kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(mcp_bridge.health, "check_agent_server", crash)
    assert client.get("/api/health").json()["checks"]["agent_server"]["error"] == "RuntimeError: boom"
    monkeypatch.setitem(sys.modules, "mcp_bridge.health", None)  # import fails
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["checks"]["agent_server"]["ok"] is False


def test_broken_broker_degrades(client, agent_server_ok, worker_answers, monkeypatch):
    from nellia.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    body = client.get("/api/health").json()
    assert body["checks"]["broker"]["ok"] is False


def test_no_celery_worker_degrades_where_one_should_run(client, agent_server_ok, settings):
    """Real mode: the broker answers but no worker does — leads would wait forever."""
    settings.CELERY_EMBEDDED_WORKER = False
    body = client.get("/api/health").json()
    assert body["checks"]["broker"] == {**body["checks"]["broker"], "ok": False,
                                        "error": "Celery workers unavailable"}


def test_embedded_worker_is_not_pinged(client, agent_server_ok, settings, monkeypatch):
    def must_not_ping(self):
        raise AssertionError("pinged")

    settings.CELERY_EMBEDDED_WORKER = True
    monkeypatch.setattr(health.Ping, "run", must_not_ping)
    assert client.get("/api/health").json()["checks"]["broker"]["ok"] is True


def test_broken_channel_layer_degrades(client, agent_server_ok, worker_answers, monkeypatch):
    monkeypatch.setattr(health, "get_channel_layer", lambda: None)
    body = client.get("/api/health").json()
    assert body["checks"]["channel_layer"] == {**body["checks"]["channel_layer"], "ok": False,
                                               "error": "no channel layer configured"}
