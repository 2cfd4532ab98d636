"""GET /dashboard/ (and its JSON helpers): staff only through the Django session, rendered from selectors."""

import json

import pytest

from chat.services import post_user_message
from events.models import Event
from events.relay import sequence_committed
from tests.broker import on_send
from tests.factories import LeadFactory, pipeline_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("path", ["/dashboard/", "/dashboard/agents.json", "/dashboard/chat/intake.json"])
def test_anonymous_is_sent_to_the_admin_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_non_staff_is_sent_to_the_admin_login(client, user):
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_renders_agents_leads_and_the_log_position(staff_client, user):
    lead = LeadFactory(owner=user, company_name="Acme <script>alert(1)</script>", status="queued", progress=20)
    event = Event.objects.create(type="lead.created", data={})
    Event.objects.create(type="lead.created", data={})  # not relayed yet: not a position clients can resume from
    sequence_committed(limit=1)
    event.refresh_from_db()
    response = staff_client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-agent-id="' in html
    assert "Lead Analysis Agent" in html
    assert f'data-lead-id="{lead.pk}"' in html
    assert "<script>alert(1)</script>" not in html  # escaped
    snapshot = json.loads(html.split('<script id="snapshot" type="application/json">')[1].split("</script>")[0])
    assert snapshot["last_event_id"] == event.seq
    assert snapshot["stages"][0] == "intake"
    assert response["Cache-Control"].startswith("max-age=0")


def test_agents_json_has_queue_depth(staff_client, user):
    LeadFactory(owner=user, status="queued", processing_stage="analysis")
    agents = staff_client.get("/dashboard/agents.json").json()["agents"]
    analysis = next(a for a in agents if a["id"] == str(pipeline_agent("analysis").pk))
    assert analysis["queue_depth"] == 1
    assert set(analysis) == {"id", "status", "current_task", "queue_depth"}


def test_chat_json_is_the_callers_own(staff_client, admin_user, user, monkeypatch):
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    agent = pipeline_agent("intake")
    post_user_message(owner=user, agent=agent, content="not the admin's")
    post_user_message(owner=admin_user, agent=agent, content="mine")
    sequence_committed()
    body = staff_client.get(f"/dashboard/chat/{agent.pk}.json").json()
    assert [m["content"] for m in body["messages"]] == ["mine"]
    assert body["last_event_id"] >= 1
    assert staff_client.get("/dashboard/chat/nope.json").status_code == 404
