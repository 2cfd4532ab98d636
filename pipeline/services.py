"""Writes that put leads in the pipeline's queue: enqueue (or restart), park at a stopped agent, resume.

A pipeline run is identified by its *run token*, the lead's `queued_at` set by `enqueue_many()`: a stage
task carrying another token belongs to an earlier run and does nothing (see `pipeline.runner`).

The database is the source of truth for pending work: a queued or processing lead holds a *lease*
(`Lead.lease_expires_at`, STAGE_STALE_AFTER_SECONDS long) that sending its task sets and the running task renews.
A lead whose lease ran out lost its task (broker message, killed worker, failed send) and the sweeper
(pipeline.sweeper) sends it again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from agents.models import Agent
from events.publisher import PendingEvent, publish_many
from leads.events import job_id_for_events, lead_updated, publish_lead_updated, running_job_ids
from leads.models import Lead
from leads.services import AlreadyProcessing
from nellia.tasks import queue_after_commit, send_after_commit
from pipeline.events import lead_progress
from pipeline.stages import PIPELINE

RUN_STAGE_TASK = "leads.run_stage"  # one lead
RUN_STAGES_TASK = "leads.run_stages"  # a batch of leads (PIPELINE_BATCH_SIZE at most)


def run_token_for(lead: Lead) -> str:
    """The token of the lead's current pipeline run (its `queued_at`)."""
    return lead.queued_at.isoformat() if lead.queued_at else ""


def lease_deadline(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=settings.STAGE_STALE_AFTER_SECONDS)


def queue_stage(lead: Lead, stage: str, *, lease_until: datetime | None = None, lease_saved: bool = False) -> None:
    """Send the task running `stage` of `lead` (locked, in a transaction) once the transaction commits, with a
    fresh lease (STAGE_STALE_AFTER_SECONDS, or until `lease_until`): if the task has not started by its end, the
    sweeper sends it again. `lease_saved`: the caller already saved `lease_until` with the lead (one UPDATE less)."""
    lead.lease_expires_at = lease_until or lease_deadline()
    if not lease_saved:
        Lead.objects.filter(pk=lead.pk).update(lease_expires_at=lead.lease_expires_at)
    queue_after_commit(RUN_STAGE_TASK, str(lead.pk), stage, run_token_for(lead))


def renew_leases(lead_ids: list[uuid.UUID]) -> int:
    """The running task is alive: push its leads' leases back. Returns how many leads are still processing."""
    return Lead.objects.filter(pk__in=lead_ids, status=Lead.Status.PROCESSING).update(lease_expires_at=lease_deadline())


ENQUEUE_CHUNK = 500  # leads per transaction, SQL statement and broker round trip of enqueue_many()

# What enqueueing changes on a lead (its `lead.updated` event lists them).
ENQUEUED_FIELDS = ["status", "processing_stage", "progress", "queued_at", "last_error"]
# What enqueue_many() reads of each lead (locked): its events' payloads and the rules below.
_ENQUEUE_READS = ("id", "owner_id", "company_name", "status", "processing_stage", "progress", "board_stage",
                  "prospect_job_id")


@dataclass
class Enqueued:
    """What enqueue_many() did: `leads` queued (or parked at a stopped agent), in the order asked, as they are now;
    `busy` skipped (processing, or queued and no restart asked). Unknown ids are in neither."""

    leads: list[Lead] = field(default_factory=list)
    busy: list[Lead] = field(default_factory=list)


def enqueue_processing(*, lead: Lead, restart: bool = False) -> Lead:
    """Queue `lead` for processing (enqueue_many() of one lead); returns it as queued (or parked).

    Raises AlreadyProcessing when the lead is processing, or queued and `restart` is not asked."""
    result = enqueue_many([lead.pk], restart=restart)
    if result.busy:
        raise AlreadyProcessing(result.busy[0])
    if not result.leads:
        raise Lead.DoesNotExist(f"Lead {lead.pk} no longer exists.")
    return result.leads[0]


def enqueue_many(lead_ids: Iterable[uuid.UUID], *, restart: bool = False) -> Enqueued:
    """Queue the leads `lead_ids` for processing, in that order, from their first unfinished stage (`restart`: from
    intake, history kept); a lead whose stage's agent is stopped is parked there (`waiting`) instead.

    Skipped (`busy`): a lead processing, or queued when `restart` is not asked (a restart of a queued lead starts a
    new run: the message already queued belongs to the old one and is ignored). ENQUEUE_CHUNK leads at a time,
    each chunk in one transaction with a constant number of SQL statements (lock, update, events) and one broker
    round trip for its stage tasks, sent after commit: a task per PIPELINE_BATCH_SIZE leads (`pipeline.runner`).
    """
    ordered = list(dict.fromkeys(lead_ids))
    result = Enqueued()
    for start in range(0, len(ordered), ENQUEUE_CHUNK):
        with transaction.atomic():
            _enqueue_chunk(ordered[start : start + ENQUEUE_CHUNK], restart, result)
    return result


def enqueue_leads(lead_ids: Iterable[uuid.UUID]) -> list[Lead]:
    """enqueue_many() → the leads queued or parked (what `leads.hooks.process_leads` provides)."""
    return enqueue_many(lead_ids).leads


def _enqueue_chunk(lead_ids: list[uuid.UUID], restart: bool, result: Enqueued) -> None:
    # Locked in primary-key order: two enqueues of overlapping batches cannot deadlock.
    locked = Lead.objects.select_for_update().only(*_ENQUEUE_READS).filter(pk__in=lead_ids).order_by("pk")
    found = {lead.pk: lead for lead in locked}
    leads: list[Lead] = []
    for lead in (found[lead_id] for lead_id in lead_ids if lead_id in found):
        busy = lead.status == Lead.Status.PROCESSING or (lead.status == Lead.Status.QUEUED and not restart)
        (result.busy if busy else leads).append(lead)
    if not leads:
        return
    now = timezone.now()
    lease = lease_deadline(now)
    stopped = {agent.stage: agent for agent in Agent.objects.filter(status=Agent.Status.INACTIVE, stage__isnull=False)}
    events: list[PendingEvent] = []
    queued: list[Lead] = []
    parked: list[Lead] = []
    for lead in leads:
        if restart or lead.processing_stage not in PIPELINE:
            # From scratch; a completed lead processed again without `restart` also starts over.
            lead.processing_stage, lead.progress = PIPELINE[0], 0
        lead.status, lead.queued_at, lead.last_error, lead.lease_expires_at = Lead.Status.QUEUED, now, "", lease
        events.append(lead_updated(lead, ENQUEUED_FIELDS))
        (parked if lead.processing_stage in stopped else queued).append(lead)
    running_jobs = running_job_ids(lead.prospect_job_id for lead in parked)
    for lead in parked:
        events.extend(_park(lead, stopped[lead.processing_stage], running_jobs=running_jobs))
    _save_enqueued(queued, restart=restart, now=now)
    _save_enqueued(parked, restart=restart, now=now)
    publish_many(events)
    items = [(str(lead.pk), lead.processing_stage, run_token_for(lead)) for lead in queued]
    size = settings.PIPELINE_BATCH_SIZE
    send_after_commit(RUN_STAGES_TASK, [(items[start : start + size],) for start in range(0, len(items), size)])
    result.leads.extend(leads)


def _save_enqueued(leads: list[Lead], *, restart: bool, now: datetime) -> None:
    """One UPDATE for `leads` (locked), all queued or all parked: status, lease and run token as set on them; the
    stage and progress reset in SQL by the rule _enqueue_chunk() applied to them."""
    if not leads:
        return
    stage: Value | Case
    progress: Value | Case
    if restart:
        stage, progress = Value(PIPELINE[0]), Value(0)
    else:
        stage = Case(When(processing_stage__in=PIPELINE, then=F("processing_stage")), default=Value(PIPELINE[0]))
        progress = Case(When(processing_stage__in=PIPELINE, then=F("progress")), default=Value(0))
    Lead.objects.filter(pk__in=[lead.pk for lead in leads]).update(
        status=leads[0].status, lease_expires_at=leads[0].lease_expires_at, queued_at=now, last_error="",
        processing_stage=stage, progress=progress, updated_at=now,
    )


def queue_or_park(lead: Lead, agent: Agent | None, *, lease_until: datetime | None = None,
                  lease_saved: bool = False) -> None:
    """Queue `lead` (locked, in a transaction) at its stage, or park it there while the stage's agent is stopped
    (`lease_saved`: see `queue_stage`)."""
    if agent is not None and agent.is_stopped:
        mark_waiting(lead, agent)
    else:
        queue_stage(lead, lead.processing_stage, lease_until=lease_until, lease_saved=lease_saved)


def mark_waiting(lead: Lead, agent: Agent, *, retry_at: datetime | None = None, reason: str = "") -> None:
    """Park `lead` (locked, in a transaction) at its stage: until `agent` starts again, or (`retry_at`) until the
    sweeper tries again (the agent server was unreachable)."""
    events = _park(lead, agent, retry_at=retry_at, reason=reason)
    lead.save(update_fields=["status", "lease_expires_at", "last_error", "updated_at"])
    publish_many(events)


def _park(lead: Lead, agent: Agent, *, retry_at: datetime | None = None, reason: str = "",
          running_jobs: set[uuid.UUID] | None = None) -> list[PendingEvent]:
    """Set `lead` waiting at its stage (in memory; the caller saves it) → the events that tell it. `running_jobs`:
    see `leads.events.job_id_for_events`."""
    lead.status = Lead.Status.WAITING
    lead.lease_expires_at = retry_at
    lead.last_error = reason
    return [
        lead_updated(lead, ["status", "last_error"] if reason else ["status"]),
        lead_progress(lead, lead.processing_stage, "waiting", agent, job_id=job_id_for_events(lead, running_jobs)),
    ]


def requeue(lead: Lead) -> None:
    """Put `lead` (locked, in a transaction) back in the queue at its current stage."""
    lead.status = Lead.Status.QUEUED
    lead.last_error = ""
    lead.save(update_fields=["status", "last_error", "updated_at"])
    publish_lead_updated(lead, ["status"])
    queue_stage(lead, lead.processing_stage)


def resume_waiting(agent: Agent) -> int:
    """Requeue the leads waiting at `agent`'s stage, in `queued_at` order (the `agent_started` hook)."""
    if not agent.stage:
        return 0
    count = 0
    with transaction.atomic():
        waiting = (
            Lead.objects.select_for_update()
            .filter(status=Lead.Status.WAITING, processing_stage=agent.stage)
            .order_by("queued_at", "created_at")
        )
        for lead in waiting:
            requeue(lead)
            count += 1
    return count
