"""Each stage calls its tool on the real (in-process) agent server, records a StageRun and saves its results."""

import pytest

from agents.models import Agent, StageRun
from events.models import Event
from leads.models import Lead
from leads.services import AlreadyProcessing
from pipeline import services as pipeline_services
from pipeline.stages import PIPELINE
from tests.agent_calls import route_stage_calls

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_stage_per_task")]


def test_enqueue_queues_the_first_stage_after_commit(stage_queue, lead):
    result = stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert result.status == Lead.Status.QUEUED and result.queued_at is not None
    assert stage_queue.sent == [(str(lead.pk), "intake", pipeline_services.run_token_for(result))]


def test_already_queued_is_refused(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    with pytest.raises(AlreadyProcessing):
        pipeline_services.enqueue_processing(lead=lead)


def test_intake_fills_only_empty_fields_and_enrichment(stage_queue, lead):
    lead.market_region = "Sudeste"
    lead.save()
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_next() == "done"
    lead.refresh_from_db()
    assert lead.contact_email == "comercial@translog.com.br"
    assert lead.contact_phone  # was empty, filled from the text
    assert lead.market_region == "Sudeste"  # not overwritten
    assert lead.enrichment_data["cnpj"] == ["11.222.333/0001-81"]
    assert lead.processing_stage == "analysis" and lead.progress == 20 and lead.status == Lead.Status.PROCESSING
    run = StageRun.objects.get(lead=lead)
    assert run.stage == "intake" and run.status == StageRun.Status.SUCCEEDED
    assert run.agent.name == "lead_intake_agent" and run.duration_ms is not None and run.finished_at
    assert stage_queue.sent == [(str(lead.pk), "analysis", pipeline_services.run_token_for(lead))]


def test_analysis_saves_scores_tier_and_context_version(stage_queue, lead, context):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_next()
    assert stage_queue.run_next() == "done"
    lead.refresh_from_db()
    assert lead.company_sector and lead.company_size in {"micro", "small", "medium", "large", "enterprise"}
    for score in ("relevance_score", "roi_potential_score", "brazilian_market_fit", "overall_score"):
        assert 0 <= getattr(lead, score) <= 1
    assert lead.qualification_tier in dict(Lead.Tier.choices)
    assert lead.analysis["general_diagnosis"]
    assert isinstance(lead.pain_point_analysis, list) and lead.purchase_triggers
    assert lead.context_version == context.version
    assert lead.processing_stage == "persona" and lead.progress == 40


def test_full_run_completes_with_a_portuguese_message(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    assert stage_queue.run_all() == ["done"] * 5
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED and lead.processing_stage == "completed" and lead.progress == 100
    assert lead.processed_at is not None and lead.last_error == ""
    assert lead.persona["likely_role"] and lead.strategy["contact_sequence"]
    assert lead.message["language"] == "pt-BR" and "TransLog" in lead.message["body"]
    assert list(StageRun.objects.filter(lead=lead).order_by("started_at").values_list("stage", flat=True)) == PIPELINE
    assert set(Agent.objects.filter(stage__in=PIPELINE).values_list("status", flat=True)) == {"active"}


def test_events_of_a_run(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_all()
    progress = list(Event.objects.filter(type="lead.progress").order_by("id").values_list("data", flat=True))
    assert [(p["stage"], p["stage_status"]) for p in progress] == [
        (stage, status) for stage in PIPELINE for status in ("running", "done")
    ]
    assert progress[1]["duration_ms"] is not None and progress[0]["duration_ms"] is None
    assert progress[-1]["progress"] == 100 and progress[0]["agent_name"] == "lead_intake_agent"
    completed = Event.objects.get(type="lead.completed")
    assert completed.user_id == lead.owner_id
    assert completed.data["lead_id"] == str(lead.pk) and completed.data["duration_ms"] >= 0
    assert completed.data["qualification_tier"] and completed.data["job_id"] is None
    statuses = [e.data["status"] for e in Event.objects.filter(type="agent.status").order_by("id")]
    assert statuses == ["processing", "active"] * 5
    first = Event.objects.filter(type="agent.status").order_by("id").first()
    assert first.user_id is None and first.data["current_task"] == "Recebendo TransLog Cargas"
    assert Event.objects.filter(type="lead.updated").exists()
    assert Event.objects.filter(type="metrics.updated").exists()


def test_agent_is_processing_with_current_task_during_the_stage(stage_queue, lead, monkeypatch):
    seen = {}

    def spy(tool, arguments, **kwargs):
        agent = Agent.objects.get(stage="analysis")
        seen.update(status=agent.status, task=agent.current_task, tool=tool, args=arguments)
        return real(tool, arguments, **kwargs)

    from mcp_bridge import client

    real = client.call_tool
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_next()
    route_stage_calls(monkeypatch, spy)
    stage_queue.run_next()
    assert seen["status"] == "processing" and seen["task"] == "Analisando TransLog Cargas"
    assert seen["tool"] == "analyze_lead"
    assert seen["args"]["lead"]["company_name"] == "TransLog Cargas"
    assert seen["args"]["business_context"]["language"] == "pt-BR"
    assert seen["args"]["previous"]["intake"]["enrichment_data"]["cnpj"] == ["11.222.333/0001-81"]
    assert seen["args"]["previous"]["analysis"] is None
