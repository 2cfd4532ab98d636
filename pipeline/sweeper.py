"""The sweeper (beat task `leads.sweep_stale_stages`, every 15 s): the database is the source of truth for pending
work, so a lead whose lease ran out is sent to a worker again, whatever was lost.

- `queued` with its lease out: the task message never started (lost with the broker, a failed send after commit,
  a killed worker's prefetched message): sent again;
- `processing` with its lease out and a running attempt: its worker died (the lease is renewed while a stage
  runs): the attempt is closed as stale and the stage queued again, up to STAGE_MAX_REQUEUES times per stage and
  run (then the lead fails: a stage that kills its worker every time must not loop forever);
- `processing` with its lease out and no running attempt: the message of its next stage was lost: sent again;
- `waiting` with a retry time (the agent server was unreachable) that has passed: queued again.

It also syncs each agent's status with its running StageRuns (a killed worker may have lost a coalesced write).

A duplicate message is harmless: the runner ignores a task whose lead is past its stage or leased by a live run;
and a lead merely waiting behind a deep queue gets ever fewer of them (`_resend_lease`).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agents import services as agent_services
from agents.models import Agent, StageRun
from leads.models import Lead
from pipeline.runner import fail_lead
from pipeline.services import queue_or_park, requeue
from pipeline.stages import PIPELINE

logger = logging.getLogger(__name__)

STALE_ERROR_PREFIX = "Stale:"
SWEEP_BATCH = 500


def _expired(now: datetime) -> Q:
    lapsed = Q(lease_expires_at__lt=now)
    return (Q(status__in=Lead.ACTIVE_STATUSES) & (lapsed | Q(lease_expires_at__isnull=True))) | (
        Q(status=Lead.Status.WAITING) & lapsed
    )


def sweep_stale_stages(*, now: datetime | None = None) -> dict[str, int]:
    """Send again (or, past STAGE_MAX_REQUEUES lost attempts, fail) the leads whose lease ran out."""
    now = now or timezone.now()
    candidates = Lead.objects.filter(_expired(now)).order_by("queued_at").values_list("pk", flat=True)
    counts = {"requeued": 0, "failed": 0}
    for lead_id in list(candidates[:SWEEP_BATCH]):
        outcome = _sweep_one(lead_id, now)
        if outcome:
            counts[outcome] += 1
    agent_services.sync_statuses()  # a worker killed with an agent-status write pending: its status ends right
    return counts


def _sweep_one(lead_id: uuid.UUID, now: datetime) -> str | None:
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(_expired(now), pk=lead_id).first()
        if lead is None or lead.processing_stage not in PIPELINE:
            return None
        stage = lead.processing_stage
        agent = Agent.objects.select_for_update().get(stage=stage)
        if lead.status != Lead.Status.PROCESSING:
            if lead.status == Lead.Status.QUEUED:
                queue_or_park(lead, agent, lease_until=_resend_lease(lead, now))
            else:
                requeue(lead)
            logger.warning("Lead %s: %s at %s with no live task, sent again", lead.pk, lead.status, stage)
            return "requeued"
        runs = list(StageRun.objects.select_for_update().filter(lead=lead, stage=stage, status=StageRun.Status.RUNNING))
        if not runs:  # between two stages: the next stage's message was lost, no attempt died
            queue_or_park(lead, agent, lease_until=_resend_lease(lead, now))
            logger.warning("Lead %s: the task of stage %s was lost, sent again", lead.pk, stage)
            return "requeued"
        _fail_stale_runs(runs, f"{STALE_ERROR_PREFIX} its lease ran out (its worker was lost).", now)
        agent_services.mark_idle(agent=agent, succeeded=False)
        stale_count = StageRun.objects.filter(
            lead=lead, stage=stage, status=StageRun.Status.FAILED, error__startswith=STALE_ERROR_PREFIX,
            started_at__gte=lead.queued_at or lead.created_at,
        ).count()
        if stale_count > settings.STAGE_MAX_REQUEUES:
            fail_lead(lead, stage, f"Stage {stage} made no progress after {stale_count} attempts; giving up.", agent)
            return "failed"
        requeue(lead)
        logger.warning("Lead %s: stage %s lost its worker, requeued (%d)", lead.pk, stage, stale_count)
        return "requeued"


def _resend_lease(lead: Lead, now: datetime) -> datetime:
    """The lease of a message sent again: as long as the lead has already waited since its message was first sent
    (its `updated_at`; the lease alone moves at a re-send), at least STAGE_STALE_AFTER_SECONDS, at most ten times
    that. Behind a deep queue a lead is not lost, only waiting: its duplicates then come at 1, 2, 4, 8 ... leases,
    not at every sweep."""
    lease = settings.STAGE_STALE_AFTER_SECONDS
    return now + timedelta(seconds=min(max(lease, (now - lead.updated_at).total_seconds()), 10 * lease))


def _fail_stale_runs(runs: list[StageRun], message: str, now: datetime) -> None:
    """Close the running StageRuns whose worker was lost."""
    for run in runs:
        run.status = StageRun.Status.FAILED
        run.finished_at = now
        run.error = message
        run.save(update_fields=["status", "finished_at", "error"])
