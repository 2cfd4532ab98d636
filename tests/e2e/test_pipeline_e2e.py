"""The pipeline across real processes: Daphne, a Celery worker on Redis, the agent server over HTTP, PostgreSQL.

One stack for the module, with beat (the sweeper every 2 s, 5 s leases). The worker's bridge retries 3 times with
0.3 s backoff (about 2 s of trying before a lead waits for the agent server), and the broker's visibility timeout is
short so a killed worker's stage is delivered again soon (or sent again by the sweeper once its lease ran out).
"""

import time

import pytest

from agents.models import StageRun
from tests.e2e.harness import RealStack, wait_for
from tests.factories import AdminFactory

pytestmark = [pytest.mark.e2e]

VISIBILITY_TIMEOUT = 6


def lead_payload(name: str, domain: str) -> dict:
    return {
        "company_name": name,
        "website": f"https://{domain}",
        "description": f"{name}: transportadora rodoviária de cargas com 300 funcionários em Campinas - SP.",
        "source_text": f"A {name} está contratando executivos de vendas para a nova filial. "
        f"comercial@{domain} (19) 3456-7890. CNPJ 11.222.333/0001-81.",
    }


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    env = {
        "MCP_MAX_RETRIES": "3",
        "MCP_RETRY_BACKOFF": "0.3",
        "MCP_CALL_TIMEOUT": "5",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "STAGE_STALE_AFTER_SECONDS": "5",
        "STAGE_SWEEP_SECONDS": "2",
        "AGENT_SERVER_RETRY_MAX_SECONDS": "5",
    }
    with django_db_blocker.unblock(), RealStack(extra_env=env, beat=True) as running:
        yield running


@pytest.fixture
def admin(stack, live_db):
    with stack.client(AdminFactory(), timeout=15) as client:
        yield client


def create_lead(api, name: str, domain: str) -> str:
    response = api.post("/api/leads", json=lead_payload(name, domain))
    assert response.status_code == 201, response.text
    return response.json()["id"]


def process(api, lead_id: str, **body) -> None:
    response = api.post(f"/api/leads/{lead_id}/process", json=body)
    assert response.status_code == 202, response.text
    assert response.json()["lead_id"] == lead_id


def wait_status(stack, api, lead_id: str, status: str, timeout: float = 60) -> dict:
    def reached():
        lead = api.get(f"/api/leads/{lead_id}").json()
        if lead["status"] == "failed" and status != "failed":
            pytest.fail(f"lead failed: {lead['last_error']}\n{stack.log('worker0')}")
        return lead if lead["status"] == status else None

    return wait_for(reached, timeout=timeout, what=f"lead {lead_id} to be {status}")


def agent(api, stage: str) -> dict:
    return api.get(f"/api/agents?stage={stage}").json()["results"][0]


def test_leads_created_through_the_api_are_processed(stack, api):
    ids = [create_lead(api, "TransLog Cargas", "translog.com.br"), create_lead(api, "RodoSul Fretes", "rodosul.com.br")]
    for lead_id in ids:
        process(api, lead_id)
    conflict = api.post(f"/api/leads/{ids[0]}/process", json={})
    assert conflict.status_code in (202, 409)  # 409 unless it already finished
    for lead_id in ids:
        lead = wait_status(stack, api, lead_id, "completed")
        assert lead["progress"] == 100 and lead["processing_stage"] == "completed"
        for score in ("relevance_score", "roi_potential_score", "brazilian_market_fit", "overall_score"):
            assert 0 <= lead[score] <= 1
        assert lead["qualification_tier"] in ("high_potential", "medium_potential")
        assert lead["enrichment_data"]["cnpj"] == ["11.222.333/0001-81"]
        message = lead["message"]
        assert message["language"] == "pt-BR" and lead["company_name"] in message["body"]
        assert any(word in message["body"] for word in ("Olá", "você", "equipe", "conversarmos"))
        progress = api.get(f"/api/leads/{lead_id}/progress").json()
        assert [stage["status"] for stage in progress["stages"]] == ["done"] * 5
        assert all(stage["duration_ms"] is not None for stage in progress["stages"])
    assert agent(api, "message")["metrics"]["processed_count"] >= 2


def test_a_stopped_agent_holds_leads_until_started(stack, api, admin):
    persona = agent(admin, "persona")
    assert admin.post(f"/api/agents/{persona['id']}/stop").json()["status"] == "inactive"
    assert api.post(f"/api/agents/{persona['id']}/start").status_code == 403
    try:
        lead_id = create_lead(api, "Fluxo Logística", "fluxolog.com.br")
        process(api, lead_id)
        lead = wait_status(stack, api, lead_id, "waiting")
        assert lead["processing_stage"] == "persona"
        assert agent(api, "persona")["metrics"]["queue_depth"] == 1
    finally:
        assert admin.post(f"/api/agents/{persona['id']}/start").json()["status"] in ("active", "processing")
    wait_status(stack, api, lead_id, "completed")
    assert agent(api, "persona")["metrics"]["queue_depth"] == 0


def test_agent_server_down_the_lead_waits_then_resumes_by_itself(stack, api):
    stack.kill("agent_server")
    try:
        lead_id = create_lead(api, "Cargo Express", "cargoexpress.com.br")
        process(api, lead_id)
        lead = wait_status(stack, api, lead_id, "waiting", timeout=60)
        assert lead["last_error"].startswith("Waiting for the agent server (retry in")
        assert "after 4 attempts" in lead["last_error"]
        progress = api.get(f"/api/leads/{lead_id}/progress").json()
        assert progress["status"] == "waiting" and progress["stages"][0]["error"] == lead["last_error"]
        assert "Retry" in stack.log("worker0") or "retry" in stack.log("worker0")
    finally:
        stack.start_agent_server()
    wait_status(stack, api, lead_id, "completed")  # no manual action: the sweeper tries it again
    assert agent(api, "intake")["status"] in ("active", "processing")


def test_a_worker_killed_mid_stage_does_not_lose_the_lead(stack, api):
    stack.kill("agent_server")  # the stage then sits in the bridge's retries: a window to kill the worker
    lead_id = create_lead(api, "Rota Norte Transportes", "rotanorte.com.br")
    process(api, lead_id)
    run = wait_for(lambda: StageRun.objects.filter(lead_id=lead_id, status="running").first(),
                   timeout=30, interval=0.05, what="a running stage")
    killed_at = time.monotonic()
    stack.kill("worker0")  # SIGKILL, mid-stage: the message is neither acked nor rejected
    stack.start_agent_server()
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1 - (time.monotonic() - killed_at)))
    stack.start_worker("worker1")
    lead = wait_for(
        lambda: (lambda body: body if body["status"] == "completed" else None)(api.get(f"/api/leads/{lead_id}").json()),
        timeout=90, what=f"lead to complete after the worker was killed\n{stack.log('worker1')}",
    )
    assert lead["progress"] == 100
    attempts = list(StageRun.objects.filter(lead_id=lead_id, stage=run.stage).order_by("started_at")
                    .values_list("status", "error"))
    # Closed by the sweeper when its lease ran out, or superseded by the redelivered message: never written.
    assert attempts[0][0] == "failed" and ("Superseded" in attempts[0][1] or attempts[0][1].startswith("Stale:"))
    assert attempts[-1][0] == "succeeded"
