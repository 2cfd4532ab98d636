"""The lead processing pipeline: intake → analysis → persona → strategy → message → completed.

Services only (no HTTP, no Celery API): the thin tasks in `leads.tasks` call `run_stage()` and
`sweep_stale_stages()`; views, admin, commands, imports and prospect jobs call `enqueue_processing()`.

A pipeline run is identified by its *run token*, the lead's `queued_at` timestamp set by `enqueue_processing()`:
a task carrying another token belongs to an earlier run and does nothing. One stage:

1. short transaction, lead row locked: check the task still applies (right run, right stage, lead queued or
   processing); if the stage's agent is stopped the lead becomes `waiting` (it resumes when the agent starts);
   otherwise record a `running` StageRun and mark the agent `processing`;
2. call the stage's tool on the agent server through `mcp_bridge` (no transaction or lock held);
3. short transaction, lead locked again: if our StageRun is still the live one, save the results on the lead,
   finish the run, advance the stage and enqueue the next stage after commit (or complete the lead).

A redelivered task for a finished stage finds the lead past it and does nothing; one for a stage that is
running again supersedes the earlier attempt (which then discards its result), so a stage's results are
written once. The stale sweeper requeues (a limited number of times) or fails leads whose stage stopped
making progress.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from agents import services as agent_services
from agents.models import Agent, StageRun
from agents.stages import AGENT_FOR_STAGE, COMPLETED, PIPELINE, TOOL_FOR_STAGE, next_stage, progress_after
from business_context.selectors import context_as_agent_data, context_for
from events.publisher import publish
from leads.models import Lead
from leads.services import publish_lead_updated
from leads.websites import normalize_website
from mcp_bridge import client as bridge
from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from metrics.services import notify_metrics_changed

logger = logging.getLogger(__name__)

LEAD_DATA_FIELDS = (
    "company_name", "website", "description", "source_text", "company_sector", "company_size",
    "market_region", "contact_email", "contact_phone", "contact_role", "annual_revenue",
)
# Fields intake may fill in (only when the lead has them empty).
INTAKE_FILLABLE = ("company_name", "website", "contact_email", "contact_phone", "market_region", "description")
ANALYSIS_FIELDS = (
    "analysis", "company_sector", "company_size", "pain_point_analysis", "purchase_triggers", "relevance_score",
    "roi_potential_score", "brazilian_market_fit", "overall_score", "qualification_tier",
)
STALE_ERROR_PREFIX = "Stale:"


class AlreadyProcessing(Exception):  # noqa: N818 (a fixed cross-team name)
    """The lead is already queued or processing."""

    code = "already_processing"

    def __init__(self, lead: Lead):
        self.lead = lead
        super().__init__(f"Lead {lead.pk} is already {lead.status}.")


def _max_stale_requeues() -> int:
    return int(getattr(settings, "STAGE_MAX_REQUEUES", 2))


def run_token_for(lead: Lead) -> str:
    """The token of the lead's current pipeline run (its `queued_at`)."""
    return lead.queued_at.isoformat() if lead.queued_at else ""


def _job_id(lead: Lead) -> str | None:
    from leads.services import job_id_for_events

    return job_id_for_events(lead)


# ---- events ---------------------------------------------------------------------------------------------------


def _publish_progress(lead: Lead, stage: str, stage_status: str, agent: Agent | None, duration_ms: int | None,
                      job_id: str | None) -> None:
    publish(
        "lead.progress",
        {
            "lead_id": str(lead.pk),
            "company_name": lead.company_name,
            "stage": stage,
            "stage_status": stage_status,
            "agent_name": agent.name if agent else AGENT_FOR_STAGE.get(stage, ""),
            "progress": lead.progress,
            "status": lead.status,
            "duration_ms": duration_ms,
            "job_id": job_id,
        },
        user_id=lead.owner_id,
    )


# ---- enqueue ----------------------------------------------------------------------------------------------------


def _enqueue_stage_on_commit(lead: Lead, stage: str) -> None:
    from leads.tasks import run_stage as run_stage_task

    lead_id, token = str(lead.pk), run_token_for(lead)
    transaction.on_commit(lambda: run_stage_task.delay(lead_id, stage, token))


def enqueue_processing(*, lead: Lead, restart: bool = False) -> Lead:
    """Queue `lead` for processing from its first unfinished stage (`restart`: from intake, history kept).

    Raises AlreadyProcessing when the lead is queued or processing. The first task is sent after commit.
    """
    with transaction.atomic():
        locked = Lead.objects.select_for_update().get(pk=lead.pk)
        if locked.status in Lead.ACTIVE_STATUSES:
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
        agent = Agent.objects.filter(stage=locked.processing_stage).first()
        if agent is not None and agent.is_stopped:
            _mark_waiting(locked, agent)
        else:
            _enqueue_stage_on_commit(locked, locked.processing_stage)
    return locked


def _mark_waiting(lead: Lead, agent: Agent) -> None:
    """Park `lead` (locked, in a transaction) at its stage until `agent` starts again."""
    lead.status = Lead.Status.WAITING
    lead.save(update_fields=["status", "updated_at"])
    publish_lead_updated(lead, ["status"])
    _publish_progress(lead, lead.processing_stage, "waiting", agent, None, _job_id(lead))


def resume_waiting(*, agent: Agent) -> int:
    """Requeue the leads waiting at `agent`'s stage, in `queued_at` order (called when the agent starts)."""
    count = 0
    with transaction.atomic():
        waiting = (
            Lead.objects.select_for_update()
            .filter(status=Lead.Status.WAITING, processing_stage=agent.stage)
            .order_by("queued_at", "created_at")
        )
        for lead in waiting:
            lead.status = Lead.Status.QUEUED
            lead.save(update_fields=["status", "updated_at"])
            publish_lead_updated(lead, ["status"])
            _enqueue_stage_on_commit(lead, lead.processing_stage)
            count += 1
    return count


# ---- one stage --------------------------------------------------------------------------------------------------


@dataclass
class _Started:
    lead: Lead
    agent: Agent
    run: StageRun
    arguments: dict[str, Any]
    context_version: int | None


def lead_data(lead: Lead) -> dict[str, str]:
    """The agent server's LeadData for `lead`: its text fields as strings."""
    data = {"id": str(lead.pk)}
    for name in LEAD_DATA_FIELDS:
        value = getattr(lead, name)
        data[name] = "" if value is None else str(value)
    return data


def previous_results(lead: Lead) -> dict[str, Any]:
    """Earlier stage results, rebuilt from what the lead stores (None for stages not done, or when what the
    lead stores no longer fits the contract, e.g. an operator typed a free-form company size)."""
    previous = _stored_results(lead)
    try:
        from mcp_bridge.agent_server.models import PreviousResults
    except ImportError:  # pragma: no cover
        return previous
    for stage, value in previous.items():
        if value is not None:
            try:
                PreviousResults.model_validate({stage: value})
            except PydanticValidationError:
                logger.info("Lead %s: stored %s result does not fit the contract; not sent", lead.pk, stage)
                previous[stage] = None
    return previous


def _stored_results(lead: Lead) -> dict[str, Any]:
    index = PIPELINE.index(lead.processing_stage) if lead.processing_stage in PIPELINE else len(PIPELINE)
    done = set(PIPELINE[:index])
    previous: dict[str, Any] = {"intake": None, "analysis": None, "persona": None, "strategy": None}
    if "intake" in done:
        previous["intake"] = {"lead_updates": {}, "enrichment_data": lead.enrichment_data or {}}
    if "analysis" in done and lead.analysis is not None:
        previous["analysis"] = {name: getattr(lead, name) for name in ANALYSIS_FIELDS}
    if "persona" in done and lead.persona is not None:
        previous["persona"] = {"persona": lead.persona}
    if "strategy" in done and lead.strategy is not None:
        previous["strategy"] = {"strategy": lead.strategy}
    return previous


def _start_stage(lead_id: Any, stage: str, run_token: str, task_id: str) -> _Started | None:
    """Step 1: decide whether this task applies and record its StageRun. None: nothing to do."""
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(pk=lead_id).first()
        if lead is None:
            logger.info("Stage %s of lead %s: the lead is gone", stage, lead_id)
            return None
        if run_token and run_token != run_token_for(lead):
            logger.info("Stage %s of lead %s: task of an earlier run, ignored", stage, lead_id)
            return None
        if lead.processing_stage != stage or lead.status not in Lead.ACTIVE_STATUSES:
            logger.info("Stage %s of lead %s: already past it or not processing (%s at %s), ignored",
                        stage, lead_id, lead.status, lead.processing_stage)
            return None
        agent = Agent.objects.select_for_update().get(stage=stage)
        if agent.is_stopped:
            _mark_waiting(lead, agent)
            return None
        now = timezone.now()
        # A redelivered task (worker lost, visibility timeout) supersedes an attempt still marked running.
        superseded = StageRun.objects.filter(lead=lead, stage=stage, status=StageRun.Status.RUNNING)
        superseded.update(
            status=StageRun.Status.FAILED, finished_at=now, error="Superseded by a redelivered task."
        )
        attempt = StageRun.objects.filter(lead=lead, stage=stage).count() + 1
        run = StageRun.objects.create(
            lead=lead, agent=agent, stage=stage, status=StageRun.Status.RUNNING, attempt=attempt,
            task_id=task_id or "", started_at=now,
        )
        changed = []
        if lead.status != Lead.Status.PROCESSING:
            lead.status = Lead.Status.PROCESSING
            changed.append("status")
        lead.save(update_fields=[*changed, "updated_at"])
        if changed:
            publish_lead_updated(lead, changed)
        _publish_progress(lead, stage, "running", agent, None, _job_id(lead))
        agent_services.mark_working(agent=agent, lead=lead)
    if stage == PIPELINE[0]:
        # Network, so outside any transaction: the site's text joins what intake reads.
        from enrichment.services import enrich_from_website

        enrich_from_website(lead)
    # Built after the commit: no lock is held while reading the context (or importing the contract models).
    ctx = context_for(lead.owner)
    arguments = {"lead": lead_data(lead), "business_context": context_as_agent_data(ctx),
                 "previous": previous_results(lead)}
    return _Started(lead, agent, run, arguments, ctx.version if ctx else None)


def _output_model(stage: str) -> type[BaseModel] | None:
    """The agent server's pydantic output model of `stage` (validated here too: the contract is ours)."""
    try:
        from mcp_bridge.agent_server import models as schemas
    except ImportError:  # pragma: no cover
        return None
    name = {"intake": "IntakeOutput", "analysis": "AnalysisOutput", "persona": "PersonaOutput",
            "strategy": "StrategyOutput", "message": "MessageOutput"}[stage]
    return getattr(schemas, name, None)


def _validated(stage: str, result: dict[str, Any]) -> dict[str, Any]:
    model = _output_model(stage)
    if model is None:
        return result
    try:
        return model.model_validate(result).model_dump(mode="json")
    except PydanticValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise AgentToolError(
            f"Agent tool {TOOL_FOR_STAGE[stage]} returned data that breaks the contract ({where}: "
            f"{first.get('msg', 'invalid')})", tool=TOOL_FOR_STAGE[stage],
        ) from None


def _apply_intake(lead: Lead, result: dict[str, Any]) -> list[str]:
    changed = []
    updates = result.get("lead_updates") or {}
    for name in INTAKE_FILLABLE:
        value = str(updates.get(name) or "").strip()
        if not value or getattr(lead, name):
            continue
        if name == "website":
            try:
                value = normalize_website(value)
            except ValueError:
                continue
            if value and Lead.objects.filter(owner_id=lead.owner_id, website=value).exclude(pk=lead.pk).exists():
                continue
        if name == "contact_email":
            try:
                validate_email(value)
            except ValidationError:
                continue
        max_length = Lead._meta.get_field(name).max_length
        setattr(lead, name, value[:max_length] if max_length else value)
        changed.append(name)
    # The website visit made before intake (`enrichment.services`) stays next to what intake extracted.
    visit = (lead.enrichment_data or {}).get("website")
    lead.enrichment_data = {**(result.get("enrichment_data") or {}), **({"website": visit} if visit else {})}
    changed.append("enrichment_data")
    return changed


def _apply_analysis(lead: Lead, result: dict[str, Any]) -> list[str]:
    for name in ANALYSIS_FIELDS:
        value = result.get(name)
        if name in ("company_sector", "company_size"):
            value = str(value or "")[: Lead._meta.get_field(name).max_length]
        setattr(lead, name, value)
    return list(ANALYSIS_FIELDS)


def _apply_result(lead: Lead, stage: str, result: dict[str, Any]) -> list[str]:
    if stage == "intake":
        return _apply_intake(lead, result)
    if stage == "analysis":
        return _apply_analysis(lead, result)
    setattr(lead, stage, result[stage])
    return [stage]


def _finish_stage(started: _Started, result: dict[str, Any]) -> None:
    """Step 3: save the results and advance, unless this attempt was superseded meanwhile."""
    stage = started.run.stage
    usage = result.get("usage") or {}
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=started.lead.pk)
        run = StageRun.objects.select_for_update().get(pk=started.run.pk)
        agent = Agent.objects.select_for_update().get(pk=started.agent.pk)
        now = timezone.now()
        duration_ms = _ms_between(run.started_at, now)
        run.finished_at = now
        run.duration_ms = duration_ms
        run.prompt_tokens = int(usage.get("prompt_tokens") or 0)
        run.completion_tokens = int(usage.get("completion_tokens") or 0)
        run.total_tokens = int(usage.get("total_tokens") or 0)
        live = (run.status == StageRun.Status.RUNNING and lead.processing_stage == stage
                and lead.status == Lead.Status.PROCESSING)
        if not live:
            # Superseded (sweeper or redelivery) or the lead was reset: keep the record, not the result.
            if run.status == StageRun.Status.RUNNING:
                run.status = StageRun.Status.FAILED
                run.error = "Discarded: the lead moved on while this attempt ran."
            run.save()
            agent_services.mark_idle(agent=agent, succeeded=True)
            return
        run.status = StageRun.Status.SUCCEEDED
        run.save()
        changed = _apply_result(lead, stage, result)
        lead.context_version = started.context_version
        lead.progress = progress_after(stage)
        upcoming = next_stage(stage)
        lead.processing_stage = upcoming
        lead.last_error = ""
        changed += ["context_version", "progress", "processing_stage"]
        job_id = _job_id(lead)
        if upcoming == COMPLETED:
            lead.status = Lead.Status.COMPLETED
            lead.processed_at = now
            changed += ["status", "processed_at"]
        lead.save(update_fields=[*dict.fromkeys([*changed, "last_error"]), "updated_at"])
        publish_lead_updated(lead, list(dict.fromkeys(changed)))
        _publish_progress(lead, stage, "done", agent, duration_ms, job_id)
        agent_services.mark_idle(agent=agent, succeeded=True)
        if upcoming == COMPLETED:
            total_ms = int((now - lead.queued_at).total_seconds() * 1000) if lead.queued_at else None
            publish(
                "lead.completed",
                {"lead_id": str(lead.pk), "qualification_tier": lead.qualification_tier,
                 "overall_score": lead.overall_score, "duration_ms": total_ms, "job_id": job_id},
                user_id=lead.owner_id,
            )
            notify_metrics_changed(user_id=lead.owner_id)
            _advance_prospect_job(lead)
            return
        next_agent = Agent.objects.get(stage=upcoming)
        if next_agent.is_stopped:
            _mark_waiting(lead, next_agent)
        else:
            _enqueue_stage_on_commit(lead, upcoming)


def _fail_stage(started: _Started, error: str, *, unreachable: bool) -> None:
    """The stage failed after the bridge's retries: the lead is `failed` with a readable reason."""
    stage = started.run.stage
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=started.lead.pk)
        run = StageRun.objects.select_for_update().get(pk=started.run.pk)
        agent = Agent.objects.select_for_update().get(pk=started.agent.pk)
        live = run.status == StageRun.Status.RUNNING
        run.status = StageRun.Status.FAILED
        if live:
            run.finished_at = timezone.now()
            run.duration_ms = _ms_between(run.started_at, run.finished_at)
            run.error = error
        run.save()
        agent_services.record_failure(agent=agent, error=error, unreachable=unreachable)
        if not (live and lead.processing_stage == stage and lead.status == Lead.Status.PROCESSING):
            return
        _fail_lead(lead, stage, error, agent)


def _fail_lead(lead: Lead, stage: str, error: str, agent: Agent | None) -> None:
    lead.status = Lead.Status.FAILED
    lead.last_error = error
    lead.save(update_fields=["status", "last_error", "updated_at"])
    job_id = _job_id(lead)
    publish_lead_updated(lead, ["status", "last_error"])
    _publish_progress(lead, stage, "failed", agent, None, job_id)
    publish("lead.failed", {"lead_id": str(lead.pk), "stage": stage, "error": error, "job_id": job_id},
            user_id=lead.owner_id)
    notify_metrics_changed(user_id=lead.owner_id)
    _advance_prospect_job(lead)


def _advance_prospect_job(lead: Lead) -> None:
    """A finished (completed or failed) lead of a prospecting job moves that job on, after commit."""
    if lead.prospect_job_id:
        from leads.prospecting import on_lead_finished

        transaction.on_commit(lambda: on_lead_finished(lead))


def run_stage(*, lead_id: Any, stage: str, run_token: str = "", task_id: str = "") -> str:
    """Run one stage of one lead (the body of the Celery task). Returns what happened, for logs and tests:
    `skipped` (nothing to do), `waiting`, `done`, `failed` or `discarded`."""
    if stage not in PIPELINE:
        raise ValueError(f"Unknown stage {stage!r}")
    started = _start_stage(lead_id, stage, run_token, task_id)
    if started is None:
        lead = Lead.objects.filter(pk=lead_id).only("status").first()
        return "waiting" if lead is not None and lead.status == Lead.Status.WAITING else "skipped"
    try:
        result = _validated(stage, bridge.call_tool(TOOL_FOR_STAGE[stage], started.arguments))
    except AgentServerUnavailable as exc:
        _fail_stage(started, str(exc), unreachable=True)
        return "failed"
    except AgentToolError as exc:
        _fail_stage(started, f"{started.agent.display_name} failed: {exc}", unreachable=False)
        return "failed"
    except Exception as exc:  # a bug must not leave the lead processing forever
        logger.exception("Stage %s of lead %s crashed", stage, lead_id)
        _fail_stage(started, f"Internal error in stage {stage}: {type(exc).__name__}: {exc}", unreachable=False)
        return "failed"
    _finish_stage(started, result)
    lead = Lead.objects.filter(pk=lead_id).only("processing_stage", "status").first()
    if lead is not None and lead.processing_stage != stage:
        return "done"
    return "discarded"


def _ms_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds() * 1000))


# ---- stale sweeper ------------------------------------------------------------------------------------------------


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
    for lead_id in list(candidates[:500]):
        outcome = _sweep_one(lead_id, cutoff, now)
        if outcome:
            counts[outcome] += 1
    return counts


def _sweep_one(lead_id: Any, cutoff: datetime, now: datetime) -> str | None:
    with transaction.atomic():
        lead = Lead.objects.select_for_update().filter(pk=lead_id, status=Lead.Status.PROCESSING).first()
        if lead is None or lead.processing_stage not in PIPELINE:
            return None
        stage = lead.processing_stage
        agent = Agent.objects.select_for_update().get(stage=stage)
        runs = StageRun.objects.select_for_update().filter(lead=lead, stage=stage, status=StageRun.Status.RUNNING)
        live = [run for run in runs if run.started_at >= cutoff]
        if live:
            return None
        if not runs and lead.updated_at >= cutoff:
            return None
        threshold = settings.STAGE_STALE_AFTER_SECONDS
        message = f"{STALE_ERROR_PREFIX} no result after {threshold}s (worker lost or task dropped)."
        for run in runs:
            run.status = StageRun.Status.FAILED
            run.finished_at = now
            run.error = message
            run.save(update_fields=["status", "finished_at", "error"])
        if not runs:
            StageRun.objects.create(lead=lead, agent=agent, stage=stage, status=StageRun.Status.FAILED,
                                    attempt=StageRun.objects.filter(lead=lead, stage=stage).count() + 1,
                                    started_at=lead.updated_at, finished_at=now, error=message)
        agent_services.mark_idle(agent=agent, succeeded=False)
        since = lead.queued_at or lead.created_at
        stale_count = StageRun.objects.filter(
            lead=lead, stage=stage, status=StageRun.Status.FAILED, error__startswith=STALE_ERROR_PREFIX,
            started_at__gte=since,
        ).count()
        if stale_count > _max_stale_requeues():
            _fail_lead(lead, stage, f"Stage {stage} made no progress after {stale_count} attempts "
                                    f"({threshold}s each); giving up.", agent)
            return "failed"
        lead.status = Lead.Status.QUEUED
        lead.save(update_fields=["status", "updated_at"])
        publish_lead_updated(lead, ["status"])
        _enqueue_stage_on_commit(lead, stage)
        logger.warning("Lead %s: stage %s stale, requeued (%d)", lead.pk, stage, stale_count)
        return "requeued"


# ---- progress -------------------------------------------------------------------------------------------------------


def lead_progress(lead: Lead) -> dict[str, Any]:
    """The `/progress` body: each stage's state from the lead and its latest StageRun per stage."""
    latest: dict[str, StageRun] = {}
    succeeded: dict[str, StageRun] = {}
    for run in StageRun.objects.filter(lead=lead).order_by("-started_at")[:200]:
        latest.setdefault(run.stage, run)
        if run.status == StageRun.Status.SUCCEEDED:
            succeeded.setdefault(run.stage, run)
    agents = dict(Agent.objects.filter(stage__in=PIPELINE).values_list("stage", "name"))
    current = PIPELINE.index(lead.processing_stage) if lead.processing_stage in PIPELINE else len(PIPELINE)
    stages = []
    for index, stage in enumerate(PIPELINE):
        run: StageRun | None = latest.get(stage)
        if index < current:
            run = succeeded.get(stage)
            state = "done" if run is not None else "skipped"
        elif index == current and lead.status == Lead.Status.PROCESSING and run and run.status == "running":
            state = "running"
        elif index == current and lead.status == Lead.Status.FAILED and run and run.status == "failed":
            state = "failed"
        else:
            state, run = "pending", None
        stages.append({
            "stage": stage,
            "agent": agents.get(stage, AGENT_FOR_STAGE[stage]),
            "status": state,
            "started_at": run.started_at if run else None,
            "finished_at": run.finished_at if run else None,
            "duration_ms": run.duration_ms if run else None,
            "error": (run.error or None) if run is not None and state == "failed" else None,
        })
    return {
        "lead_id": lead.pk,
        "status": lead.status,
        "processing_stage": lead.processing_stage,
        "progress": lead.progress,
        "stages": stages,
        "updated_at": lead.updated_at,
    }

