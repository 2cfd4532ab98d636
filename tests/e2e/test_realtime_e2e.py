"""Real time across real processes: events published by a Celery worker reach a WebSocket client on Daphne
through channels-redis while a lead is processed; a client drops and resumes with `last_event_id` without a gap
or a duplicate; a chat message sent over the socket gets the agent's reply from the worker.
"""

import json
import time

import pytest
import simple_websocket
from django.db.models import Q

from events.models import Event
from tests.e2e.harness import RealStack, access_token_for, wait_for
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e]

STAGES = ["intake", "analysis", "persona", "strategy", "message"]


class LiveSocket:
    """A blocking WebSocket client on Daphne (simple-websocket, already a dependency of python-socketio)."""

    def __init__(self, stack: RealStack, path: str, *, token: str, last_event_id: int | None = None):
        query = f"?token={token}" + (f"&last_event_id={last_event_id}" if last_event_id is not None else "")
        self.ws = simple_websocket.Client.connect(f"{stack.ws_url}{path}{query}", headers={"Origin": stack.base_url})
        self.stack = stack
        self.frames: list[dict] = []

    def next(self, timeout: float) -> dict | None:
        try:
            raw = self.ws.receive(timeout=timeout)
        except simple_websocket.ConnectionClosed as closed:
            pytest.fail(f"socket closed ({closed.reason}); daphne log:\n{self.stack.log('daphne')}")
        if raw is None:
            return None
        frame = json.loads(raw)
        self.frames.append(frame)
        return frame

    def until(self, predicate, *, timeout: float = 60, what: str = "a frame") -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = self.next(timeout=max(0.1, deadline - time.monotonic()))
            if frame is not None and predicate(frame):
                return frame
        pytest.fail(f"timed out waiting for {what}; got {[f.get('type') for f in self.frames]}")

    def drain(self, settle: float = 1.0) -> None:
        while self.next(timeout=settle) is not None:
            pass

    def send(self, payload: dict) -> None:
        self.ws.send(json.dumps(payload))

    def close(self) -> None:
        if self.ws.connected:
            self.ws.close()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), RealStack(extra_env={"MCP_CALL_TIMEOUT": "10"}) as running:
        yield running


def create_and_process(api, name: str, domain: str) -> str:
    response = api.post(
        "/api/leads",
        json={
            "company_name": name,
            "website": f"https://{domain}",
            "description": f"{name}: transportadora rodoviária de cargas com 300 funcionários em Campinas - SP.",
            "source_text": f"A {name} está contratando executivos de vendas. comercial@{domain} (19) 3456-7890.",
        },
    )
    assert response.status_code == 201, response.text
    lead_id = response.json()["id"]
    assert api.post(f"/api/leads/{lead_id}/process", json={}).status_code == 202
    return lead_id


def is_lead_event(lead_id: str, event_type: str):
    return lambda f: f.get("type") == event_type and f["data"].get("lead_id") == lead_id


def latest_id() -> int:
    return Event.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first() or 0


def test_worker_events_reach_the_socket_stage_by_stage(stack, api, owner):
    other = UserFactory()
    socket = LiveSocket(stack, "/ws/events/", token=access_token_for(owner))
    try:
        lead_id = create_and_process(api, "TransLog Cargas", "translog.com.br")
        with stack.client(other, timeout=15) as other_api:  # another user's lead, processed at the same time
            other_id = create_and_process(other_api, "Segredo Fretes", "segredo.com.br")
        socket.until(is_lead_event(lead_id, "lead.completed"), timeout=90, what="lead.completed")
    finally:
        socket.close()

    mine = [f for f in socket.frames if f.get("data", {}).get("lead_id") == lead_id]
    progress = [(f["data"]["stage"], f["data"]["stage_status"]) for f in mine if f["type"] == "lead.progress"]
    for stage in STAGES:
        assert (stage, "running") in progress and (stage, "done") in progress, progress
    done_order = [stage for stage, status in progress if status == "done"]
    assert done_order == STAGES
    assert all(set(f) == {"id", "type", "data", "timestamp"} for f in socket.frames)
    assert [f["id"] for f in mine] == sorted(f["id"] for f in mine)
    assert not any(f.get("data", {}).get("lead_id") == other_id for f in socket.frames)
    # The events came from the worker process (the web process only enqueued).
    assert "run_stage" in stack.log("worker0", tail=400) or "succeeded" in stack.log("worker0", tail=400)


def test_drop_and_resume_without_gaps_or_duplicates(stack, api, owner):
    start = latest_id()
    token = access_token_for(owner)
    first = LiveSocket(stack, "/ws/events/", token=token, last_event_id=start)
    lead_id = create_and_process(api, "RodoSul Fretes", "rodosul.com.br")
    first.until(
        lambda f: f.get("type") == "lead.progress" and f["data"]["lead_id"] == lead_id and f["data"]["stage"] == "analysis",
        timeout=60,
        what="the analysis stage",
    )
    first.close()  # the client drops mid-pipeline; the worker goes on

    wait_for(lambda: api.get(f"/api/leads/{lead_id}").json()["status"] in ("completed", "failed"), timeout=90,
             what="the lead to finish")  # fmt: skip
    resumed = LiveSocket(stack, "/ws/events/", token=token, last_event_id=max(f["id"] for f in first.frames))
    try:
        resumed.until(is_lead_event(lead_id, "lead.completed"), timeout=30, what="the replayed lead.completed")
        resumed.drain(settle=1.0)
    finally:
        resumed.close()

    seen = [f["id"] for f in first.frames + resumed.frames if f.get("id") is not None]
    assert len(seen) == len(set(seen)), "duplicates"
    logged = list(
        Event.objects.filter(Q(user=owner) | Q(user__isnull=True), seq__gt=start, seq__lte=max(seen))
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert sorted(seen) == logged, "gap"
    types = {f["type"] for f in resumed.frames}
    assert "lead.completed" in types and "lead.progress" in types


def test_chat_over_the_socket_gets_a_grounded_reply_from_the_worker(stack, api, owner):
    response = api.post(
        "/api/leads", json={"company_name": "Fretes Paulista", "website": "https://fretespaulista.com.br"}
    )
    assert response.status_code == 201
    agent_id = api.get("/api/chat/agents").json()["results"][0]["id"]
    socket = LiveSocket(stack, f"/ws/chat/{agent_id}/", token=access_token_for(owner))
    try:
        socket.send({"type": "ping"})
        assert socket.until(lambda f: True, timeout=5) == {"type": "pong"}
        socket.send({"type": "chat.send", "content": "Summarise my pipeline"})
        reply = socket.until(
            lambda f: f.get("type") == "chat.message" and f["data"]["message"]["sender"] == "agent",
            timeout=60,
            what="the agent's reply",
        )
    finally:
        socket.close()
    message = reply["data"]["message"]
    assert message["status"] == "sent", message
    assert "Fretes Paulista" in message["content"] or "1" in message["content"]
    types = [f["type"] for f in socket.frames]
    assert types.index("chat.typing") < types.index("chat.message", types.index("chat.typing"))
    history = api.get(f"/api/chat/{agent_id}/messages").json()["results"]
    assert [m["sender"] for m in history[:2]] == ["agent", "user"]


def first_server_frame(stack: RealStack, path: str) -> tuple[int, bytes]:
    """A raw handshake and the first frame the server sends: (opcode, payload).

    Raw, because simple-websocket reports 1005 when the close frame arrives in the same read as the 101.
    """
    import base64
    import os
    import socket

    with socket.create_connection(("127.0.0.1", int(stack.base_url.rsplit(":", 1)[1])), timeout=10) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {stack.base_url}\r\n\r\n".encode()
        )
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 2:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, frame = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head  # accepted first, so a browser sees the close code
        while len(frame) < 2 + (frame[1] & 0x7F):
            frame += sock.recv(4096)
        return frame[0] & 0x0F, frame[2 : 2 + (frame[1] & 0x7F)]


@pytest.mark.parametrize("query", ["?token=nope", ""])
def test_bad_or_missing_token_is_closed_with_4401_over_daphne(stack, live_db, query):
    opcode, payload = first_server_frame(stack, f"/ws/events/{query}")
    assert opcode == 0x8  # close
    assert int.from_bytes(payload[:2], "big") == 4401
