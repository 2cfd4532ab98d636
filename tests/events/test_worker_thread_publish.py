"""The embedded default: the relay runs on a thread of its own; the in-memory layer must still wake the socket."""

import asyncio
import threading

import pytest
from django.db import close_old_connections

from events.publisher import publish
from events.relay import relay_pending
from tests.events.ws import connect, receive, token_for

pytestmark = pytest.mark.django_db(transaction=True)


def publish_from_a_plain_thread(user_id) -> int:
    result = {}

    def work():
        try:
            event = publish("lead.progress", {"lead_id": "x"}, user_id=user_id)
            relay_pending()
            event.refresh_from_db()
            result["id"] = event.seq
        finally:
            close_old_connections()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(10)
    return result["id"]


async def test_event_from_a_worker_thread_reaches_the_socket(user):
    ws = await connect(f"/ws/events/?token={token_for(user)}")
    event_id = await asyncio.get_running_loop().run_in_executor(None, publish_from_a_plain_thread, user.pk)
    assert (await receive(ws, timeout=3))["id"] == event_id
    await ws.disconnect()
