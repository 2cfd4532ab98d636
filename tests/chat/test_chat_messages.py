"""GET|POST /api/chat/{agent_id}/messages and GET /api/chat/agents."""

import pytest

from chat.models import ChatMessage
from chat.services import post_user_message
from tests.broker import on_send
from tests.factories import LeadFactory, pipeline_agent

pytestmark = pytest.mark.django_db


def url(agent) -> str:
    return f"/api/chat/{agent.pk}/messages"


def test_post_saves_the_user_message(api, user, agent, django_capture_on_commit_callbacks, monkeypatch):
    enqueued = []
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", enqueued.append)
    lead = LeadFactory(owner=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url(agent), {"content": "  Why is this lead good?  ", "lead_id": str(lead.pk)}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sender"] == "user"
    assert body["content"] == "Why is this lead good?"
    assert body["agent_id"] == str(agent.pk)
    assert body["lead_id"] == str(lead.pk)
    assert body["status"] == "sent"
    assert body["attachments"] == []
    assert set(body) == {"id", "agent_id", "sender", "content", "lead_id", "attachments", "status", "created_at"}
    assert [str(m) for m in enqueued] == [body["id"]]


def test_get_lists_only_the_callers_history_newest_first(api, user, other_user, agent, monkeypatch):
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    first = post_user_message(owner=user, agent=agent, content="one")
    second = post_user_message(owner=user, agent=agent, content="two")
    post_user_message(owner=other_user, agent=agent, content="not yours")
    post_user_message(owner=user, agent=pipeline_agent("intake"), content="other agent")
    ChatMessage.objects.filter(pk=first.pk).update(created_at=second.created_at.replace(year=2020))

    body = api.get(url(agent), {"page_size": 1}).json()
    assert body["count"] == 2
    assert [m["content"] for m in body["results"]] == ["two"]
    assert body["next"]
    assert [m["content"] for m in api.get(body["next"]).json()["results"]] == ["one"]


@pytest.mark.parametrize("ref", ["name", "stage"])
def test_agent_by_name_or_stage(api, agent, ref):
    assert api.get(f"/api/chat/{getattr(agent, ref)}/messages").status_code == 200


def test_unknown_agent_is_404(api):
    response = api.get("/api/chat/00000000-0000-0000-0000-000000000000/messages")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_blank_content_is_400(api, agent):
    response = api.post(url(agent), {"content": "   "}, format="json")
    assert response.status_code == 400
    assert "content" in response.json()["fields"]


def test_another_users_lead_is_refused(api, other_user, agent):
    lead = LeadFactory(owner=other_user)
    response = api.post(url(agent), {"content": "hi", "lead_id": str(lead.pk)}, format="json")
    assert response.status_code == 400
    assert "lead_id" in response.json()["fields"]


def test_another_users_attachment_is_refused(api, other_user, agent):
    from chat.models import Attachment

    theirs = Attachment.objects.create(owner=other_user, name="x.txt", content_type="text/plain", size=1, file="x")
    response = api.post(url(agent), {"content": "hi", "attachment_ids": [str(theirs.pk)]}, format="json")
    assert response.status_code == 400
    assert "attachment_ids" in response.json()["fields"]


def test_anonymous_is_401(client, agent):
    assert client.get(url(agent)).status_code == 401


def test_chat_agents_with_last_message(api, user, other_user, agent, monkeypatch):
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    post_user_message(owner=user, agent=agent, content="hello analysis")
    post_user_message(owner=other_user, agent=pipeline_agent("intake"), content="not yours")

    body = api.get("/api/chat/agents").json()
    rows = {row["name"]: row for row in body["results"]}
    assert set(rows["lead_analysis_agent"]) == {"id", "name", "display_name", "status", "last_message"}
    assert rows["lead_analysis_agent"]["last_message"]["content"] == "hello analysis"
    assert rows["lead_intake_agent"]["last_message"] is None


def test_resolve_agent():
    from django.http import Http404

    from chat.selectors import resolve_agent

    agent = pipeline_agent("persona")
    assert resolve_agent(str(agent.pk)) == agent
    assert resolve_agent("persona_creation_agent") == agent
    assert resolve_agent("persona") == agent
    for bad in ("", "nope", "00000000-0000-0000-0000-000000000000", None):
        with pytest.raises(Http404):
            resolve_agent(bad)
