"""FRONTEND.md §7 and §11: prospecting jobs, plans, quota, cooldown — both presentations."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from events.models import Event
from leads.models import Lead, ProspectJob
from mcp_bridge.errors import AgentServerUnavailable
from prospecting import selectors as prospecting_selectors
from prospecting import services as prospecting
from prospecting.api import as_api_error
from prospecting.errors import JobRunning
from prospecting.tasks import run_prospect_job
from tests.broker import on_send, on_stage_send
from tests.factories import LeadFactory
from tests.frontend.conftest import assert_error, env

pytestmark = pytest.mark.django_db

CANDIDATES = [
    {"company_name": f"Empresa {i}", "website": f"https://empresa-{i}.com.br", "company_sector": "Tecnologia",
     "city": "Campinas", "state": "SP", "description": f"Software ERP número {i}", "contact_email": f"contato@empresa-{i}.com.br",
     "cnpj": "11.222.333/0001-81", "relevance": 0.9, "match_reasons": ["ERP"]}
    for i in range(4)
]


@pytest.fixture
def stage_queue(monkeypatch):
    sent: list = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    return sent


@pytest.fixture
def job_queue(monkeypatch):
    sent: list = []
    on_send(monkeypatch, run_prospect_job, lambda *args: sent.append(args))
    return sent


def _finished_job(user, *, leads=0, ago=timedelta(minutes=10), status="completed"):
    return ProspectJob.objects.create(owner=user, status=status, leads_created=leads,
                                      finished_at=timezone.now() - ago, started_at=timezone.now() - ago)


def test_start_checks_in_order(api, user, context, job_queue, django_capture_on_commit_callbacks):
    context.delete()
    assert_error(api.post("/api/v1/prospect/start", {}, format="json"), 400, "business_context_missing")
    context.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/prospect/start", {"user_search_query": "  ERP  ", "business_description": "x"},
                            format="json")
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"jobId", "status"} and body["status"] == "started"
    assert job_queue == [(body["jobId"],)]
    jobs = env(api.get("/api/v1/prospect/jobs"))
    assert jobs[0]["jobId"] == body["jobId"] and jobs[0]["status"] == "waiting" and jobs[0]["searchQuery"] == "ERP"
    assert_error(api.post("/api/v1/prospect/start", {}, format="json"), 409, "prospect_job_running")
    ProspectJob.objects.update(status="completed", finished_at=timezone.now() - timedelta(days=30), leads_created=0)
    _finished_job(user, leads=10, ago=timedelta(hours=2))  # quota of the free plan (10/week) used up
    assert_error(api.post("/api/v1/prospect/start", {}, format="json"), 403, "quota_exhausted")
    ProspectJob.objects.all().delete()
    _finished_job(user, leads=2)
    assert_error(api.post("/api/v1/prospect/start", {}, format="json"), 403, "prospect_cooldown")


def test_running_job_constraint_is_race_safe(user, context, job_queue, monkeypatch):
    prospecting.start_job(owner=user)
    monkeypatch.setattr(prospecting, "active_job", lambda owner: None)  # both requests passed the pre-check
    with pytest.raises(JobRunning) as info:
        prospecting.start_job(owner=user)
    assert as_api_error(info.value).status_code == 409


def test_plan_status_shapes(api, user, context):
    body = api.get("/api/v1/users/plan-status").json()
    assert body["plan"] == {"id": "free", "name": "Free", "quota": 10, "period": "week"}
    assert body["quota"]["total"] == 10 and body["quota"]["remaining"] == 10 and body["quota"]["used"] == 0
    assert body["canStartProspecting"] is True and body["hasActiveJob"] is False
    assert body["cooldown"] == {"isActive": False} and "activeJobId" not in body
    _finished_job(user, leads=3, ago=timedelta(minutes=30))
    body = api.get("/api/v1/users/plan-status").json()
    assert body["quota"]["used"] == 3 and body["quota"]["remaining"] == 7 and body["canStartProspecting"] is False
    cooldown = body["cooldown"]
    assert cooldown["isActive"] is True and 0 < cooldown["remainingMs"] <= 1800 * 1000 and cooldown["remainingHours"] == 1
    user.plan = "enterprise"
    user.save()
    body = api.get("/api/v1/users/plan-status").json()
    assert body["plan"]["quota"] is None and body["quota"]["total"] is None
    assert body["quota"]["remaining"] == 9007199254740991 and body["cooldown"] == {"isActive": False}
    api_body = api.get("/api/prospect/quota").json()
    assert api_body["quota"]["remaining"] is None and api_body["plan"]["id"] == "enterprise"
    assert api_body["cooldown"] == {"is_active": False, "cooldown_until": None, "remaining_seconds": 0}


def test_job_harvests_creates_and_enriches(api, user, context, stage_queue, job_queue,
                                           django_capture_on_commit_callbacks):
    from pipeline import runner

    LeadFactory(owner=user, website="https://empresa-1.com.br")  # already known: skipped
    with django_capture_on_commit_callbacks(execute=True):
        job = prospecting.start_job(owner=user, search_query="ERP")
    with mock.patch("mcp_bridge.client.call_tool", return_value={"candidates": CANDIDATES}) as call, \
            django_capture_on_commit_callbacks(execute=True):
        run_prospect_job.run(str(job.pk))
    arguments = call.call_args.args[1]
    assert call.call_args.args[0] == "harvest_leads"
    assert arguments["max_results"] == 10 and "https://empresa-1.com.br" in arguments["exclude_websites"]
    assert arguments["business_context"]["target_market"] == context.target_market
    job.refresh_from_db()
    assert (job.status, job.progress, job.leads_created, job.duplicates_skipped) == ("active", 20, 3, 1)
    harvested = Lead.objects.filter(prospect_job=job).order_by("company_name")
    assert harvested.count() == 3 and {lead.source for lead in harvested} == {"harvest"}
    assert harvested[0].market_region == "Campinas/SP" and "CNPJ: 11.222.333/0001-81" in harvested[0].source_text
    assert {lead.status for lead in harvested} == {"queued"}
    while stage_queue:
        lead_id, stage, token = stage_queue.pop(0)
        with django_capture_on_commit_callbacks(execute=True):
            runner.run_stage(lead_id=lead_id, stage=stage, run_token=token, task_id="t")
    job.refresh_from_db()
    assert job.status == "completed" and job.progress == 100 and job.finished_at is not None
    progress = list(Event.objects.filter(type="job.progress").values_list("data__progress", flat=True))
    assert progress[0] == 0 and progress[1] == 20 and progress == sorted(progress) and len(progress) >= 4
    completed = Event.objects.get(type="job.completed")
    assert completed.data["leads_generated"] == 3 and completed.user_id == user.id
    quota = Event.objects.get(type="quota.updated").data
    assert quota["used"] == 3 and quota["remaining"] == 7 and quota["plan_id"] == "free"
    status = env(api.get(f"/api/v1/prospect/status/{job.pk}"))
    assert status["result"] == {"candidatesFound": 4, "leadsCreated": 3, "duplicatesSkipped": 1,
                                "leadIds": [str(pk) for pk in Lead.objects.filter(prospect_job=job).order_by("created_at").values_list("id", flat=True)]}
    assert status["data"] == {"searchQuery": "ERP", "maxLeads": 10} and status["processedAt"]
    assert api.get(f"/api/prospect/jobs/{job.pk}").json()["leads_created"] == 3
    assert api.get("/api/prospect/jobs").json()["count"] == 1


def test_no_new_candidate_completes_at_once(api, user, context, job_queue, django_capture_on_commit_callbacks):
    job = prospecting.start_job(owner=user)
    with mock.patch("mcp_bridge.client.call_tool", return_value={"candidates": []}):
        prospecting.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "completed" and job.leads_created == 0
    assert job.current_step == ("Nenhuma empresa nova encontrada: nenhuma empresa do catálogo corresponde ao foco de "
                                f"setor ({', '.join(context.industry_focus)}) em {', '.join(context.geographic_focus)}")
    assert env(api.get("/api/v1/prospect/jobs"))[0]["currentStep"] == job.current_step  # only the text changed


def test_a_harvest_of_known_companies_only_says_so(user, context, job_queue):
    for candidate in CANDIDATES:
        LeadFactory(owner=user, website=candidate["website"])
    job = prospecting.start_job(owner=user)
    with mock.patch("mcp_bridge.client.call_tool", return_value={"candidates": CANDIDATES}):
        prospecting.run_job(job.pk)
    job.refresh_from_db()
    assert (job.leads_created, job.duplicates_skipped) == (0, 4)
    assert job.current_step == "Nenhuma empresa nova encontrada: todas as empresas que correspondem ao seu perfil já são seus leads"


def test_a_job_run_with_the_quota_used_up_says_so(user, context, job_queue):
    job = prospecting.start_job(owner=user)
    _finished_job(user, leads=10, ago=timedelta(seconds=1))  # another session spent the free plan's 10 meanwhile
    with mock.patch("mcp_bridge.client.call_tool") as agent:
        prospecting.run_job(job.pk)
    job.refresh_from_db()
    assert not agent.called and (job.status, job.leads_created) == ("completed", 0)
    assert job.current_step.startswith("Nenhuma empresa nova encontrada: a cota do plano Free (10 leads por semana) "
                                       "já foi usada; ela renova em ")


def test_harvest_failure_fails_the_job(user, context, job_queue):
    job = prospecting.start_job(owner=user)
    with mock.patch("mcp_bridge.client.call_tool", side_effect=AgentServerUnavailable("connection refused")):
        prospecting.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "connection refused" in job.error
    assert Event.objects.get(type="job.failed").data["error"] == job.error
    assert prospecting_selectors.cooldown_until(user) is None  # only a completed job starts a cooldown


def test_timeout_completes_a_running_job(user, context, job_queue, settings):
    job = prospecting.start_job(owner=user)
    ProspectJob.objects.filter(pk=job.pk).update(status="active", started_at=timezone.now() - timedelta(hours=1))
    settings.PROSPECT_JOB_TIMEOUT_SECONDS = 60
    prospecting.expire_job(job.pk)
    job.refresh_from_db()
    assert job.status == "completed"


def test_api_start_and_ownership(api, other_api, context, job_queue):
    response = api.post("/api/prospect/jobs", {"search_query": "logística"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "waiting" and body["search_query"] == "logística" and body["max_leads"] == 10
    assert other_api.get(f"/api/prospect/jobs/{body['id']}").status_code == 404
    assert_error(other_api.get(f"/api/v1/prospect/status/{body['id']}"), 404)
    assert env(other_api.get("/api/v1/prospect/jobs")) == []
    assert api.post("/api/prospect/jobs", {}, format="json").json()["code"] == "prospect_job_running"
