"""The stale sweeper (beat task `leads.sweep_stale_stages`, every minute): requeue, a limited number of times,
or fail leads whose stage stopped making progress."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from agents import services as agent_services
from agents.models import Agent, StageRun
from leads.models import Lead
from pipeline.runner import fail_lead
from pipeline.services import requeue
from pipeline.stages import PIPELINE

logger = logging.getLogger(__name__)

STALE_ERROR_PREFIX = "Stale:"
SWEEP_BATCH = 500


def _max_stale_requeues() -> int:
    return int(getattr(settings, "STAGE_MAX_REQUEUES", 2))


def sweep_stale_stages(*, now: datetime | None = None) -> dict[str, int]:
    """Requeue (up to STAGE_MAX_REQUEUES times per stage and run) or fail leads whose stage stopped progressing.

    Stale: a `running` StageRun older than STAGE_STALE_AFTER_SECONDS (its worker died or hangs), or a
    `processing` lead with no running StageRun and no change for that long (its task message was lost).
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.STAGE_STALE_AFTER_SECONDS)
    running = StageRun.objects.filter(lead=OuterRef("pk"), status=StageRun.Status.RUNNING)
    stale_running = StageRun.objects.filter(
        lead=OuterRef("pk"), status=StageRun.Status.RUNNING, started_at__lt=cutoff
    )
    candidates = Lead.objects.filter(status=Lead.Status.PROCESSING).filter(
        Exists(stale_running) | (~Exists(running) & Q(updated_at__lt=cutoff))
    ).values_list("pk", flat=True)
    counts = {"requeued": 0, "failed": 0}
    for lead_id in list(candidates[:SWEEP_BATCH]):
        outcome = _sweep_one(lead_id, cutoff, now)
        if outcome:
            counts[outcome] += 1
    return counts


def _sweep_one(lead_id: uuid.UUID, cutoff: datetime, now: datetime) -> str | None:
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(pk=lead_id, status=Lead.Status.PROCESSING).first()
        if lead is None or lead.processing_stage not in PIPELINE:
            return None
        stage = lead.processing_stage
        agent = Agent.objects.select_for_update().get(stage=stage)
        runs = list(StageRun.objects.select_for_update().filter(lead=lead, stage=stage, status=StageRun.Status.RUNNING))
        if any(run.started_at >= cutoff for run in runs) or (not runs and lead.updated_at >= cutoff):
            return None
        threshold = settings.STAGE_STALE_AFTER_SECONDS
        _fail_stale_runs(lead, agent, stage, runs, f"{STALE_ERROR_PREFIX} no result after {threshold}s "
                                                    "(worker lost or task dropped).", now)
        agent_services.mark_idle(agent=agent, succeeded=False)
        since = lead.queued_at or lead.created_at
        stale_count = StageRun.objects.filter(
            lead=lead, stage=stage, status=StageRun.Status.FAILED, error__startswith=STALE_ERROR_PREFIX,
            started_at__gte=since,
        ).count()
        if stale_count > _max_stale_requeues():
            fail_lead(lead, stage, f"Stage {stage} made no progress after {stale_count} attempts "
                                   f"({threshold}s each); giving up.", agent)
            return "failed"
        requeue(lead)
        logger.warning("Lead %s: stage %s stale, requeued (%d)", lead.pk, stage, stale_count)
        return "requeued"


def _fail_stale_runs(lead: Lead, agent: Agent, stage: str, runs: list[StageRun], message: str,
                     now: datetime) -> None:
    """Close the stale running StageRuns; a lead with none (its task was lost) gets a failed one on record."""
    for run in runs:
        run.status = StageRun.Status.FAILED
        run.finished_at = now
        run.error = message
        run.save(update_fields=["status", "finished_at", "error"])
    if not runs:
        StageRun.objects.create(lead=lead, agent=agent, stage=stage, status=StageRun.Status.FAILED,
                                attempt=StageRun.objects.filter(lead=lead, stage=stage).count() + 1,
                                started_at=lead.updated_at, finished_at=now, error=message)
