"""`/ws/chat/{agent_id}/`: one conversation, live; chat.send over the socket; ownership; resume."""

import pytest
from channels.db import database_sync_to_async

from tests.events.ws import communicator, connect, expect_close, publish, receive, receive_all, running_relay, token_for
from tests.factories import pipeline_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def relay(transactional_db):
    """Messages posted over the socket publish from the consumer's thread: the relay broadcasts them."""
    with running_relay():
        yield


@pytest.fixture
def agent(transactional_db):
    from agents.models import Agent
    from agents.seed import seed_pipeline_agents

    seed_pipeline_agents(Agent)  # a transactional test's flush removed the seeded agents
    return pipeline_agent("analysis")


def path(agent, user, extra: str = "") -> str:
    return f"/ws/chat/{agent.pk}/?token={token_for(user)}{extra}"


async def test_chat_send_round_trip(user, agent, eager_celery):
    ws = await connect(path(agent, user))
    await ws.send_json_to({"type": "chat.send", "content": "Summarise my pipeline"})
    frames = await receive_all(ws, count=4)

    assert [f["type"] for f in frames] == ["chat.message", "chat.typing", "chat.message", "chat.typing"]
    sent, typing_on, reply, typing_off = frames
    assert sent["data"]["message"]["sender"] == "user"
    assert sent["data"]["message"]["content"] == "Summarise my pipeline"
    assert typing_on["data"] == {"agent_id": str(agent.pk), "typing": True}
    assert reply["data"]["message"]["sender"] == "agent"
    assert reply["data"]["message"]["status"] == "sent"
    assert reply["data"]["message"]["content"]
    assert typing_off["data"]["typing"] is False
    assert all(set(f) == {"id", "type", "data", "timestamp"} for f in frames)
    assert [f["id"] for f in frames] == sorted(f["id"] for f in frames)
    await ws.disconnect()


async def test_only_this_agents_chat_and_only_the_callers(user, other_user, agent):
    ws = await connect(path(agent, user))
    other_agent = await database_sync_to_async(pipeline_agent)("intake")
    mine = await publish("chat.typing", {"agent_id": str(agent.pk), "typing": True}, user_id=user.pk)
    await publish("chat.typing", {"agent_id": str(other_agent.pk), "typing": True}, user_id=user.pk)
    await publish("chat.typing", {"agent_id": str(agent.pk), "typing": True}, user_id=other_user.pk)
    await publish("lead.created", {"lead_id": "x"}, user_id=user.pk)
    await publish("agent.status", {"agent_id": str(agent.pk)})
    assert [f["id"] for f in await receive_all(ws)] == [mine.seq]
    await ws.disconnect()


async def test_resume_replays_this_chat_only(user, agent):
    first = await publish("chat.typing", {"agent_id": str(agent.pk), "typing": True}, user_id=user.pk)
    await publish("lead.created", {"lead_id": "x"}, user_id=user.pk)
    second = await publish("chat.typing", {"agent_id": str(agent.pk), "typing": False}, user_id=user.pk)
    ws = await connect(path(agent, user, "&last_event_id=0"))
    assert [f["id"] for f in await receive_all(ws)] == [first.seq, second.seq]
    await ws.disconnect()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"type": "chat.send"}, "invalid"),
        ({"type": "chat.send", "content": "   "}, "invalid"),
        ({"type": "chat.send", "content": 42}, "invalid"),
        ({"type": "chat.send", "content": "hi", "lead_id": "not-a-lead"}, "invalid"),
        ({"type": "chat.send", "content": "hi", "attachment_ids": "nope"}, "invalid"),
        ({"type": "chat.delete"}, "unknown_type"),
    ],
)
async def test_invalid_messages_get_an_error(user, agent, payload, code):
    ws = await connect(path(agent, user))
    await ws.send_json_to(payload)
    frame = await receive(ws)
    assert frame["type"] == "error"
    assert frame["data"]["code"] == code
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    await ws.disconnect()


async def test_agent_by_name(user, agent):
    ws = await connect(f"/ws/chat/{agent.name}/?token={token_for(user)}")
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    await ws.disconnect()


async def test_unknown_agent_closes_4404(user):
    ws = communicator(f"/ws/chat/00000000-0000-0000-0000-000000000000/?token={token_for(user)}")
    await ws.connect(timeout=5)
    await expect_close(ws, 4404)


@pytest.mark.parametrize("query", ["", "?token=bad"])
async def test_bad_token_closes_4401(agent, query):
    ws = communicator(f"/ws/chat/{agent.pk}/{query}")
    await ws.connect(timeout=5)
    await expect_close(ws, 4401)
