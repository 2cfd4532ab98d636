"""The database is the source of truth for pending work: whatever message is lost, the lead's lease runs out and
the sweeper sends its stage again; a duplicate never writes a stage twice; a queued lead can be restarted."""

import itertools
import time
from datetime import timedelta

import pytest
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from agents.models import StageRun
from leads.models import Lead
from pipeline import runner, sweeper
from pipeline import services as pipeline_services
from pipeline import tasks as pipeline_tasks
from tests.broker import on_stage_send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_stage_per_task")]


def _later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


def test_a_queued_lead_whose_first_message_was_lost_is_sent_again(stage_queue, lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 30
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.sent.clear()  # the broker lost it
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(10)) == {"requeued": 0, "failed": 0}
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(31)) == {"requeued": 1, "failed": 0}
    assert [message[1] for message in stage_queue.sent] == ["intake"]
    assert stage_queue.run_all() == ["done"] * 5


def test_a_failed_send_after_commit_is_logged_not_raised_and_recovered(lead, settings, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    settings.STAGE_STALE_AFTER_SECONDS = 30

    def broker_down(*args):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    on_stage_send(monkeypatch, broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline_services.enqueue_processing(lead=lead)  # no exception: the change is committed
    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUEUED and lead.lease_expires_at is not None
    sent = []
    on_stage_send(monkeypatch, lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        sweeper.sweep_stale_stages(now=_later(31))
    assert [message[1] for message in sent] == ["intake"]


def test_a_killed_workers_running_stage_is_requeued_once_its_lease_runs_out(stage_queue, lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 30
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    _, stage, token = stage_queue.sent.pop(0)
    [started] = runner.start_many([(lead.pk, stage, token)], "killed")
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(20)) == {"requeued": 0, "failed": 0}
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(31)) == {"requeued": 1, "failed": 0}
    assert stage_queue.run_all() == ["done"] * 5
    # The killed attempt's result, should it arrive after all, is not written.
    assert runner.finish_many([(started, {"lead_updates": {}, "enrichment_data": {"x": 1}})]) == ({lead.pk}, [])
    assert StageRun.objects.filter(lead=lead, stage="intake", status="succeeded").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_running_task_renews_the_lease(lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 0.3
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.PROCESSING, lease_expires_at=timezone.now())
    with runner.keep_leases([lead.pk]):
        time.sleep(0.5)
        lead.refresh_from_db()
        assert lead.lease_expires_at > timezone.now()


def test_a_waiting_lead_at_a_stopped_agent_is_left_to_the_agent(stage_queue, lead):
    Lead.objects.filter(pk=lead.pk).update(status=Lead.Status.WAITING, lease_expires_at=None)
    assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(3600)) == {"requeued": 0, "failed": 0}


def test_restart_works_on_a_queued_lead(api, lead, stage_queue):
    url = f"/api/leads/{lead.pk}/process"
    with stage_queue._capture(execute=True):
        assert api.post(url, {}, format="json").status_code == 202
    old_token = stage_queue.sent[0][2]
    assert api.post(url, {}, format="json").status_code == 409  # without restart: already queued
    with stage_queue._capture(execute=True):
        assert api.post(url, {"restart": True}, format="json").status_code == 202
    assert stage_queue.sent[1][2] != old_token
    assert stage_queue.run_all() == ["skipped", *["done"] * 5]  # the old run's message is ignored


def test_stage_tasks_retry_transient_database_and_broker_errors():
    for error in (OperationalError, InterfaceError, BrokerError):
        assert issubclass(error, pipeline_tasks.run_stage.autoretry_for)
    assert pipeline_tasks.run_stage.retry_backoff


def test_lost_messages_between_stages_never_count_as_dead_workers(stage_queue, lead, settings):
    """Redis down for a while: every send of the next stage is lost, again and again; the lead must not fail."""
    settings.STAGE_STALE_AFTER_SECONDS = 30
    settings.STAGE_MAX_REQUEUES = 1
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)
    stage_queue.run_next()  # intake done; the analysis message is lost...
    for seconds in (31, 63, 127, 255):  # each lease as long as the wait so far
        stage_queue.sent.clear()  # ... and so is every message the sweeper sends
        assert stage_queue.call(sweeper.sweep_stale_stages, now=_later(seconds)) == {"requeued": 1, "failed": 0}
    lead.refresh_from_db()
    assert lead.status == Lead.Status.PROCESSING and not StageRun.objects.filter(lead=lead, status="failed").exists()
    assert stage_queue.run_all() == ["done"] * 4


def test_a_lead_waiting_behind_a_deep_queue_gets_ever_fewer_duplicates(stage_queue, lead, settings):
    settings.STAGE_STALE_AFTER_SECONDS = 10
    stage_queue.call(pipeline_services.enqueue_processing, lead=lead)  # its message waits behind many others
    start = timezone.now()  # one origin: 120 sweeps take seconds on a loaded machine, and `_later` would drift
    sent_again = [t for t in range(1, 121)
                  if stage_queue.call(sweeper.sweep_stale_stages, now=start + timedelta(seconds=t))["requeued"]]
    assert len(sent_again) == 4 and sent_again[0] >= 10, sent_again  # not at every sweep (120 of them)
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_again)]
    assert all(gap >= 2 * previous - 2 for previous, gap in itertools.pairwise(gaps)), sent_again  # doubling
    assert stage_queue.run_all()[:1] == ["done"]  # the first message to arrive runs the stage...
    assert set(stage_queue.run_all()) <= {"skipped", "done"}  # ... the duplicates do nothing
