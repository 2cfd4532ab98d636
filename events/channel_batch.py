"""Sending many channel-layer group messages at once, in order, from sync code (the event relay).

channels-redis' `group_send` costs four round trips to Redis per group and message (expire the group, read its
members, expire the channels, push). `group_send_many` does the same work for a whole batch in two pipelined round
trips per Redis host: one reads the members of every group of the batch, one pushes every message with the same
Lua script as `group_send`, in order, each with a later score than the one before (a consumer's channel lives on
one host, so it receives its messages in the order given). It relies on channels-redis 4.3's key layout (`_group_key`, `_map_channel_keys_to_connection`);
tests/events/test_channel_batch.py checks it against real consumers. Other layers get one `group_send` each.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Coroutine
from typing import Any, TypeVar

from channels_redis.core import RedisChannelLayer

logger = logging.getLogger(__name__)

GroupMessage = tuple[str, dict[str, Any]]
T = TypeVar("T")

# channels_redis.core.RedisChannelLayer.group_send's script: push to each channel below its capacity.
GROUP_SEND_LUA = """
    local over_capacity = 0
    local current_time = ARGV[#ARGV - 1]
    local expiry = ARGV[#ARGV]
    for i=1,#KEYS do
        if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
            redis.call('ZADD', KEYS[i], current_time, ARGV[i])
            redis.call('EXPIRE', KEYS[i], expiry)
        else
            over_capacity = over_capacity + 1
        end
    end
    return over_capacity
"""


async def group_send_many(layer: Any, messages: list[GroupMessage]) -> None:
    """Send each `(group, message)` of `messages`, in order."""
    if not isinstance(layer, RedisChannelLayer):
        for group, message in messages:
            await layer.group_send(group, message)
        return
    members = await _group_members(layer, list(dict.fromkeys(group for group, _ in messages)))
    now = time.time()
    pushes: dict[int, list[tuple[list[bytes], list[Any]]]] = defaultdict(list)  # host index → (keys, args)
    for group, message in messages:
        by_host, key_message, key_capacity = layer._map_channel_keys_to_connection(members[group], message)
        for index, keys in by_host.items():
            pushes[index].append((keys, [key_message[k] for k in keys] + [key_capacity[k] for k in keys]))
    for index, calls in pushes.items():
        pipe = layer.connection(index).pipeline(transaction=False)
        for key in {key for keys, _ in calls for key in keys}:  # drop expired messages, as group_send does
            pipe.zremrangebyscore(key, min=0, max=int(now) - int(layer.expiry))
        for position, (keys, args) in enumerate(calls):
            # A channel pops its lowest score first: one timestamp per message keeps the batch's order (equal
            # scores would pop in the order of the serialised bytes).
            pipe.eval(GROUP_SEND_LUA, len(keys), *keys, *args, now + position * 1e-6, layer.expiry)
        over = [result for result in (await pipe.execute())[-len(calls):] if result]
        if over:
            logger.info("%s messages did not reach %s full channels", len(over), sum(over))


async def _group_members(layer: RedisChannelLayer, groups: list[str]) -> dict[str, list[str]]:
    """The channels of each group (expired ones dropped first), one pipelined round trip per Redis host."""
    by_host: dict[int, list[str]] = defaultdict(list)
    for group in groups:
        assert layer.require_valid_group_name(group), "Group name not valid"
        by_host[layer.consistent_hash(group)].append(group)
    members: dict[str, list[str]] = {}
    for index, host_groups in by_host.items():
        pipe = layer.connection(index).pipeline(transaction=False)
        for group in host_groups:
            key = layer._group_key(group)
            pipe.zremrangebyscore(key, min=0, max=int(time.time()) - layer.group_expiry)
            pipe.zrange(key, 0, -1)
        results = await pipe.execute()
        for n, group in enumerate(host_groups):
            members[group] = [name.decode("utf8") for name in results[2 * n + 1]]
    return members


_thread = threading.local()


def run_on_thread_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on an event loop this thread keeps (so the channel layer's Redis connections, kept per loop,
    are reused); `async_to_sync` would make a new loop, thread and connection per call."""
    loop = getattr(_thread, "loop", None)
    if loop is None or loop.is_closed():
        loop = _thread.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine)
