"""Enqueueing a batch (`pipeline.services.enqueue_many`): a constant number of SQL statements and one broker round
trip per chunk, whatever the number of leads; the same skip, restart and park rules as one lead."""

import base64
import json
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis.connection import AbstractConnection

from agents import services as agent_services
from agents.models import Agent
from events.models import Event
from leads.models import Lead, ProspectJob
from pipeline import services as pipeline_services
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@contextmanager
def redis_round_trips():
    """Counts the commands (or pipelines) the Redis client writes to the broker: a spy, the sends are real."""
    counted = [0]
    real = AbstractConnection.send_packed_command

    def send_packed_command(conn, command, check_health=True):
        counted[0] += 1
        return real(conn, command, check_health)

    AbstractConnection.send_packed_command = send_packed_command
    try:
        yield counted
    finally:
        AbstractConnection.send_packed_command = real


@pytest.fixture
def broker_queue():
    """The real broker's default queue (Redis, this test run's database), emptied before and after."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis as the broker (REDIS_URL)")
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery")
    yield client
    client.delete("celery")


def _sent_stage_tasks(client) -> list[tuple]:
    """The leads of the `run_stages` messages in the broker's queue, oldest first: (lead_id, stage, run_token)."""
    messages = [json.loads(raw) for raw in reversed(client.lrange("celery", 0, -1))]
    bodies = [json.loads(base64.b64decode(message["body"])) for message in messages]  # the Redis transport's encoding
    assert all(message["headers"]["task"] == "leads.run_stages" for message in messages)
    assert all(len(body[0][0]) <= settings.PIPELINE_BATCH_SIZE for body in bodies)
    return [tuple(item) for body in bodies for item in body[0][0]]


def _enqueue_counted(django_capture_on_commit_callbacks, lead_ids, **kwargs):
    """enqueue_many() and its commit → (its result, SQL statements, broker round trips)."""
    with (redis_round_trips() as trips, CaptureQueriesContext(connection) as queries,
          django_capture_on_commit_callbacks(execute=True)):
        result = pipeline_services.enqueue_many(lead_ids, **kwargs)
    return result, len(queries), trips[0]


def test_a_batch_costs_the_same_sql_and_one_broker_round_trip_per_chunk_whatever_its_size(
        user, broker_queue, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(pipeline_services, "ENQUEUE_CHUNK", 20)
    few = [LeadFactory(owner=user).pk for _ in range(3)]
    many = [LeadFactory(owner=user).pk for _ in range(20)]
    _enqueue_counted(django_capture_on_commit_callbacks, [LeadFactory(owner=user).pk])  # warm up
    broker_queue.delete("celery")

    small, small_sql, small_trips = _enqueue_counted(django_capture_on_commit_callbacks, few)
    big, big_sql, big_trips = _enqueue_counted(django_capture_on_commit_callbacks, many)

    assert len(small.leads) == 3 and len(big.leads) == 20
    assert big_sql == small_sql <= 6  # lock, agents, update, events (+ the savepoint around the chunk)
    assert big_trips == small_trips == 1  # one pipelined LPUSH per chunk
    tasks = _sent_stage_tasks(broker_queue)
    assert [task[0] for task in tasks] == [str(lead_id) for lead_id in few + many]  # in the order asked
    leads = {lead.pk: lead for lead in Lead.objects.filter(pk__in=few + many)}
    assert {task[1] for task in tasks} == {"intake"}
    assert all(task[2] == leads[lead_id].queued_at.isoformat() for task, lead_id in zip(tasks, few + many, strict=True))
    assert all(lead.lease_expires_at and lead.status == "queued" for lead in leads.values())
    assert Event.objects.filter(type="lead.updated", data__status="queued").count() == 24


def test_chunks_are_one_transaction_and_one_round_trip_each(user, broker_queue, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    lead_ids = [LeadFactory(owner=user).pk for _ in range(7)]
    monkeypatch.setattr(pipeline_services, "ENQUEUE_CHUNK", 3)
    result, _, trips = _enqueue_counted(django_capture_on_commit_callbacks, lead_ids)
    assert [lead.pk for lead in result.leads] == lead_ids
    assert trips <= 3 + 1  # a chunk each (and the queue's declaration, the first time)
    assert [task[0] for task in _sent_stage_tasks(broker_queue)] == [str(lead_id) for lead_id in lead_ids]


def test_queued_and_processing_leads_are_skipped_the_rest_start_where_they_stopped(stage_queue, user):
    fresh = LeadFactory(owner=user)
    queued = LeadFactory(owner=user, status="queued", processing_stage="analysis")
    processing = LeadFactory(owner=user, status="processing", processing_stage="persona")
    failed = LeadFactory(owner=user, status="failed", processing_stage="strategy", progress=60, last_error="boom")
    completed = LeadFactory(owner=user, status="completed", processing_stage="completed", progress=100)
    unknown = LeadFactory(owner=user)
    unknown_id = unknown.pk
    unknown.delete()

    ids = [fresh.pk, queued.pk, processing.pk, failed.pk, completed.pk, unknown_id]
    result = stage_queue.call(pipeline_services.enqueue_many, ids)

    assert [lead.pk for lead in result.leads] == [fresh.pk, failed.pk, completed.pk]
    assert [lead.pk for lead in result.busy] == [queued.pk, processing.pk]
    assert [(message[0], message[1]) for message in stage_queue.sent] == [
        (str(fresh.pk), "intake"), (str(failed.pk), "strategy"), (str(completed.pk), "intake"),
    ]
    failed.refresh_from_db()
    assert (failed.status, failed.processing_stage, failed.progress, failed.last_error) == ("queued", "strategy", 60, "")
    completed.refresh_from_db()
    assert (completed.status, completed.processing_stage, completed.progress) == ("queued", "intake", 0)
    queued.refresh_from_db()
    assert queued.processing_stage == "analysis" and queued.queued_at is None  # untouched


def test_restart_requeues_a_queued_lead_from_intake_with_a_new_run(stage_queue, user):
    queued = LeadFactory(owner=user)
    stage_queue.call(pipeline_services.enqueue_many, [queued.pk])
    old_token = stage_queue.sent.pop()[2]
    processing = LeadFactory(owner=user, status="processing", processing_stage="persona")
    failed = LeadFactory(owner=user, status="failed", processing_stage="strategy", progress=60)

    result = stage_queue.call(pipeline_services.enqueue_many, [queued.pk, processing.pk, failed.pk], restart=True)

    assert [lead.pk for lead in result.leads] == [queued.pk, failed.pk]
    assert [lead.pk for lead in result.busy] == [processing.pk]
    assert [(message[0], message[1]) for message in stage_queue.sent] == [(str(queued.pk), "intake"), (str(failed.pk), "intake")]
    assert stage_queue.sent[0][2] != old_token  # the old run's message is ignored by the runner
    failed.refresh_from_db()
    assert (failed.processing_stage, failed.progress) == ("intake", 0)


def test_leads_park_at_a_stopped_agent_in_one_batch(stage_queue, user, django_assert_max_num_queries):
    agent_services.stop_agent(agent=Agent.objects.get(stage="intake"))
    job = ProspectJob.objects.create(owner=user, status=ProspectJob.Status.ACTIVE)
    leads = [LeadFactory(owner=user, prospect_job=job if i % 2 else None) for i in range(6)]
    started_with = Event.objects.count()

    with django_assert_max_num_queries(8):
        result = stage_queue.call(pipeline_services.enqueue_many, [lead.pk for lead in leads])

    assert [lead.status for lead in result.leads] == ["waiting"] * 6 and stage_queue.sent == []
    assert set(Lead.objects.filter(pk__in=[lead.pk for lead in leads]).values_list("status", "lease_expires_at")) == {
        ("waiting", None)}
    events = list(Event.objects.order_by("id")[started_with:])
    for lead in leads:  # as mark_waiting() tells it: queued, then waiting
        mine = [(event.type, event.data.get("status"), event.data.get("stage_status")) for event in events
                if event.data["lead_id"] == str(lead.pk)]
        assert mine == [("lead.updated", "queued", None), ("lead.updated", "waiting", None),
                        ("lead.progress", "waiting", "waiting")]
    job_ids = {event.data["lead_id"]: event.data["job_id"] for event in events if event.type == "lead.progress"}
    assert job_ids == {str(lead.pk): (str(job.pk) if lead.prospect_job_id else None) for lead in leads}


def test_a_batch_goes_through_the_whole_pipeline(stage_queue, user, context):
    leads = [LeadFactory(owner=user, company_name=f"Empresa {i}", website=f"https://empresa{i}.com.br") for i in range(2)]
    stage_queue.call(pipeline_services.enqueue_many, [lead.pk for lead in leads])
    stage_queue.run_all()
    assert set(Lead.objects.filter(pk__in=[lead.pk for lead in leads]).values_list("status", flat=True)) == {"completed"}
