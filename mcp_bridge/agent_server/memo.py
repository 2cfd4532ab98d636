"""Derived data kept per content of its inputs, so the agents do not redo it on every call.

Every stage of every lead reads the same seller's context, often several times per call, and the four stages
after intake each build the same lead's profile. What is derived from them (the seller's typed pieces, the
lead's profile) is kept per process, keyed on the inputs' content — an edited context or lead is read afresh —
and shared between calls: never change what a kept function returns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel

P = ParamSpec("P")
T = TypeVar("T")


def content_key(value: Any) -> Hashable:
    """A hashable value equal for inputs of equal content (models, lists and dicts compared by what they hold)."""
    if isinstance(value, str | int | float | None):  # the most common, first
        return value
    if isinstance(value, BaseModel):
        return type(value), tuple(content_key(v) for v in value.__dict__.values())
    if isinstance(value, list | tuple):
        return tuple(content_key(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, content_key(v)) for k, v in value.items())
    return value


def by_content(kept: int) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Keep up to `kept` results of a pure function, keyed on its arguments' content (cleared when full)."""

    def decorate(fn: Callable[P, T]) -> Callable[P, T]:
        results: dict[Hashable, T] = {}
        lock = threading.Lock()

        @wraps(fn)
        def cached(*args: P.args, **kwargs: P.kwargs) -> T:
            key = content_key((args, kwargs))
            try:
                return results[key]
            except KeyError:
                value = fn(*args, **kwargs)
            with lock:
                if len(results) >= kept:
                    results.clear()
                results[key] = value
            return value

        return cached

    return decorate
