"""The ASGI server's event loop, remembered by the socket handlers (Channels consumers, Socket.IO `connect`).

In the embedded default the in-memory channel layer and the Socket.IO server keep asyncio state bound to that
loop; a publisher on another thread (the embedded Celery worker) must hand its coroutine to that loop rather than
run it on a loop of its own, or the waiting sockets may never be woken.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

_loop: asyncio.AbstractEventLoop | None = None


def remember() -> None:
    """Called on the server's loop by every socket handler that connects."""
    global _loop
    _loop = asyncio.get_running_loop()


def current() -> asyncio.AbstractEventLoop | None:
    """The server's loop while it runs; None before any socket connected or after it stopped."""
    loop = _loop
    return loop if loop is not None and loop.is_running() else None


def on_server_loop() -> bool:
    try:
        return asyncio.get_running_loop() is _loop
    except RuntimeError:
        return False


def submit(coroutine: Coroutine[Any, Any, Any], *, wait: float | None = None) -> None:
    """Run `coroutine` on the server's loop: scheduled when called on it, otherwise handed over (and, with
    `wait`, waited for up to that many seconds). Call only while `current()` is not None."""
    loop = current()
    if loop is None:
        coroutine.close()
        raise RuntimeError("The server's event loop is not running.")
    if on_server_loop():
        loop.create_task(coroutine)
        return
    future = asyncio.run_coroutine_threadsafe(coroutine, loop)
    if wait is not None:
        future.result(timeout=wait)
