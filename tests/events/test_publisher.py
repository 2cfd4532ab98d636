"""publish(): recorded in the transaction; the relay broadcasts it to the right groups once committed, never on rollback."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from events.groups import ADMIN_GROUP, GLOBAL_GROUP, chat_group, groups_for, user_chat_group, user_group
from events.models import Event
from events.publisher import publish
from events.relay import _transports, register_transport, relay_pending
from events.transports import channels_transport


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr("events.relay._transports", [calls.extend])
    return calls


def test_channels_transport_is_registered():
    assert channels_transport in _transports


def test_register_transport_is_idempotent(monkeypatch):
    registry: list = []
    monkeypatch.setattr("events.relay._transports", registry)

    def transport(event):
        return None

    register_transport(transport)
    register_transport(transport)
    assert registry == [transport]


@pytest.mark.django_db(transaction=True)
def test_relayed_only_after_commit(user, sent):
    with transaction.atomic():
        event = publish("lead.deleted", {"lead_id": "x"}, user_id=user.pk)
        assert sent == []
    assert sent == []  # publishers no longer broadcast: the relay does
    relay_pending()
    event.refresh_from_db()
    assert sent == [event]
    assert event.seq is not None and Event.objects.get(pk=event.pk).type == "lead.deleted"


@pytest.mark.django_db(transaction=True)
def test_nothing_on_rollback(user, sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("lead.deleted", {"lead_id": "x"}, user_id=user.pk)
        raise RuntimeError
    relay_pending()
    assert sent == []
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_transport_does_not_stop_the_others(user, monkeypatch):
    calls = []

    def broken(events):
        raise ValueError("a bug")

    monkeypatch.setattr("events.relay._transports", [broken, calls.extend])
    event = publish("lead.deleted", {"lead_id": "x"}, user_id=user.pk)
    relay_pending()
    assert [e.pk for e in calls] == [event.pk]


def test_groups():
    assert groups_for("agent.status", {}, None) == [GLOBAL_GROUP]
    assert groups_for("lead.created", {}, "u1") == [user_group("u1"), ADMIN_GROUP]
    message = {"message": {"agent_id": "a1"}}
    assert groups_for("chat.message", message, "u1") == [user_group("u1"), user_chat_group("u1"), chat_group("u1", "a1")]
    assert chat_group("u1", "a1") in groups_for("chat.typing", {"agent_id": "a1", "typing": True}, "u1")


@pytest.mark.django_db(transaction=True)
def test_channels_transport_sends_the_frame_to_the_user_group(user):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(user.pk), channel)
    try:
        event = publish("lead.progress", {"lead_id": "x", "progress": 20}, user_id=user.pk)
        relay_pending()
        event.refresh_from_db()
        message = async_to_sync(layer.receive)(channel)
    finally:
        async_to_sync(layer.group_discard)(user_group(user.pk), channel)
    assert message["type"] == "event.message"
    assert message["event"] == {
        "id": event.seq,
        "type": "lead.progress",
        "data": {"lead_id": "x", "progress": 20},
        "timestamp": event.created_at.isoformat(),
    }


@pytest.mark.django_db(transaction=True)
def test_batched_events_are_stored_together_in_publish_order(user, sent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.publisher import batched

    with CaptureQueriesContext(connection) as queries, transaction.atomic(), batched():
        first = publish("lead.updated", {"n": 1}, user_id=user.pk)
        publish("lead.progress", {"n": 2}, user_id=user.pk)
        publish("agent.status", {"n": 3})
        assert not Event.objects.exists()  # stored when the block ends
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "events_event"')]
    assert len(inserts) == 1 and first.pk is not None
    relay_pending()
    assert [(e.data["n"], e.seq is not None) for e in sent] == [(1, True), (2, True), (3, True)]


@pytest.mark.django_db(transaction=True)
def test_batched_events_are_dropped_with_an_exception(user):
    from events.publisher import batched

    with pytest.raises(RuntimeError), transaction.atomic(), batched():
        publish("lead.updated", {"n": 1}, user_id=user.pk)
        raise RuntimeError
    assert not Event.objects.exists()
    publish("lead.deleted", {"lead_id": "x"}, user_id=user.pk)  # and the next publish is not batched
    assert Event.objects.count() == 1
