"""`/ws/events/`: authentication, ownership, ping, invalid client messages."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from nellia.asgi import application
from tests.events.ws import communicator, connect, expect_close, publish, receive, receive_all, token_for

pytestmark = pytest.mark.django_db(transaction=True)


async def test_valid_token_is_accepted_and_gets_own_and_global_events(user, other_user):
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    own = await publish("lead.created", {"lead_id": "a"}, user_id=user.pk)
    await publish("lead.created", {"lead_id": "secret"}, user_id=other_user.pk)
    glob = await publish("agent.status", {"agent_id": "x", "status": "active"})

    frames = await receive_all(ws)

    assert [f["id"] for f in frames] == [own.seq, glob.seq]
    assert frames[0] == {
        "id": own.seq, "type": "lead.created", "data": {"lead_id": "a"}, "timestamp": own.created_at.isoformat()
    }
    await ws.disconnect()


@pytest.mark.parametrize("query", ["", "?token=", "?token=garbage", "?token=a.b.c"])
async def test_missing_or_bad_token_closes_4401(db, query):
    ws = communicator(f"/ws/events/{query}")
    connected, _ = await ws.connect(timeout=5)
    assert connected  # accepted, then closed, so a browser sees the code
    await expect_close(ws, 4401)


async def test_expired_token_closes_4401(user):
    ws = communicator(f"/ws/events/?token={token_for(user, lifetime=timedelta(seconds=-5))}")
    await ws.connect(timeout=5)
    await expect_close(ws, 4401)


async def test_refresh_token_is_refused(user):
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = await database_sync_to_async(RefreshToken.for_user)(user)
    ws = communicator(f"/ws/events/?token={refresh}")
    await ws.connect(timeout=5)
    await expect_close(ws, 4401)


async def test_inactive_user_is_refused(user):
    token = token_for(user)
    user.is_active = False
    await database_sync_to_async(user.save)()
    ws = communicator(f"/ws/events/?token={token}")
    await ws.connect(timeout=5)
    await expect_close(ws, 4401)


async def test_socket_closes_4401_when_the_token_expires(user):
    ws = await connect(f"/ws/events/?token={token_for(user, lifetime=timedelta(seconds=1))}")
    message = await ws.receive_output(timeout=4)
    assert message == {"type": "websocket.close", "code": 4401}
    await ws.disconnect()


def _session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_django_session_is_accepted(user):
    cookie = await database_sync_to_async(_session_cookie)(user)
    ws = await connect("/ws/events/", headers=[(b"cookie", cookie)])
    event = await publish("lead.deleted", {"lead_id": "a"}, user_id=user.pk)
    assert (await receive(ws))["id"] == event.seq
    await ws.disconnect()


async def test_bad_token_does_not_fall_back_to_the_session(user):
    cookie = await database_sync_to_async(_session_cookie)(user)
    ws = communicator("/ws/events/?token=garbage", headers=[(b"cookie", cookie)])
    await ws.connect(timeout=5)
    await expect_close(ws, 4401)


async def test_admin_receives_every_users_events_once_but_not_their_chats(admin_user, user):
    ws = await connect(f"/ws/events/?token={token_for(admin_user)}")
    theirs = await publish("lead.created", {"lead_id": "a"}, user_id=user.pk)
    mine = await publish("lead.created", {"lead_id": "b"}, user_id=admin_user.pk)
    await publish("chat.typing", {"agent_id": "x", "typing": True}, user_id=user.pk)
    my_chat = await publish("chat.typing", {"agent_id": "x", "typing": True}, user_id=admin_user.pk)
    assert [f["id"] for f in await receive_all(ws)] == [theirs.seq, mine.seq, my_chat.seq]
    await ws.disconnect()

    ws = await connect(f"/ws/events/?token={token_for(admin_user)}&last_event_id={theirs.seq - 1}")
    assert [f["id"] for f in await receive_all(ws)] == [theirs.seq, mine.seq, my_chat.seq]
    await ws.disconnect()


async def test_ping_pong(user):
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    await ws.disconnect()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"no": "type"}', "invalid_message"),
        ('{"type": "nonsense"}', "unknown_type"),
        ('{"type": "chat.send", "content": "hi"}', "unknown_type"),
    ],
)
async def test_invalid_client_messages_get_an_error_event(user, payload, code):
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    await ws.send_to(text_data=payload)
    frame = await receive(ws)
    assert frame["type"] == "error"
    assert frame["data"]["code"] == code
    # Still alive afterwards.
    await ws.send_json_to({"type": "ping"})
    assert await receive(ws) == {"type": "pong"}
    await ws.disconnect()


async def test_binary_frame_gets_an_error_event(user):
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    await ws.send_to(bytes_data=b"\x00\x01")
    assert (await receive(ws))["type"] == "error"
    await ws.disconnect()


async def test_disconnect_leaves_the_groups(user):
    from channels.layers import get_channel_layer

    ws = await connect(f"/ws/events/?token={token_for(user)}")
    await ws.disconnect()
    layer = get_channel_layer()
    if hasattr(layer, "groups"):  # in-memory layer: membership is inspectable
        assert not any(layer.groups.get(f"user.{user.pk}", {}))


async def test_token_sockets_need_no_origin(user):
    ws = WebsocketCommunicator(application, f"/ws/events/?token={token_for(user)}")  # a script: no Origin header
    connected, _ = await ws.connect(timeout=5)
    assert connected
    await ws.disconnect()


async def test_session_sockets_from_another_site_are_refused(user):
    cookie = await database_sync_to_async(_session_cookie)(user)
    ws = WebsocketCommunicator(application, "/ws/events/", headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)])
    connected, _ = await ws.connect(timeout=5)
    assert not connected
    await ws.disconnect()
