"""The sweeper requeues a stage whose run went stale (a limited number of times), then fails the lead."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agents.models import Agent, StageRun
from leads.models import Lead
from pipeline import runner, sweeper
from pipeline import services as pipeline_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_stage_per_task")]


def _stall(stage_queue, lead):
    """The worker picks the first stage, records its run, then dies."""
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    _, stage, token = stage_queue.sent.pop(0)
    assert runner.start_many([(lead.pk, stage, token)], "lost-task")


def _later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


def test_fresh_runs_are_left_alone(stage_queue, lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 60
    _stall(stage_queue, lead)
    assert sweeper.sweep_stale_stages() == {"requeued": 0, "failed": 0}


def test_stale_run_is_requeued_and_the_lead_completes(stage_queue, lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 60
    _stall(stage_queue, lead)
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(61)) == {"requeued": 1, "failed": 0}
    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUEUED
    stale = StageRun.objects.get(lead=lead, status="failed")
    assert stale.error.startswith("Stale:")
    assert Agent.objects.get(stage="intake").status == "active"
    assert stage_queue.run_all() == ["done"] * 5
    lead.refresh_from_db()
    assert lead.status == Lead.Status.COMPLETED


def test_gives_up_after_the_allowed_requeues(stage_queue, lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 60
    settings.STAGE_MAX_REQUEUES = 1
    _stall(stage_queue, lead)
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(61))["requeued"] == 1
    _, stage, token = stage_queue.sent.pop(0)
    runner.start_many([(lead.pk, stage, token)], "lost-again")
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(61))["failed"] == 1
    lead.refresh_from_db()
    assert lead.status == Lead.Status.FAILED
    assert "made no progress after 2 attempts" in lead.last_error


def test_a_lost_message_between_stages_is_requeued(stage_queue, lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 60
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_next()
    stage_queue.sent.clear()  # the analysis message is lost
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(61)) == {"requeued": 1, "failed": 0}
    assert stage_queue.sent[0][1] == "analysis"
    assert stage_queue.run_all() == ["done"] * 4
