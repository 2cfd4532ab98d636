"""The real mode's Redis cache backend (nellia/cache.py) keeps one client per connection pool."""

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis cache of the real mode")


def test_one_client_serves_every_operation():
    client = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: reads and writes share the pool


def test_the_operations_work_through_it():
    key = f"nellia-cache-test-{id(cache)}"
    cache.set(key, {"a": 1}, 30)
    assert cache.get(key) == {"a": 1}
    assert cache.add(f"{key}-n", 1, 30)
    assert cache.incr(f"{key}-n") == 2
    cache.delete_many([key, f"{key}-n"])
    assert cache.get(key) is None
