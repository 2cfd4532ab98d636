"""Writes that put leads in the pipeline's queue: enqueue (or restart), park at a stopped agent, resume.

A pipeline run is identified by its *run token*, the lead's `queued_at` set by `enqueue_processing()`: a stage
task carrying another token belongs to an earlier run and does nothing (see `pipeline.runner`).

The database is the source of truth for pending work: a queued or processing lead holds a *lease*
(`Lead.lease_expires_at`, STAGE_STALE_AFTER_SECONDS long) that sending its task sets and the running task renews.
A lead whose lease ran out lost its task (broker message, killed worker, failed send) and the sweeper
(pipeline.sweeper) sends it again.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from agents.models import Agent
from leads.events import publish_lead_updated
from leads.models import Lead
from leads.services import AlreadyProcessing
from nellia.tasks import queue_after_commit
from pipeline.events import publish_progress
from pipeline.stages import PIPELINE

RUN_STAGE_TASK = "leads.run_stage"


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


def renew_lease(lead_id: uuid.UUID | str) -> bool:
    """The running task is alive: push the lead's lease back. False when the lead is no longer processing."""
    return bool(Lead.objects.filter(pk=lead_id, status=Lead.Status.PROCESSING).update(lease_expires_at=lease_deadline()))


def enqueue_processing(*, lead: Lead, restart: bool = False) -> Lead:
    """Queue `lead` for processing from its first unfinished stage (`restart`: from intake, history kept).

    Raises AlreadyProcessing when the lead is processing, or queued and `restart` is not asked (a restart of a
    queued lead starts a new run: the message already queued belongs to the old one and is ignored). The first
    task is sent after commit.
    """
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.status == Lead.Status.PROCESSING or (locked.status == Lead.Status.QUEUED and not restart):
            raise AlreadyProcessing(locked)
        if restart or locked.processing_stage not in PIPELINE:
            # From scratch; a completed lead processed again without `restart` also starts over.
            locked.processing_stage = PIPELINE[0]
            locked.progress = 0
        locked.status = Lead.Status.QUEUED
        locked.queued_at = timezone.now()
        locked.last_error = ""
        changed = ["status", "processing_stage", "progress", "queued_at", "last_error"]
        locked.save(update_fields=[*changed, "updated_at"])
        publish_lead_updated(locked, changed)
        queue_or_park(locked, Agent.objects.filter(stage=locked.processing_stage).first())
    return locked


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
    lead.status = Lead.Status.WAITING
    lead.lease_expires_at = retry_at
    lead.last_error = reason
    lead.save(update_fields=["status", "lease_expires_at", "last_error", "updated_at"])
    publish_lead_updated(lead, ["status", "last_error"] if reason else ["status"])
    publish_progress(lead, lead.processing_stage, "waiting", agent)


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
