"""Resume with `?last_event_id=N`: the missed events from the log, then live ones, no gap, no duplicate."""

import pytest
from channels.db import database_sync_to_async

from events.models import Event
from events.relay import sequence_committed
from tests.events.ws import connect, publish, receive_all, token_for

pytestmark = pytest.mark.django_db(transaction=True)


async def test_replays_only_the_callers_and_global_events_after_n(user, other_user):
    first = await publish("lead.created", {"n": 1}, user_id=user.pk)
    await publish("lead.created", {"n": "secret"}, user_id=other_user.pk)
    second = await publish("agent.status", {"n": 2})
    third = await publish("lead.progress", {"n": 3}, user_id=user.pk)

    ws = await connect(f"/ws/events/?token={token_for(user)}&last_event_id={first.seq}")
    replayed = await receive_all(ws)
    assert [f["id"] for f in replayed] == [second.seq, third.seq]

    live = await publish("lead.completed", {"n": 4}, user_id=user.pk)
    assert [f["id"] for f in await receive_all(ws)] == [live.seq]
    await ws.disconnect()


async def test_last_event_id_zero_replays_everything_in_the_window(user):
    events = [await publish("lead.progress", {"n": n}, user_id=user.pk) for n in range(3)]
    ws = await connect(f"/ws/events/?token={token_for(user)}&last_event_id=0")
    assert [f["id"] for f in await receive_all(ws)] == [e.seq for e in events]
    await ws.disconnect()


async def test_without_last_event_id_only_live_events(user):
    await publish("lead.progress", {"n": 0}, user_id=user.pk)
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    assert await receive_all(ws) == []
    await ws.disconnect()


async def test_an_event_both_replayed_and_broadcast_is_sent_once(user):
    """The race the group-first join covers: an event committed during the replay reaches us twice."""
    before = await publish("lead.progress", {"n": 0}, user_id=user.pk)
    # Committed and sequenced, but the relay has not broadcast it yet when the client connects.
    racing = await database_sync_to_async(Event.objects.create)(type="lead.progress", data={"n": 1}, user=user)
    await database_sync_to_async(sequence_committed)()
    await database_sync_to_async(racing.refresh_from_db)()

    ws = await connect(f"/ws/events/?token={token_for(user)}&last_event_id={before.seq}")
    after = await publish("lead.progress", {"n": 2}, user_id=user.pk)  # the relay sends the late copy, then it

    assert [f["id"] for f in await receive_all(ws)] == [racing.seq, after.seq]
    await ws.disconnect()


async def test_drop_and_resume_misses_nothing(user):
    ws = await connect(f"/ws/events/?token={token_for(user)}&last_event_id=0")
    seen = [f["id"] for f in await receive_all(ws)]
    first = await publish("lead.progress", {"n": 1}, user_id=user.pk)
    seen += [f["id"] for f in await receive_all(ws)]
    await ws.disconnect()

    missed = [await publish("lead.progress", {"n": n}, user_id=user.pk) for n in (2, 3)]  # while offline

    ws = await connect(f"/ws/events/?token={token_for(user)}&last_event_id={seen[-1]}")
    seen += [f["id"] for f in await receive_all(ws)]
    live = await publish("lead.completed", {"n": 4}, user_id=user.pk)
    seen += [f["id"] for f in await receive_all(ws)]
    await ws.disconnect()

    assert seen == [first.seq, *(e.seq for e in missed), live.seq]


async def test_long_replay_comes_in_order(user, monkeypatch):
    monkeypatch.setattr("events.selectors.REPLAY_BATCH", 2)
    events = [await publish("lead.progress", {"n": n}, user_id=user.pk) for n in range(5)]
    ws = await connect(f"/ws/events/?token={token_for(user)}&last_event_id=0")
    assert [f["id"] for f in await receive_all(ws)] == [e.seq for e in events]
    await ws.disconnect()


@pytest.mark.parametrize("value", ["abc", "-5", ""])
async def test_bad_last_event_id_is_tolerated(user, value):
    ws = await connect(f"/ws/events/?token={token_for(user)}&last_event_id={value}")
    await ws.send_json_to({"type": "ping"})
    frames = await receive_all(ws)
    assert frames[-1] == {"type": "pong"}
    await ws.disconnect()
