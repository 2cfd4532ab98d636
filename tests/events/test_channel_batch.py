"""A relay batch reaches the channel layer in two Redis round trips (events.channel_batch), in order, with the
same effect as one `group_send` per group and message."""

from unittest import mock

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from redis.asyncio.client import Pipeline

from events.channel_batch import group_send_many, run_on_thread_loop
from events.models import Event
from events.transports import MESSAGE_TYPE, channels_transport

pytestmark = pytest.mark.django_db


@pytest.fixture
def layer():
    layer = get_channel_layer()
    if not isinstance(layer, RedisChannelLayer):
        pytest.skip("needs Redis (the real mode's channel layer)")
    return layer


@pytest.fixture
def consumers(settings):
    """A layer of its own for the receiving side (a layer's receive state belongs to one event loop: the project's
    layer is left to the other tests' consumers)."""
    return RedisChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])


@pytest.fixture
def round_trips():
    """Every pipelined round trip the channel layer makes (the real one runs; only counted)."""
    with mock.patch.object(Pipeline, "execute", autospec=True, side_effect=Pipeline.execute) as execute:
        yield execute


def _join(layer, *groups: str) -> str:
    channel = run_on_thread_loop(layer.new_channel())
    for group in groups:
        run_on_thread_loop(layer.group_add(group, channel))
    return channel


def _received(layer, channel: str, count: int) -> list[dict]:
    return [run_on_thread_loop(layer.receive(channel)) for _ in range(count)]


def test_a_batch_of_many_groups_and_messages_costs_two_round_trips_and_keeps_its_order(layer, consumers, round_trips):
    alice, bob = _join(consumers, "user.a", "test.global"), _join(consumers, "user.b", "test.global")
    messages = [(group, {"type": MESSAGE_TYPE, "n": n}) for n in range(30) for group in ("user.a", "user.b")]
    messages += [("test.global", {"type": MESSAGE_TYPE, "n": 30}), ("user.nobody", {"type": MESSAGE_TYPE, "n": 31})]
    run_on_thread_loop(group_send_many(layer, messages))
    assert round_trips.call_count == 2  # the members of every group, then every push
    assert [m["n"] for m in _received(consumers, alice, 31)] == [*range(30), 30]
    assert [m["n"] for m in _received(consumers, bob, 31)] == [*range(30), 30]


def test_the_transport_sends_a_relay_batch_at_once_chaining_prev_per_group(user, layer, consumers, round_trips):
    channel = _join(consumers, f"user.{user.pk}")
    events = [Event.objects.create(type="lead.progress", data={"n": n}, user=user, seq=1000 + n) for n in range(20)]
    channels_transport(events)
    assert round_trips.call_count == 2
    received = _received(consumers, channel, 20)
    assert [m["event"]["id"] for m in received] == [e.seq for e in events]
    assert [m["prev"] for m in received[1:]] == [e.seq for e in events[:-1]]
