"""`POST /api/agents/{id}/start|stop`: admins only."""

import pytest

from agents.models import Agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return Agent.objects.get(stage="analysis")


def test_admin_stops_and_starts(admin_api, agent):
    response = admin_api.post(f"/api/agents/{agent.pk}/stop")
    assert response.status_code == 200 and response.json()["status"] == "inactive"
    response = admin_api.post(f"/api/agents/{agent.pk}/start")
    assert response.status_code == 200 and response.json()["status"] == "active"


def test_start_clears_an_error(admin_api, agent):
    Agent.objects.filter(pk=agent.pk).update(status="error", last_error="boom", consecutive_failures=3)
    body = admin_api.post(f"/api/agents/{agent.pk}/start").json()
    assert body["status"] == "active" and body["last_error"] == ""


def test_non_admin_is_403(api, agent):
    response = api.post(f"/api/agents/{agent.pk}/stop")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    agent.refresh_from_db()
    assert agent.status == "active"
    assert api.post(f"/api/agents/{agent.pk}/start").status_code == 403


def test_anonymous_is_401(client, agent):
    assert client.post(f"/api/agents/{agent.pk}/stop").status_code == 401
