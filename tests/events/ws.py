"""Helpers for consumer tests: a WebsocketCommunicator on the project's ASGI application."""

import contextlib
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken

from nellia.asgi import application

ORIGIN = (b"origin", b"http://testserver")


def token_for(user: Any, *, lifetime: timedelta | None = None) -> str:
    token = AccessToken.for_user(user)
    if lifetime is not None:
        token.set_exp(lifetime=lifetime)
    return str(token)


def communicator(path: str, *, headers: list[tuple[bytes, bytes]] | None = None) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=[ORIGIN, *(headers or [])])


async def connect(path: str, **kwargs: Any) -> WebsocketCommunicator:
    ws = communicator(path, **kwargs)
    connected, _ = await ws.connect(timeout=5)
    assert connected
    return ws


async def receive(ws: WebsocketCommunicator, timeout: float = 2) -> dict:
    return json.loads(await ws.receive_from(timeout=timeout))


async def receive_all(ws: WebsocketCommunicator, *, settle: float = 0.3, count: int = 0, timeout: float = 20) -> list[dict]:
    """Every frame that arrives until none has come for `settle` seconds (waiting up to `timeout` for `count`)."""
    frames = [await receive(ws, timeout=timeout) for _ in range(count)]
    while not await ws.receive_nothing(timeout=settle):
        frames.append(await receive(ws))
    return frames


async def expect_close(ws: WebsocketCommunicator, code: int) -> None:
    message = await ws.receive_output(timeout=2)
    assert message == {"type": "websocket.close", "code": code}
    await ws.disconnect()  # let the application instance finish (its channel-layer receive included)


def _publish(event_type: str, data: dict, user_id: Any):
    from events.publisher import publish
    from events.relay import relay_pending

    event = publish(event_type, data, user_id=user_id)
    relay_pending()
    event.refresh_from_db()
    return event


async def publish(event_type: str, data: dict, *, user_id: Any = None):
    """Publish in autocommit mode (transactional test) and run the relay: recorded, sequenced and broadcast."""
    return await database_sync_to_async(_publish)(event_type, data, user_id)


@contextlib.contextmanager
def running_relay() -> Iterator[None]:
    """The event relay on a thread, as in the embedded default (for tests whose code publishes on its own)."""
    from events.relay import NOTIFY_CHANNEL, run_relay, wake

    stop = threading.Event()
    thread = threading.Thread(target=run_relay, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        # Woken, it sees `stop` at once instead of after its poll interval (a second).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")
        else:
            wake()
        thread.join(10)
