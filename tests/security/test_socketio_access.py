"""The Socket.IO server of the frontend profile (FRONTEND.md §10) in the auth matrix (`SOCKETIO` of
test_auth_matrix): who may connect, and what each connected client receives.

Black box: python-socketio's client against a real Daphne (nellia.asgi) fed by the real event relay process, on the
PostgreSQL test database and Redis; the events come from the domain services. Only what a client receives is
asserted, never how the relay hands events over.
"""

import threading
import time
from collections import defaultdict
from datetime import timedelta

import pytest
import redis
import socketio
from django.conf import settings

from accounts import tokens
from agents.models import Agent
from agents.services import mark_idle, mark_working
from events.publisher import publish
from leads import services
from tests.e2e.harness import RealStack, live_db, require_real_services, wait_for  # noqa: F401 - live_db: fixture
from tests.events.ws import token_for
from tests.factories import AdminFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_db")]

ORIGIN = "http://localhost:4173"  # an allowed frontend origin


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """Daphne serving nellia.asgi (Socket.IO at /socket.io/) and the relay that feeds it; no worker, no agent."""
    require_real_services()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    stack = RealStack(flush_redis=False)
    try:
        stack.start_together(stack.start_relay, stack.start_daphne)
        yield stack
    finally:
        stack.stop()


class Client:
    """A connected `socketio.Client` recording every event it receives, in arrival order."""

    def __init__(self, url: str, token: str):
        self.received: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": ORIGIN})
        self.sio.on("*", self._record)
        self.sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def _record(self, name: str, data: dict) -> None:
        with self._lock:
            self.received.append((name, data))

    def events(self, *, but: tuple[str, ...] = ()) -> dict[str, list[dict]]:
        with self._lock:
            found: dict[str, list[dict]] = defaultdict(list)
            for name, data in self.received:
                if name not in but:
                    found[name].append(data)
            return found


def _refusal(url: str, auth: dict | None) -> list:
    errors: list = []
    client = socketio.Client(reconnection=False, websocket_extra_options={"origin": ORIGIN})
    client.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    client.disconnect()
    return errors


def _revoked_access_token(user) -> str:
    refresh = tokens.start_family(user)
    access = str(refresh.access_token)
    tokens.revoke(refresh, user=user, reason="logout")
    return access


@pytest.mark.parametrize(
    "credential",
    ["none", "empty", "garbage", "expired", "revoked", "refresh_token", "inactive_user", "deleted_user"],
)
def test_connecting_without_a_valid_access_token_is_refused(server, credential):
    user = UserFactory()
    if credential == "inactive_user":
        user.is_active = False
        user.save(update_fields=["is_active"])
    token = {
        "none": None,
        "empty": "",
        "garbage": "not-a-jwt",
        "expired": lambda: token_for(user, lifetime=timedelta(seconds=-1)),
        "revoked": lambda: _revoked_access_token(user),
        "refresh_token": lambda: str(tokens.start_family(user)),
        "inactive_user": lambda: token_for(user),
        "deleted_user": lambda: token_for(user),
    }[credential]
    token = token() if callable(token) else token
    if credential == "deleted_user":
        user.delete()
    assert _refusal(server.base_url, {"token": token} if token is not None else None) == [{"message": "unauthorized"}]


def test_a_bad_token_in_the_query_string_is_refused_too(server):
    assert _refusal(f"{server.base_url}?token=not-a-jwt", None) == [{"message": "unauthorized"}]


def test_a_socket_is_disconnected_when_its_token_expires(server):
    """As the Channels sockets are closed at their token's expiry: a socket must not go on receiving its user's
    events on a token the REST API already refuses."""
    user = UserFactory()
    client = Client(server.base_url, token_for(user, lifetime=timedelta(seconds=3)))
    gone = threading.Event()
    client.sio.on("disconnect", lambda *_reason: gone.set())
    try:
        assert client.sio.connected
        assert gone.wait(15), "still connected after the token expired"
        services.create_lead(owner=user, data={"company_name": "Depois", "website": "depois.com.br"})
        time.sleep(1.0)
        assert "lead-created" not in client.events()
    finally:
        client.sio.disconnect()


GLOBAL_EVENTS = ("agent-update",)


def _act_as(user, name: str):
    """Domain events of `user` that the Socket.IO server renders for their room; returns the lead."""
    lead = services.create_lead(owner=user, data={"company_name": name, "website": f"{name.lower()}.com.br"})
    services.update_lead(lead=lead, data={"board_stage": "negociando"})
    publish("job.progress", {"job_id": f"job-{name}", "status": "active", "progress": 0, "current_step": "Buscando",
                             "search_query": name, "max_leads": 3}, user_id=user.pk)
    publish("quota.updated", {"plan_id": "free", "used": 1, "total": 10, "remaining": 9, "next_reset_at": None,
                              "leads_generated": 1}, user_id=user.pk)
    publish("metrics.updated", {}, user_id=user.pk)
    publish("chat.message", {"message": {"content": f"segredo de {name}"}}, user_id=user.pk)  # no socket chat
    return lead


OWN_EVENTS = {"lead-created", "lead-stage-update", "job-progress", "enrichment-update", "quota-update",
              "metrics-update", "lead-deleted"}


def _mentions(events: dict[str, list[dict]], text: str) -> list[str]:
    return [name for name, payloads in events.items() if any(text in str(p) for p in payloads)]


def test_each_user_receives_their_own_events_and_the_global_ones_only(server):
    """Owner, another user and an admin are connected; each acts in turn. FRONTEND.md §10.1–10.2: a socket is in
    its user's room only (admins included: the contract gives them no other room) and `agent-update` goes to all;
    `join-user-room` for someone else is ignored."""
    owner, other, admin = UserFactory(), UserFactory(), AdminFactory()
    clients = {role: Client(server.base_url, token_for(user))
               for role, user in (("owner", owner), ("other", other), ("admin", admin))}
    try:
        for role in ("other", "admin"):  # asking for the owner's room must not open it
            clients[role].sio.emit("join-user-room", {"userId": str(owner.pk)})
        clients["owner"].sio.emit("join-user-room", {"userId": str(owner.pk)})
        time.sleep(0.3)
        leads = {role: _act_as(user, f"Empresa{role.capitalize()}")
                 for role, user in (("owner", owner), ("other", other), ("admin", admin))}
        lead_ids = {role: str(lead.pk) for role, lead in leads.items()}
        for role, client in clients.items():  # rendered from the lead as it is then: wait before deleting it
            wait_for(lambda c=client: c.events().get("lead-stage-update"), timeout=30, what=f"{role}'s stage update")
        for lead in leads.values():
            services.delete_lead(lead=lead)
        agent = Agent.objects.get(name="lead_analysis_agent")
        mark_working(agent=agent, task="Analisando algo")
        mark_idle(agent=agent, succeeded=True)
        for role, client in clients.items():
            wait_for(lambda c=client, r=role: {e["leadId"] for e in c.events().get("lead-deleted", [])} >= {lead_ids[r]},
                     timeout=30, what=f"{role}'s lead-deleted")
            wait_for(lambda c=client: c.events().get("agent-update"), timeout=30, what="agent-update to everyone")
        time.sleep(1.0)  # anything misrouted would have arrived by now

        for role, client in clients.items():
            mine = client.events(but=GLOBAL_EVENTS)
            assert set(mine) == OWN_EVENTS, (role, sorted(mine))
            user_id = str({"owner": owner, "other": other, "admin": admin}[role].pk)
            assert {e["userId"] for e in mine["lead-created"] + mine["job-progress"] + mine["quota-update"]} == {user_id}
            assert {e["leadId"] for e in mine["lead-deleted"] + mine["lead-stage-update"]} == {lead_ids[role]}
            assert {e["user_id"] for e in mine["enrichment-update"]} == {user_id}
            for stranger in {"owner", "other", "admin"} - {role}:
                assert _mentions(mine, f"Empresa{stranger.capitalize()}") == [], (role, stranger)
                assert _mentions(mine, lead_ids[stranger]) == [], (role, stranger)
            assert _mentions(client.events(), "segredo") == []
            assert {a["name"] for a in client.events()["agent-update"]} == {"lead_analysis_agent"}
    finally:
        for client in clients.values():
            client.sio.disconnect()
