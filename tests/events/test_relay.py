"""The event relay: commit order, nothing lost when a publisher or the relay dies, gaps read from the log."""

import threading
import time
from unittest import mock

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import close_old_connections, connection, transaction

from events.groups import user_group
from events.models import Event, RelayCursor
from events.publisher import publish
from events.relay import (
    _PostgresListener,
    broadcast_sequenced,
    pass_delay,
    relay_pending,
    run_relay,
    sequence_committed,
)
from events.transports import MESSAGE_TYPE
from tests.e2e.harness import wait_for
from tests.events.ws import connect, receive_all, token_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr("events.relay._transports", [calls.extend])
    return calls


def test_an_event_committed_later_is_sequenced_later_even_with_a_lower_id(user, sent):
    """The reason for `seq`: ids are taken at insert, commits land in another order."""
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent writers (PostgreSQL)")
    inserted, release = threading.Event(), threading.Event()

    def slow_publisher():
        try:
            with transaction.atomic():
                publish("lead.progress", {"n": "slow"}, user_id=user.pk)
                inserted.set()
                release.wait(10)
        finally:
            close_old_connections()

    thread = threading.Thread(target=slow_publisher)
    thread.start()
    inserted.wait(10)
    fast = publish("lead.progress", {"n": "fast"}, user_id=user.pk)  # higher id, committed first
    relay_pending()
    release.set()
    thread.join(10)
    relay_pending()
    slow = Event.objects.get(data__n="slow")
    fast.refresh_from_db()
    assert slow.id < fast.id and slow.seq > fast.seq
    assert [e.data["n"] for e in sent] == ["fast", "slow"]  # delivered in seq order
    assert [e.seq for e in sent] == sorted(e.seq for e in sent)


def test_a_relay_that_died_before_broadcasting_sends_on_restart(user, sent):
    event = publish("lead.progress", {"n": 1}, user_id=user.pk)  # its publisher may be gone: it is in the log
    sequence_committed()  # the relay sequenced it, then died
    assert sent == []
    assert broadcast_sequenced() == 1  # the next relay starts from the cursor
    assert [e.pk for e in sent] == [event.pk]
    cursor = RelayCursor.objects.get()
    assert cursor.broadcast_seq == cursor.assigned_seq == Event.objects.get(pk=event.pk).seq
    assert relay_pending() == 0


def test_redis_down_is_retried_until_the_frame_goes_out(user, monkeypatch):
    calls = []

    def flaky(events):
        calls.append([event.seq for event in events])
        if len(calls) < 3:
            raise ConnectionError("Redis is restarting")

    monkeypatch.setattr("events.relay._transports", [flaky])
    monkeypatch.setattr("events.relay.time.sleep", lambda _: None)
    publish("lead.progress", {"n": 1}, user_id=user.pk)
    assert relay_pending() == 1
    assert len(calls) == 3 and calls[0] == calls[1] == calls[2] and len(calls[0]) == 1


async def test_a_frame_lost_on_the_way_is_read_from_the_log(user):
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    first, lost, last = [await database_sync_to_async(_publish_and_sequence)(user, n) for n in (1, 2, 3)]
    await database_sync_to_async(_send_raw)(first, prev=None)
    # `lost` was dropped on the way (a full channel, Redis restarted): the next message says what preceded it.
    await database_sync_to_async(_send_raw)(last, prev=lost.seq)
    frames = await receive_all(ws)
    assert [f["id"] for f in frames] == [first.seq, lost.seq, last.seq]
    await ws.disconnect()


async def test_a_frame_sent_twice_reaches_the_client_once(user):
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    event = await database_sync_to_async(_publish_and_sequence)(user, 1)
    await database_sync_to_async(_send_raw)(event, prev=None)
    await database_sync_to_async(_send_raw)(event, prev=event.seq)  # a restarted relay sends it again
    assert [f["id"] for f in await receive_all(ws)] == [event.seq]
    await ws.disconnect()


def _publish_and_sequence(user, n: int) -> Event:
    event = publish("lead.progress", {"n": n}, user_id=user.pk)
    sequence_committed()
    event.refresh_from_db()
    return event


def _send_raw(event: Event, prev: int | None) -> None:
    """What the Channels transport sends to the user's group (events.transports)."""
    from events.frames import event_frame

    group = user_group(event.user_id)
    message = {"type": MESSAGE_TYPE, "event": event_frame(event), "user_id": str(event.user_id), "group": group,
               "prev": prev}
    async_to_sync(get_channel_layer().group_send)(group, message)


def test_each_transport_gets_the_whole_batch_in_one_call(user, monkeypatch):
    calls = []
    monkeypatch.setattr("events.relay._transports", [lambda events: calls.append([e.seq for e in events])])
    for n in range(25):
        publish("lead.progress", {"n": n}, user_id=user.pk)
    assert relay_pending() == 25
    [seqs] = calls
    assert seqs == sorted(seqs) and len(seqs) == 25


def test_a_pass_costs_three_statements_whatever_its_size(user, sent, django_assert_num_queries):
    """BEGIN, lock the cursor, number and return the events (moving the cursor), COMMIT, move the broadcast cursor:
    the relay's cost is per pass, not per event (bulk_update compiled a CASE WHEN per event)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite moves the cursor with a statement of its own")
    relay_pending()  # the cursor row is created
    for size in (1, 7):
        for n in range(size):
            publish("lead.progress", {"n": n}, user_id=user.pk)
        with django_assert_num_queries(5):
            assert relay_pending() == size
    assert [e.seq for e in sent] == list(range(sent[0].seq, sent[0].seq + 8))


def test_events_are_numbered_after_the_cursor_in_id_order_across_passes(user, sent):
    events = [publish("lead.progress", {"n": n}, user_id=user.pk) for n in range(5)]
    assert sequence_committed(limit=2) == 2
    assert sequence_committed(limit=2) == 2
    assert relay_pending() == 5
    seqs = dict(Event.objects.filter(pk__in=[e.pk for e in events]).values_list("pk", "seq"))
    first = seqs[events[0].pk]
    assert [seqs[e.pk] for e in events] == list(range(first, first + 5))
    assert RelayCursor.objects.get().assigned_seq == RelayCursor.objects.get().broadcast_seq == first + 4
    assert [e.pk for e in sent] == [e.pk for e in events]
    assert sent[0].data == {"n": 0} and sent[0].user_id == user.pk and sent[0].created_at is not None


def test_the_commits_of_a_burst_wake_one_pass(user):
    """Woken by a commit, the relay gathers the next ones until its pass may start (`pass_delay`), and even with no
    time left it takes the commits already notified into the same pass."""
    if connection.vendor != "postgresql":
        pytest.skip("NOTIFY (PostgreSQL)")
    listener = _PostgresListener()
    try:
        listener.ready()
        publish("lead.progress", {"n": 1}, user_id=user.pk)
        publish("lead.progress", {"n": 2}, user_id=user.pk)  # a commit (NOTIFY) of its own
        assert listener.wait(5, gather=lambda: 0.2)
        assert not listener.wait(0.2, gather=lambda: 0)  # the second commit's NOTIFY was gathered into the first
        publish("lead.progress", {"n": 3}, user_id=user.pk)
        publish("lead.progress", {"n": 4}, user_id=user.pk)
        time.sleep(0.2)  # both NOTIFYs have arrived
        assert listener.wait(5, gather=lambda: 0)  # a commit after the pass wakes the next one...
        assert not listener.wait(0.2, gather=lambda: 0)  # ...with the commits already notified
    finally:
        listener.close()


def test_a_commit_after_a_quiet_spell_is_relayed_at_once_and_a_burst_shares_passes(user, sent, settings):
    """Passes start at most every EVENT_RELAY_COALESCE_SECONDS: no wait for the first commit after a quiet spell;
    the commits that follow sooner wait for the next pass, together."""
    settings.EVENT_RELAY_COALESCE_SECONDS = 1.5
    settings.EVENT_RELAY_POLL_SECONDS = 0.2
    if connection.vendor != "postgresql":
        settings.EVENT_RELAY_POLL_SECONDS = 5.0  # SQLite: woken by the publisher (`wake`), not by polling
    relayed: dict[int, float] = {}  # n → when its pass handed it to the transport

    def transport(events):
        now = time.monotonic()
        relayed.update((event.data["n"], now) for event in events)

    stop = threading.Event()
    with mock.patch("events.relay._transports", [transport]), \
            mock.patch("events.relay._local_wake", threading.Event()) as local_wake, \
            mock.patch("events.publisher.wake", local_wake.set):
        relay = threading.Thread(target=run_relay, args=(stop,))
        relay.start()
        try:
            time.sleep(2)  # the relay's first pass (nothing to send) is long past: a quiet spell
            published = time.monotonic()
            publish("lead.progress", {"n": 1}, user_id=user.pk)
            wait_for(lambda: 1 in relayed, timeout=10, interval=0.02, what="the first event")
            assert relayed[1] - published < 1.0  # at once, not after the spacing
            publish("lead.progress", {"n": 2}, user_id=user.pk)
            publish("lead.progress", {"n": 3}, user_id=user.pk)
            wait_for(lambda: 3 in relayed, timeout=10, interval=0.02, what="the burst")
            assert relayed[2] == relayed[3]  # one pass for the burst...
            assert relayed[2] - relayed[1] >= 1.3  # ...a spacing after the previous pass
        finally:
            stop.set()
            local_wake.set()
            relay.join(10)


def test_a_pass_waits_only_for_what_is_left_of_the_spacing():
    now = time.monotonic()
    assert pass_delay(now - 10, spacing=0.05) == 0
    assert 0.9 < pass_delay(now, spacing=1.0) <= 1.0
