"""The stage runner: the body of the `leads.run_stage` task, one stage of one lead in three steps, and then the
lead's next stages in the same task (PIPELINE_STAGES_PER_TASK in all).

1. `start`: a short transaction with the lead locked checks the task still applies (its run, its stage, the lead
   queued or processing); a stopped agent parks the lead (`waiting`); otherwise a `running` StageRun is recorded;
   then (`prepare`) the agent is noted working (`agents.services.stage_started`: written coalesced, in a
   transaction of its own): no stage transaction locks the agent row every worker shares;
2. `call`: the stage's tool on the agent server through `mcp_bridge` (no transaction or lock held), its result
   validated against the stage's output model;
3. `finish` (or `fail`): a short transaction with the lead locked again: if our StageRun is still the live one,
   the result is written on the lead and the stage advanced; in the same transaction the next stage begins as in
   step 1 (its StageRun recorded, or the lead parked at a stopped agent) and the task goes on with it at step 2,
   or, its stage budget spent, the next stage's task is queued after commit; or the lead completes.

So a lead costs one broker message and six short transactions, not five and ten. Each transaction stores its
events with one INSERT (`events.publisher.batched`); the business context sent to the agents is read again only
when it changed (`business_context.selectors.agent_data_for`).

A redelivered task for a finished stage finds the lead past it and does nothing; one for a stage whose running
attempt still holds the lead's lease (renewed every third of STAGE_STALE_AFTER_SECONDS while the task runs) does
nothing either; once the lease ran out (its worker died) the new one supersedes the earlier attempt, which then
discards its result: a stage's results are written once, by the transaction that finds its run still live.

An agent server that cannot be reached parks the lead (`waiting`, visible in progress and on the dashboard) with a
retry time the sweeper honours, backing off; only a permanent tool error fails the lead.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from agents import services as agent_services
from agents.models import Agent, StageRun
from business_context.selectors import agent_data_for, context_stamp
from enrichment.services import enrich_from_website
from events.publisher import batched
from leads.events import publish_lead_updated
from leads.models import COMPLETED, Lead
from mcp_bridge import client as bridge
from mcp_bridge.agent_server.models import PreviousResults
from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from metrics.services import notify_metrics_changed
from pipeline.events import publish_completed, publish_failed, publish_progress
from pipeline.hooks import on_lead_finished
from pipeline.services import lease_deadline, mark_waiting, queue_or_park, renew_lease, run_token_for
from pipeline.stages import PIPELINE, SPECS, Result, StageSpec, lead_data, next_stage, progress_after, stored_results

logger = logging.getLogger(__name__)


@dataclass
class Started:
    lead: Lead
    agent: Agent
    run: StageRun
    attempts: dict[str, int]  # the lead's StageRuns per stage when this task began (numbers the chained stages')
    arguments: dict[str, Any] = field(default_factory=dict)  # set by `prepare`, after the commit
    context_version: int | None = None

    @property
    def spec(self) -> StageSpec:
        return SPECS[self.run.stage]


def run_stage(*, lead_id: uuid.UUID | str, stage: str, run_token: str = "", task_id: str = "") -> str:
    """Run stage `stage` of one lead, then its next stages in this task (PIPELINE_STAGES_PER_TASK in all) while
    each succeeds and the next one's agent runs. Returns what happened to the last one, for logs and tests:
    `skipped` (nothing to do), `waiting`, `done`, `failed` or `discarded`."""
    if stage not in SPECS:
        raise ValueError(f"Unknown stage {stage!r}")
    started = start(lead_id, stage, run_token, task_id)
    if started is None:
        lead = Lead.objects.filter(pk=lead_id).only("status").first()
        return "waiting" if lead is not None and lead.status == Lead.Status.WAITING else "skipped"
    stages_left = settings.PIPELINE_STAGES_PER_TASK
    with keep_lease(started.lead.pk):  # a slow site or tool must not look like a dead worker
        while started is not None:
            stages_left -= 1
            prepare(started)
            try:
                result = call(started)
            except AgentServerUnavailable as exc:
                wait_for_agent_server(started, str(exc))
                return "waiting"
            except AgentToolError as exc:
                fail(started, f"{started.agent.display_name} failed: {exc}")
                return "failed"
            except Exception as exc:  # a bug must not leave the lead processing forever
                logger.exception("Stage %s of lead %s crashed", started.run.stage, lead_id)
                fail(started, f"Internal error in stage {started.run.stage}: {type(exc).__name__}: {exc}")
                return "failed"
            saved, started = finish(started, result, go_on=stages_left > 0)
            if not saved:
                return "discarded"
    return "done"


# ---- 1. start -------------------------------------------------------------------------------------------------


def start(lead_id: uuid.UUID | str, stage: str, run_token: str, task_id: str) -> Started | None:
    """Decide whether this task applies and record its StageRun. None: nothing to do (or the lead was parked)."""
    with transaction.atomic(), batched():
        lead = _applicable_lead(lead_id, stage, run_token)
        if lead is None:
            return None
        attempts, running = _attempts(lead)
        if running.get(stage) and _lease_live(lead):
            logger.info("Stage %s of lead %s: running elsewhere (lease held), duplicate ignored", stage, lead_id)
            return None
        return _begin(lead, stage, task_id, attempts, supersede=bool(running.get(stage)))


def _begin(lead: Lead, stage: str, task_id: str, attempts: dict[str, int], *, supersede: bool = False,
           lease_saved: bool = False) -> Started | None:
    """In the caller's transaction, `lead` locked at `stage`: park it there if the stage's agent is stopped (None),
    else record a `running` StageRun under a fresh lease (`lease_saved`: the caller saved it with the lead)."""
    agent = Agent.objects.get(stage=stage)  # not locked: shared by every worker (see agents.status_writer)
    if agent.is_stopped:
        mark_waiting(lead, agent)
        return None
    run = _record_run(lead, agent, stage, task_id, attempt=attempts.get(stage, 0) + 1, supersede=supersede)
    if lead.status != Lead.Status.PROCESSING:
        lead.status, lead.lease_expires_at = Lead.Status.PROCESSING, lease_deadline()
        lead.save(update_fields=["status", "lease_expires_at", "updated_at"])
        publish_lead_updated(lead, ["status"])
    elif not lease_saved:
        lead.lease_expires_at = lease_deadline()
        lead.save(update_fields=["lease_expires_at", "updated_at"])
    publish_progress(lead, stage, "running", agent)
    return Started(lead, agent, run, attempts)


def prepare(started: Started) -> None:
    """After the commit that began the stage: the agent noted working, the website visited (intake) and the tool's
    arguments built. The business context is read again only when its stamp, read with the locked lead, says it
    changed since this process last read it."""
    lead, stage = started.lead, started.run.stage
    agent_services.stage_started(started.agent, task=f"{started.spec.task_label} {lead.company_name}")
    if stage == PIPELINE[0]:
        enrich_from_website(lead)  # network, so outside any transaction: the site's text joins what intake reads
    context = agent_data_for(lead.owner_id, stamp=lead.context_stamp)  # type: ignore[attr-defined]  # annotated
    started.arguments = {"lead": lead_data(lead), "business_context": context, "previous": previous_results(lead)}
    started.context_version = context["version"] if context else None


def _locked_lead(**lookup: Any) -> Lead | None:
    """The lead, locked, with its owner's `context_stamp` (`prepare` reads the context by it)."""
    return Lead.objects.select_for_update().annotate(context_stamp=context_stamp()).filter(**lookup).first()


def _applicable_lead(lead_id: uuid.UUID | str, stage: str, run_token: str) -> Lead | None:
    """The lead, locked (with its owner's `context_stamp`), if a task of this run for this stage still applies."""
    lead = _locked_lead(pk=lead_id)
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
    return lead


def _attempts(lead: Lead) -> tuple[dict[str, int], dict[str, int]]:
    """The lead's StageRuns per stage, and those of them running (one statement)."""
    rows = StageRun.objects.filter(lead=lead).values("stage").annotate(
        total=Count("pk"), running=Count("pk", filter=Q(status=StageRun.Status.RUNNING))
    )
    return {row["stage"]: row["total"] for row in rows}, {row["stage"]: row["running"] for row in rows}


def _lease_live(lead: Lead) -> bool:
    """The lead is processing under a lease that has not run out: a running attempt (which renews it) is alive."""
    return bool(lead.status == Lead.Status.PROCESSING and lead.lease_expires_at
                and lead.lease_expires_at > timezone.now())


def _record_run(lead: Lead, agent: Agent, stage: str, task_id: str, *, attempt: int, supersede: bool) -> StageRun:
    """A `running` StageRun; a redelivered task (worker lost, visibility timeout) supersedes one still running."""
    now = timezone.now()
    if supersede:
        StageRun.objects.filter(lead=lead, stage=stage, status=StageRun.Status.RUNNING).update(
            status=StageRun.Status.FAILED, finished_at=now, error="Superseded by a redelivered task."
        )
    return StageRun.objects.create(
        lead=lead, agent=agent, stage=stage, status=StageRun.Status.RUNNING, attempt=attempt,
        task_id=task_id or "", started_at=now,
    )


def previous_results(lead: Lead) -> dict[str, Result | None]:
    """Earlier stage results for the agent server (None for stages not done, or when what the lead stores no
    longer fits the contract, e.g. an operator typed a free-form company size)."""
    previous = stored_results(lead)
    for stage, value in previous.items():
        if value is not None:
            try:
                PreviousResults.model_validate({stage: value})
            except PydanticValidationError:
                logger.info("Lead %s: stored %s result does not fit the contract; not sent", lead.pk, stage)
                previous[stage] = None
    return previous


@contextlib.contextmanager
def keep_lease(lead_id: uuid.UUID) -> Iterator[None]:
    """Renew the lead's lease every third of its length on a thread while the body runs (the tool call)."""
    stop = threading.Event()
    every = settings.STAGE_STALE_AFTER_SECONDS / 3

    def renew() -> None:
        try:
            while not stop.wait(every):
                try:
                    if not renew_lease(lead_id):
                        return
                except Exception as exc:  # the database is away: the next beat tries again
                    logger.warning("Lead %s: lease not renewed (%s)", lead_id, exc)
                    connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=renew, name=f"lease-{lead_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


# ---- 2. call --------------------------------------------------------------------------------------------------


def call(started: Started) -> Result:
    """The stage's tool on the agent server; its result validated against the stage's output model."""
    spec = started.spec
    result = bridge.call_tool(spec.tool, started.arguments)
    try:
        return spec.output.model_validate(result).model_dump(mode="json")
    except PydanticValidationError as exc:
        errors = exc.errors()
        where = ".".join(str(part) for part in errors[0]["loc"]) if errors else ""
        message = errors[0]["msg"] if errors else "invalid"
        raise AgentToolError(
            f"Agent tool {spec.tool} returned data that breaks the contract ({where}: {message})",
            tool=spec.tool,
        ) from None


# ---- 3. finish or fail ----------------------------------------------------------------------------------------


def finish(started: Started, result: Result, *, go_on: bool = False) -> tuple[bool, Started | None]:
    """Save the result and advance, unless this attempt was superseded meanwhile. Returns whether it was saved and,
    `go_on`, the next stage begun in the same transaction (None: the lead completed, was parked, or its next stage
    was queued)."""
    saved, following = _save_result(started, result, go_on)
    agent_services.stage_succeeded(started.agent)
    return saved, following


def _save_result(started: Started, result: Result, go_on: bool) -> tuple[bool, Started | None]:
    stage = started.run.stage
    usage = result.get("usage") or {}
    following = None
    with transaction.atomic(), batched():
        lead = _locked_lead(pk=started.lead.pk)
        if lead is None:  # deleted while the tool ran (its StageRuns with it)
            return False, None
        run = started.run
        _close_run(run, usage)
        live = lead.processing_stage == stage and lead.status == Lead.Status.PROCESSING
        if not (live and _succeed(run)):
            _discard(run.pk, usage)
            return False, None
        _advance(lead, started, result, finished_at=run.finished_at or timezone.now())
        publish_progress(lead, stage, "done", started.agent, run.duration_ms)
        if lead.status == Lead.Status.COMPLETED:
            total_ms = _ms_between(lead.queued_at, lead.processed_at) if lead.queued_at and lead.processed_at else None
            publish_completed(lead, total_ms)
            _finished(lead)
        elif go_on:  # the next stage's lease was saved with the lead by `_advance`
            following = _begin(lead, lead.processing_stage, run.task_id, started.attempts, lease_saved=True)
        else:
            queue_or_park(lead, Agent.objects.get(stage=lead.processing_stage), lease_until=lead.lease_expires_at,
                          lease_saved=True)
    return True, following


def _succeed(run: StageRun) -> bool:
    """Mark `run` (closed by `_close_run`) succeeded if it is still running, in one statement; whether it was.
    Every change of a lead's StageRuns is made with the lead locked, as the caller holds it."""
    closed = ["finished_at", "duration_ms", "prompt_tokens", "completion_tokens", "total_tokens"]
    if not StageRun.objects.filter(pk=run.pk, status=StageRun.Status.RUNNING).update(
            status=StageRun.Status.SUCCEEDED, **{name: getattr(run, name) for name in closed}):
        return False
    run.status = StageRun.Status.SUCCEEDED
    return True


def _discard(run_id: uuid.UUID, usage: dict[str, Any]) -> None:
    """Superseded (sweeper or redelivery) or the lead was reset: keep the record of the attempt, not its result."""
    run = StageRun.objects.select_for_update().get(pk=run_id)
    _close_run(run, usage)
    if run.status == StageRun.Status.RUNNING:
        run.status = StageRun.Status.FAILED
        run.error = "Discarded: the lead moved on while this attempt ran."
    run.save()


def _close_run(run: StageRun, usage: dict[str, Any]) -> None:
    run.finished_at = timezone.now()
    run.duration_ms = _ms_between(run.started_at, run.finished_at)
    run.prompt_tokens = int(usage.get("prompt_tokens") or 0)
    run.completion_tokens = int(usage.get("completion_tokens") or 0)
    run.total_tokens = int(usage.get("total_tokens") or 0)


def _advance(lead: Lead, started: Started, result: Result, *, finished_at: datetime) -> None:
    """Write the stage's result on the lead (locked) and move it to the next stage, or complete it."""
    stage = started.run.stage
    changed = started.spec.apply(lead, result)
    lead.context_version = started.context_version
    lead.progress = progress_after(stage)
    lead.processing_stage = next_stage(stage)
    lead.last_error = ""
    changed += ["context_version", "progress", "processing_stage"]
    if lead.processing_stage == COMPLETED:
        lead.status = Lead.Status.COMPLETED
        lead.processed_at = finished_at
        changed += ["status", "processed_at"]
    else:
        lead.lease_expires_at = lease_deadline()  # the next stage's, saved here rather than by queue_stage
    lead.save(update_fields=[*dict.fromkeys([*changed, "last_error", "lease_expires_at"]), "updated_at"])
    publish_lead_updated(lead, list(dict.fromkeys(changed)))


def fail(started: Started, error: str) -> None:
    """The stage failed for good (a tool error, a bug): the lead is `failed` with a readable reason."""
    stage = started.run.stage
    with transaction.atomic(), batched():
        lead = Lead.objects.select_for_update().get(pk=started.lead.pk)
        run = StageRun.objects.select_for_update().get(pk=started.run.pk)
        agent = started.agent
        live = run.status == StageRun.Status.RUNNING
        run.status = StageRun.Status.FAILED
        if live:
            run.finished_at = timezone.now()
            run.duration_ms = _ms_between(run.started_at, run.finished_at)
            run.error = error
        run.save()
        if live and lead.processing_stage == stage and lead.status == Lead.Status.PROCESSING:
            fail_lead(lead, stage, error, agent)
    agent_services.update_locked(agent_services.record_failure, started.agent.pk, error=error, unreachable=False)


UNREACHABLE_PREFIX = "Agent server unreachable:"


def wait_for_agent_server(started: Started, error: str) -> None:
    """The agent server could not be reached (after the bridge's retries): the lead waits at its stage and the
    sweeper tries it again after 5 s, 10 s, 20 s ... (at most AGENT_SERVER_RETRY_MAX_SECONDS)."""
    stage = started.run.stage
    message = f"{UNREACHABLE_PREFIX} {error}"
    with transaction.atomic(), batched():
        lead = Lead.objects.select_for_update().get(pk=started.lead.pk)
        run = StageRun.objects.select_for_update().get(pk=started.run.pk)
        agent = started.agent
        live = run.status == StageRun.Status.RUNNING
        if live:
            _close_run(run, {})
            run.status = StageRun.Status.FAILED
            run.error = message
            run.save()
        if live and lead.processing_stage == stage and lead.status == Lead.Status.PROCESSING:
            attempts = StageRun.objects.filter(
                lead=lead, stage=stage, error__startswith=UNREACHABLE_PREFIX, started_at__gte=lead.queued_at or lead.created_at
            ).count()
            delay = min(5 * 2 ** max(attempts - 1, 0), settings.AGENT_SERVER_RETRY_MAX_SECONDS)
            mark_waiting(lead, agent, retry_at=timezone.now() + timedelta(seconds=delay),
                         reason=f"Waiting for the agent server (retry in {delay}s): {error}")
    agent_services.update_locked(agent_services.record_failure, started.agent.pk, error=message, unreachable=True)


def fail_lead(lead: Lead, stage: str, error: str, agent: Agent | None) -> None:
    """Mark `lead` (locked, in a transaction) failed at `stage`."""
    lead.status = Lead.Status.FAILED
    lead.last_error = error
    lead.save(update_fields=["status", "last_error", "updated_at"])
    publish_lead_updated(lead, ["status", "last_error"])
    publish_progress(lead, stage, "failed", agent)
    publish_failed(lead, stage, error)
    _finished(lead)


def _finished(lead: Lead) -> None:
    """A lead completed or failed: metrics change now, the `on_lead_finished` receivers run after commit."""
    notify_metrics_changed(user_id=lead.owner_id)
    transaction.on_commit(lambda: on_lead_finished(lead))


def _ms_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds() * 1000))

