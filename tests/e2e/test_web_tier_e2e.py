"""The docker-compose web tier as local processes (issue 14): nginx (deploy/nginx.conf.template) in front of gunicorn
with two uvicorn workers for HTTP and two Daphne processes for `/ws/` and `/socket.io/` (the real-time service scaled
to two); a Celery worker and the agent server on Redis/PostgreSQL. Clients know the proxy's address; the test also
connects to each Daphne process directly, to see every one of them deliver."""

import pytest

from tests.e2e.harness import RealStack, access_token_for, wait_for
from tests.e2e.test_realtime_e2e import LiveSocket, is_lead_event
from tests.e2e.test_socketio_e2e import Listener
from tests.factories import BusinessContextFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_db")]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    with RealStack(http_workers=2, realtime_processes=2) as running:
        yield running


def test_http_reaches_the_workers_and_sockets_reach_daphne(stack):
    assert stack.log("gunicorn", tail=10_000).count("Booting worker with pid") == 2
    with stack.client() as http:
        assert http.get("/api/health").status_code in (200, 503)
        for _ in range(6):
            assert http.get("/api/schema/").status_code == 200
    assert "GET /api/health" in stack.log("gunicorn", tail=10_000)
    user = UserFactory()
    listener = Listener(stack.base_url, access_token_for(user))  # websocket transport, through the proxy
    listener.close()
    assert "/socket.io/" not in stack.log("gunicorn", tail=10_000)


def test_events_published_by_a_celery_worker_reach_every_transport_through_the_proxy(stack):
    owner = UserFactory()
    BusinessContextFactory(owner=owner)
    token = access_token_for(owner)
    websocket_io = Listener(stack.base_url, token)
    polling_io = Listener(stack.base_url, token, transports=("polling",))  # ip_hash keeps its requests on one
    on_each_process = [Listener(f"http://127.0.0.1:{port}", token) for port in stack.realtime_ports]
    listeners = [websocket_io, polling_io, *on_each_process]
    channels = LiveSocket(stack, "/ws/events/", token=token)
    try:
        with stack.client(owner, timeout=15) as http:
            created = http.post("/api/leads", json={
                "company_name": "TransLog Proxy", "website": "https://translog-proxy.com.br",
                "description": "Transportadora rodoviária de cargas com 300 funcionários em Campinas - SP.",
                "source_text": "Contratando executivos de vendas. comercial@translog-proxy.com.br (19) 3456-7890.",
            })
            assert created.status_code == 201, created.text
            lead_id = created.json()["id"]
            # Published by the HTTP worker that served the POST:
            for listener in listeners:
                wait_for(lambda listener=listener: listener.by_name["lead-created"], timeout=15, what="lead-created")
            assert http.post(f"/api/leads/{lead_id}/process").status_code == 202
        # Published by the Celery worker, delivered by Daphne:
        channels.until(is_lead_event(lead_id, "lead.completed"), timeout=90, what="lead.completed over /ws/events/")
        for listener in listeners:
            enriched = wait_for(lambda listener=listener: listener.by_name["lead-enriched"], timeout=30, what="lead-enriched")
            assert enriched[0]["lead"]["id"] == lead_id and enriched[0]["lead"]["pipeline_stage"] == "completed"
        # The same progress, in the same order, whatever the transport (several events of a relay pass reach a
        # socket as one batch: one ASGI send on a WebSocket, one long-polling payload).
        progress = [[(update["event_type"], update.get("agent_name")) for update in listener.by_name["enrichment-update"]
                     if update.get("lead_id") == lead_id] for listener in listeners]
        assert len(progress[0]) == 12 and progress[0][0][0] == "lead_enrichment_start"
        assert all(seen == progress[0] for seen in progress)
    finally:
        for listener in listeners:
            listener.close()
        channels.close()
