"""The round trip: a user message, then the agent's reply through the MCP bridge (in process), pushed live."""

import pytest

from chat.models import ChatMessage
from chat.services import build_chat_arguments, post_user_message
from events.models import Event
from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from tests.broker import on_send
from tests.factories import BusinessContextFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_lead(user):
    return LeadFactory(
        owner=user, company_name="Transportes Rápidos Ltda", status="completed", processing_stage="completed",
        qualification_tier="high_potential", overall_score=0.86, relevance_score=0.9, roi_potential_score=0.8,
        brazilian_market_fit=0.88, company_sector="Logística",
    )  # fmt: skip


def test_round_trip_through_the_api(api, user, agent, scored_lead, eager_celery, django_capture_on_commit_callbacks):
    BusinessContextFactory(owner=user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/chat/{agent.pk}/messages",
            {"content": "Why is this lead high potential?", "lead_id": str(scored_lead.pk)},
            format="json",
        )
    assert response.status_code == 201

    history = api.get(f"/api/chat/{agent.pk}/messages").json()["results"]
    assert [m["sender"] for m in history] == ["agent", "user"]
    reply = history[0]
    assert reply["status"] == "sent"
    assert reply["lead_id"] == str(scored_lead.pk)
    assert "Transportes" in reply["content"] or "0.86" in reply["content"] or "86" in reply["content"]

    events = list(Event.objects.filter(user=user).order_by("id").values_list("type", "data"))
    assert [t for t, _ in events] == ["chat.message", "chat.typing", "chat.message", "chat.typing"]
    assert events[1][1] == {"agent_id": str(agent.pk), "typing": True}
    assert events[3][1] == {"agent_id": str(agent.pk), "typing": False}
    assert events[2][1]["message"]["id"] == reply["id"]


def test_pipeline_summary_reply_is_grounded(user, agent, scored_lead, eager_celery, django_capture_on_commit_callbacks):
    LeadFactory(owner=user)
    with django_capture_on_commit_callbacks(execute=True):
        message = post_user_message(owner=user, agent=agent, content="Summarise my pipeline")
    reply = ChatMessage.objects.get(reply_to=message)
    assert reply.status == "sent"
    assert "2" in reply.content and "Transportes" in reply.content


def test_context_given_to_the_agent(user, agent, scored_lead, monkeypatch):
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    BusinessContextFactory(owner=user)
    earlier = post_user_message(owner=user, agent=agent, content="first question")
    ChatMessage.objects.create(owner=user, agent=agent, sender="agent", content="first answer", reply_to=earlier)
    message = post_user_message(owner=user, agent=agent, content="and now?", lead_id=scored_lead.pk)

    arguments = build_chat_arguments(message)
    assert arguments["agent_name"] == agent.name
    assert arguments["message"] == "and now?"
    assert arguments["history"] == [
        {"sender": "user", "content": "first question"},
        {"sender": "agent", "content": "first answer"},
    ]
    assert arguments["business_context"]["target_market"]
    assert arguments["lead"]["company_name"] == "Transportes Rápidos Ltda"
    assert arguments["lead"]["scores"]["overall_score"] == 0.86
    assert arguments["pipeline"]["total"] == 1
    assert arguments["pipeline"]["top_leads"][0]["id"] == str(scored_lead.pk)


def test_a_lead_named_in_the_message_is_used(user, agent, scored_lead, monkeypatch):
    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    message = post_user_message(owner=user, agent=agent, content="Write a follow-up for transportes rápidos ltda")
    assert build_chat_arguments(message)["lead"]["id"] == str(scored_lead.pk)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (AgentServerUnavailable("connection refused", attempts=3), "unavailable"),
        (AgentToolError("schema violation", tool="chat"), "schema violation"),
        (RuntimeError("boom"), "went wrong"),
    ],
)
def test_failure_leaves_a_failed_reply(user, agent, eager_celery, django_capture_on_commit_callbacks, monkeypatch, error, reason):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("mcp_bridge.client.call_tool", fail)
    with django_capture_on_commit_callbacks(execute=True):
        message = post_user_message(owner=user, agent=agent, content="hello")
    reply = ChatMessage.objects.get(reply_to=message)
    assert reply.status == "failed"
    assert reason in reply.content
    assert reply.error
    typing = [e.data["typing"] for e in Event.objects.filter(type="chat.typing").order_by("id")]
    assert typing == [True, False]


def test_reply_is_idempotent(user, agent, monkeypatch):
    from chat.services import generate_reply

    on_send(monkeypatch, "chat.tasks.generate_chat_reply", lambda _id: None)
    monkeypatch.setattr("mcp_bridge.client.call_tool", lambda *a, **k: {"reply": "ok", "usage": {}, "mode": "offline"})
    message = post_user_message(owner=user, agent=agent, content="hello")
    first = generate_reply(message=message)
    assert generate_reply(message=message) == first
    assert ChatMessage.objects.filter(reply_to=message).count() == 1
