"""Socket.IO end to end (FRONTEND.md §10): python-socketio's client against a live Daphne, a Celery worker on Redis
and the agent server over HTTP, on the PostgreSQL test database."""

import functools
import threading
import time
from collections import defaultdict

import pytest
import socketio

from tests.e2e.harness import RealStack, access_token_for, live_db, wait_for  # noqa: F401 - live_db is a fixture
from tests.factories import BusinessContextFactory, LeadFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_db")]

ORIGIN = "http://localhost:4173"  # an allowed frontend origin (the list excludes same-origin)


def make_client(origin: str = ORIGIN) -> socketio.Client:
    # websocket-client sends its own Origin header: replace it (an extra header would make two).
    return socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})


def disconnect(client: socketio.Client) -> None:
    """`client.disconnect()` (DISCONNECT and CLOSE sent) without joining the client's read loop: over polling it sits
    in a long-poll GET that ends only at the server's next ping or the client's 30 s timeout."""
    client.eio.disconnect = functools.partial(client.eio.disconnect, abort=True)
    client.disconnect()


EVENTS = ("enrichment-update", "lead-enriched", "lead-created", "lead-stage-update", "job-progress", "job-completed",
          "job-failed", "quota-update", "agent-update", "metrics-update", "lead_enrichment_failed")


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    with RealStack(extra_env={"PROSPECT_MAX_LEADS_PER_JOB": "3", "PROSPECT_COOLDOWN_SECONDS": "3600"}) as running:
        yield running


class Listener:
    """A connected `socketio.Client` recording every event of interest, in arrival order."""

    def __init__(self, url: str, token: str | None, *, transports: tuple[str, ...] = ("websocket",)):
        self.received: list[tuple[str, dict]] = []
        self.by_name: dict[str, list[dict]] = defaultdict(list)
        self._lock = threading.Lock()
        self.client = make_client()
        for name in EVENTS:
            self.client.on(name, self._recorder(name))
        # Polling requests carry the origin as a header; websocket-client gets it from make_client.
        headers = {"Origin": ORIGIN} if "websocket" not in transports else {}
        self.client.connect(url, auth={"token": token} if token else None, transports=list(transports),
                            headers=headers, wait_timeout=10)

    def _recorder(self, name):
        def record(data):
            with self._lock:
                self.received.append((name, data))
                self.by_name[name].append(data)
        return record

    def names(self) -> list[str]:
        with self._lock:
            return [name for name, _ in self.received]

    def close(self) -> None:
        disconnect(self.client)


def test_refused_without_or_with_a_bad_token(stack):
    errors = []
    for token in (None, "not-a-jwt"):
        client = make_client()
        client.on("connect_error", errors.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(stack.base_url, auth={"token": token} if token else None, transports=["websocket"],
                           wait_timeout=10)
        client.disconnect()
    assert errors == [{"message": "unauthorized"}] * 2


def test_polling_transport_and_foreign_origin(stack):
    user = UserFactory()
    client = make_client()
    client.connect(stack.base_url, auth={"token": access_token_for(user)}, headers={"Origin": ORIGIN},
                   transports=["polling"], wait_timeout=10)
    client.emit("subscribe", {"entities": ["leads"]})
    client.emit("join-user-room", {"userId": str(user.id)})
    disconnect(client)
    foreign = make_client("http://evil.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        foreign.connect(stack.base_url, auth={"token": access_token_for(user)}, transports=["websocket"], wait_timeout=10)


def test_processing_a_lead_streams_to_its_owner_only(stack):
    owner, stranger = UserFactory(), UserFactory()
    BusinessContextFactory(owner=owner)
    lead = LeadFactory(owner=owner, company_name="TransLog Cargas", website="https://translog-e2e.com.br")
    mine = Listener(stack.base_url, access_token_for(owner))
    other = Listener(stack.base_url, access_token_for(stranger))
    try:
        with stack.client(owner) as http:
            response = http.post(f"/api/v1/leads/{lead.id}/process")
            assert response.status_code == 202, response.text
        wait_for(lambda: mine.by_name["lead-enriched"], timeout=60, what="lead-enriched")
        updates = [e for e in mine.by_name["enrichment-update"] if e.get("lead_id") == str(lead.id)]
        kinds = [(e["event_type"], e.get("agent_name")) for e in updates]
        assert kinds[0] == ("lead_enrichment_start", None)
        for agent in ("lead_intake_agent", "lead_analysis_agent", "persona_creation_agent", "approach_strategy_agent",
                      "message_crafting_agent"):
            assert kinds.index(("agent_start", agent)) < kinds.index(("agent_end", agent))
        assert all(isinstance(e[key], str) for e in updates for key in ("event_type", "job_id", "user_id", "timestamp"))
        enriched = mine.by_name["lead-enriched"][0]
        assert enriched["userId"] == str(owner.id) and enriched["lead"]["id"] == str(lead.id)
        assert enriched["lead"]["pipeline_stage"] == "completed" and enriched["lead"]["qualification_tier"] != "N/A"
        assert mine.names().index("lead-enriched") > max(
            i for i, (name, data) in enumerate(mine.received) if name == "enrichment-update" and data["event_type"] == "agent_end")
        time.sleep(0.5)
        leaked = [(name, data) for name, data in other.received if name != "agent-update"]
        assert leaked == []
        assert other.by_name["agent-update"], "agent-update goes to every socket"
    finally:
        mine.close()
        other.close()


def test_prospecting_job_end_to_end(stack):
    user = UserFactory()
    BusinessContextFactory(owner=user)
    listener = Listener(stack.base_url, access_token_for(user))
    try:
        with stack.client(user) as http:
            started = http.post("/api/v1/prospect/start", json={"user_search_query": "logística"})
            assert started.status_code == 202, started.text
            job_id = started.json()["jobId"]
            wait_for(lambda: listener.by_name["job-completed"], timeout=120, what="job-completed")
            # pipeline_end is the frame after job-completed: the listener's thread may not have read it yet
            wait_for(lambda: any(e["event_type"] == "pipeline_end" for e in listener.by_name["enrichment-update"]),
                     timeout=10, what="pipeline_end")
            progress = [e for e in listener.by_name["job-progress"] if e["jobId"] == job_id]
            assert progress and progress[0]["progress"] == 0
            assert listener.names().index("job-progress") < listener.names().index("job-completed")
            completed = listener.by_name["job-completed"][0]
            assert completed["jobId"] == job_id and completed["leadsGenerated"] == 3
            assert completed["quotaUpdate"]["used"] == 3
            created = [e["lead"]["id"] for e in listener.by_name["lead-created"]]
            assert len(created) == 3
            enriched = {e["lead"]["id"] for e in listener.by_name["lead-enriched"]}
            assert enriched == set(created)
            assert any(e["event_type"] == "pipeline_start" for e in listener.by_name["enrichment-update"])
            assert any(e["event_type"] == "pipeline_end" for e in listener.by_name["enrichment-update"])
            wait_for(lambda: listener.by_name["quota-update"], timeout=10, what="quota-update")
            status = http.get("/api/v1/users/plan-status").json()
            assert status["quota"]["used"] == 3 and status["cooldown"]["isActive"] is True
            again = http.post("/api/v1/prospect/start", json={})
            assert again.status_code == 403 and again.json()["code"] == "prospect_cooldown"
            leads = http.get("/api/v1/leads").json()["data"]["data"]
            assert {lead["source"] for lead in leads} == {"harvest"} and len(leads) == 3
    finally:
        listener.close()
