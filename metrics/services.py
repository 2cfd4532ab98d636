"""Writes for metrics: invalidating cached numbers and telling clients they changed.

Cached metric values are keyed by a *version*: per user (`metrics:v:user:<id>`) and one for admins, who see
everyone's leads (`metrics:v:all`). Bumping a version makes every cached value under it unreachable, so
invalidation is O(1) and works with any cache backend (Redis in real mode, local memory in the embedded one).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction

from leads.hooks import Announce
from metrics.events import publish_metrics_updated

METRICS_EVENT_THROTTLE_SECONDS = 5
_ALL = "all"


def _version_key(scope: Any) -> str:
    return f"metrics:v:{scope}"


def cache_version(scope: Any) -> int:
    """The current cache version of `scope` (a user id, or "all" for the admin view)."""
    key = _version_key(scope)
    version = cache.get(key)
    if version is None:
        # Start from the clock so a cache flush never makes an old version current again.
        version = int(time.time() * 1000)
        cache.add(key, version, timeout=None)
        version = cache.get(key, version)
    return int(version)


def _bump(scope: Any) -> None:
    key = _version_key(scope)
    try:
        cache.incr(key)
    except ValueError:  # missing key: start it (a racing bump at worst makes one extra miss)
        cache.set(key, int(time.time() * 1000), timeout=None)


def invalidate_metrics(*, user_id: Any = None) -> None:
    """Make cached metrics of `user_id` (None: every user) and of admins stale, now and again after commit.

    Repeating the bump after commit stops a reader between the first bump and the commit from caching
    numbers that miss the change for longer than one request.
    """

    def bump() -> None:
        _bump(_ALL)
        _bump(str(user_id) if user_id is not None else "global")  # every per-user key includes "global"

    bump()
    transaction.on_commit(bump)


def notify_metrics_changed(*, user_id: Any = None) -> None:
    """Invalidate cached metrics of `user_id` (None: every user) and of admins; publish `metrics.updated`.

    The event is published at most once per 5 s per user (global when `user_id` is None), throttled with
    `cache.add`, so a pipeline finishing hundreds of stages a minute does not flood clients. Safe inside or
    outside a transaction: the event is recorded with the change and broadcast after commit.
    """
    invalidate_metrics(user_id=user_id)
    scope = str(user_id) if user_id is not None else _ALL
    if cache.add(f"metrics:throttle:{scope}", 1, timeout=METRICS_EVENT_THROTTLE_SECONDS):
        publish_metrics_updated(user_id)


def on_leads_changed(user_id: uuid.UUID | None, announce: Announce) -> None:
    """The `leads.hooks.leads_changed` receiver: cached metrics are stale; clients hear of it as `announce` says."""
    if announce == "throttled":
        notify_metrics_changed(user_id=user_id)
        return
    invalidate_metrics(user_id=user_id)
    if announce == "always":
        publish_metrics_updated(user_id)
