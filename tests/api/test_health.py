import sys

import pytest

from nellia import health

pytestmark = pytest.mark.django_db
CHECKS = {"database", "cache", "broker", "channel_layer", "agent_server"}


@pytest.fixture
def agent_server_ok(monkeypatch):
    monkeypatch.setitem(health.CHECKS, "agent_server", lambda: {"ok": True, "latency_ms": 1.0, "error": None})


def test_health_ok_without_authentication(client, agent_server_ok):
    response = client.get("/api/health")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for check in body["checks"].values():
        assert check["ok"] is True and check["error"] is None
        assert isinstance(check["latency_ms"], int | float)


def test_broken_cache_degrades(client, agent_server_ok, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(health.cache, "set", broken)
    response = client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert "cache down" in body["checks"]["cache"]["error"]
    assert body["checks"]["database"]["ok"] is True


def test_unreachable_agent_server_degrades(client, monkeypatch):
    module = type(sys)("mcp_bridge.health")
    module.check_agent_server = lambda: {"ok": False, "latency_ms": None, "error": "connection refused"}
    monkeypatch.setitem(sys.modules, "mcp_bridge.health", module)
    body = client.get("/api/health").json()
    assert body["status"] == "degraded"
    assert body["checks"]["agent_server"] == {"ok": False, "latency_ms": None, "error": "connection refused"}


def test_crashing_or_missing_agent_check_is_reported_not_raised(client, monkeypatch):
    module = type(sys)("mcp_bridge.health")

    def crash():
        raise RuntimeError("boom")

    module.check_agent_server = crash
    monkeypatch.setitem(sys.modules, "mcp_bridge.health", module)
    assert client.get("/api/health").json()["checks"]["agent_server"]["error"] == "RuntimeError: boom"
    monkeypatch.setitem(sys.modules, "mcp_bridge.health", None)  # import fails
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["checks"]["agent_server"]["ok"] is False


def test_broken_broker_degrades(client, agent_server_ok, settings, monkeypatch):
    from nellia.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    body = client.get("/api/health").json()
    assert body["checks"]["broker"]["ok"] is False
