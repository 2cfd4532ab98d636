"""Redelivered or outdated stage tasks never write a stage twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import StageRun
from leads.models import Lead
from pipeline import runner
from pipeline import services as pipeline_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_stage_per_task")]


def test_redelivered_task_for_a_done_stage_does_nothing(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    message = stage_queue.sent[0]
    stage_queue.run_next()
    lead.refresh_from_db()
    snapshot = (lead.processing_stage, lead.progress, lead.enrichment_data)
    stage_queue.sent.insert(0, message)  # the broker delivers the intake task again
    assert stage_queue.run_next() == "skipped"
    lead.refresh_from_db()
    assert (lead.processing_stage, lead.progress, lead.enrichment_data) == snapshot
    assert StageRun.objects.filter(lead=lead, stage="intake").count() == 1
    assert len(stage_queue.sent) == 1  # only the analysis task, not a second one


def test_task_of_an_earlier_run_is_ignored(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    lead_id, stage, token = stage_queue.sent.pop()
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.FAILED)
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead, restart=True)
    assert runner.run_stage(lead_id=lead_id, stage=stage, run_token=token) == "skipped"
    assert not StageRun.objects.exists()


def test_redelivery_while_running_supersedes_the_lost_attempt_once_its_lease_ran_out(stage_queue, lead):
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    message = stage_queue.sent[0]
    [started] = runner.start_many([(lead.pk, "intake", message[2])], "task-1")  # a worker dies after this
    assert stage_queue.run_next() == "skipped"  # a duplicate while the attempt holds the lease: ignored
    Lead.objects.filter(pk=lead.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    stage_queue.sent.append(message)
    stage_queue.run_next()  # the redelivered message, once the lease ran out
    runs = StageRun.objects.filter(lead=lead, stage="intake").order_by("started_at")
    assert [(r.status, r.attempt) for r in runs] == [("failed", 1), ("succeeded", 2)]
    assert "Superseded" in runs[0].error
    # Should the first attempt come back after all, its result is discarded, not written twice.
    runner.finish_many([(started, {"lead_updates": {}, "enrichment_data": {"emails": ["x@y.z"]}})])
    lead.refresh_from_db()
    assert lead.enrichment_data["emails"] == ["comercial@translog.com.br"]
    assert lead.processing_stage == "analysis"


def test_unknown_lead_is_skipped(stage_queue):
    import uuid

    assert runner.run_stage(lead_id=uuid.uuid4(), stage="intake") == "skipped"


def test_queued_at_orders_runs(stage_queue, lead):
    first = stage_queue.call(pipeline_services.enqueue_processing, lead=lead).queued_at
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.FAILED, queued_at=first - timedelta(seconds=1))
    second = stage_queue.call(pipeline_services.enqueue_processing, lead=lead).queued_at
    assert second > first - timedelta(seconds=1)
