"""The stage runner: the body of the stage tasks. A task carries a batch of leads (`leads.run_stages`, as
enqueueing sends them; `leads.run_stage` is a batch of one) and runs each lead's stage, then its next stages
(PIPELINE_STAGES_PER_TASK in all), the batch's leads side by side, in three steps per stage:

1. `start_many`: one short transaction with the batch's leads locked checks the task still applies to each (its
   run, its stage, the lead queued or processing); a lead whose agent is stopped is parked (`waiting`); the others
   get a `running` StageRun (one INSERT for all); then (`prepare_many`) the agents are noted working
   (`agents.services.stage_started`: written coalesced, in a transaction of its own): no stage transaction locks
   the agent row every worker shares;
2. `call_many`: each lead's tool on the agent server through `mcp_bridge`, the batch's calls in one MCP call on the
   process's one MCP session (no transaction or lock held), each result validated against the stage's output model;
3. `finish_many`: one short transaction with the leads locked again: where a lead's StageRun is still the live
   one, its result is written on the lead and its stage advanced (an UPDATE of each lead, one of the batch's runs);
   in the same transaction the next stages begin as in step 1 and the task goes on with them at step 2, or, its stage
   budget spent, a lead's next stage is queued after commit; or the lead completes. A lead whose call failed is
   settled on its own (`fail`, `wait_for_agent_server`); the others go on.

So a batch of B leads costs one broker message and six short transactions, not B and 6 × B. Each transaction
stores its events with one INSERT (`events.publisher.batched`); the business context sent to the agents is read
again only when it changed (`business_context.selectors.agent_data_for`).

A redelivered task for a finished stage finds the lead past it and does nothing; one for a stage whose running
attempt still holds the lead's lease (renewed every third of STAGE_STALE_AFTER_SECONDS while the task runs) does
nothing either; once the lease ran out (its worker died) the new one supersedes the earlier attempt, which then
discards its result: a stage's results are written once, by the transaction that finds its run still live.

An agent server that cannot be reached parks the lead (`waiting`, visible in progress and on the dashboard) with a
retry time the sweeper honours, backing off; only a permanent tool error fails the lead.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from pydantic import ValidationError as PydanticValidationError

from agents import services as agent_services
from agents.models import Agent, StageRun
from business_context.selectors import agent_data_for, context_stamp
from enrichment.services import enrich_many
from events.publisher import PendingEvent, batched, publish_many
from leads.events import job_id_for_events, lead_updated, publish_lead_updated, running_job_ids
from leads.models import COMPLETED, Lead
from mcp_bridge import client as bridge
from mcp_bridge.agent_server.models import PreviousResults, first_error
from mcp_bridge.errors import AgentServerUnavailable, AgentToolError
from metrics.services import notify_metrics_changed
from pipeline.events import lead_progress, publish_completed, publish_failed, publish_progress
from pipeline.hooks import on_lead_finished
from pipeline.services import lease_deadline, mark_waiting, queue_or_park, renew_leases, run_token_for
from pipeline.stages import PIPELINE, SPECS, Result, StageSpec, lead_data, next_stage, progress_after, stored_results

logger = logging.getLogger(__name__)

Item = tuple["uuid.UUID | str", str, str]  # what a stage task carries per lead: its id, its stage, its run token


@dataclass
class Started:
    lead: Lead
    agent: Agent
    run: StageRun
    attempts: dict[str, int]  # the lead's StageRuns per stage when this task began (numbers the chained stages')
    arguments: dict[str, Any] = field(default_factory=dict)  # set by `prepare_many`, after the commit
    context_version: int | None = None

    @property
    def spec(self) -> StageSpec:
        return SPECS[self.run.stage]


class _Begin(NamedTuple):
    """A lead (locked) about to begin `stage`."""

    lead: Lead
    stage: str
    attempts: dict[str, int]
    supersede: bool = False  # a redelivered task: a run of this stage is still marked running


def run_stage(*, lead_id: uuid.UUID | str, stage: str, run_token: str = "", task_id: str = "") -> str:
    """`run_stages` of one lead: what happened to it."""
    return run_stages([(lead_id, stage, run_token)], task_id=task_id)[str(lead_id)]


def run_stages(items: Sequence[Item], *, task_id: str = "") -> dict[str, str]:
    """Run each lead's stage, then its next stages in this task (PIPELINE_STAGES_PER_TASK in all) while each
    succeeds and the next one's agent runs. Returns what happened to each lead (by id), for logs and tests:
    `skipped` (nothing to do), `waiting`, `done`, `failed` or `discarded`."""
    for _, stage, _ in items:
        if stage not in SPECS:
            raise ValueError(f"Unknown stage {stage!r}")
    started = start_many(items, task_id)
    outcomes = _not_started({str(lead_id) for lead_id, _, _ in items} - {str(one.lead.pk) for one in started})
    stages_left = settings.PIPELINE_STAGES_PER_TASK
    with keep_leases([one.lead.pk for one in started]):
        while started:  # a slow site or tool must not look like a dead worker: the leases are kept meanwhile
            stages_left -= 1
            prepare_many(started)
            succeeded = []
            for one, outcome in zip(started, call_many(started), strict=True):
                if isinstance(outcome, Exception):
                    outcomes[str(one.lead.pk)] = _settle_failed_call(one, outcome)
                else:
                    succeeded.append((one, outcome))
            discarded, started = finish_many(succeeded, go_on=stages_left > 0)
            for one, _ in succeeded:
                outcomes[str(one.lead.pk)] = "discarded" if one.lead.pk in discarded else "done"
    return outcomes


def _not_started(lead_ids: set[str]) -> dict[str, str]:
    """The outcome of leads `start_many` did not begin: `waiting` when parked (now or before), else `skipped`."""
    if not lead_ids:
        return {}
    waiting = {str(pk) for pk in Lead.objects.filter(pk__in=lead_ids, status=Lead.Status.WAITING)
               .values_list("pk", flat=True)}
    return {lead_id: "waiting" if lead_id in waiting else "skipped" for lead_id in lead_ids}


def _settle_failed_call(started: Started, exc: Exception) -> str:
    """A lead whose call failed: parked for the agent server, or failed for good. Returns its outcome."""
    if isinstance(exc, AgentServerUnavailable):
        wait_for_agent_server(started, str(exc))
        return "waiting"
    if isinstance(exc, AgentToolError):
        fail(started, f"{started.agent.display_name} failed: {exc}")
        return "failed"
    # A bug must not leave the lead processing forever.
    logger.error("Stage %s of lead %s crashed", started.run.stage, started.lead.pk, exc_info=exc)
    fail(started, f"Internal error in stage {started.run.stage}: {type(exc).__name__}: {exc}")
    return "failed"


# ---- 1. start -------------------------------------------------------------------------------------------------


def start_many(items: Sequence[Item], task_id: str) -> list[Started]:
    """Decide for which leads of `items` this task applies and record their StageRuns (the others were skipped or
    parked), in one transaction."""
    with transaction.atomic(), batched():
        locked = _locked_leads(lead_id for lead_id, _, _ in items)
        applicable: dict[uuid.UUID, tuple[Lead, str]] = {}
        for lead_id, stage, run_token in items:
            lead = _applicable_lead(locked.get(str(lead_id)), lead_id, stage, run_token)
            if lead is not None:
                applicable.setdefault(lead.pk, (lead, stage))
        if not applicable:
            return []
        attempts, running = _attempts(applicable)
        begins = []
        for lead, stage in applicable.values():
            if running[lead.pk].get(stage) and _lease_live(lead):
                logger.info("Stage %s of lead %s: running elsewhere (lease held), duplicate ignored", stage, lead.pk)
                continue
            begins.append(_Begin(lead, stage, attempts[lead.pk], supersede=bool(running[lead.pk].get(stage))))
        return _begin_many(begins, task_id)


def _begin_many(begins: list[_Begin], task_id: str, *, lease_saved: bool = False) -> list[Started]:
    """In the caller's transaction, each lead locked at its stage: park it there if the stage's agent is stopped,
    else record a `running` StageRun under a fresh lease (`lease_saved`: the caller saved it with the lead)."""
    if not begins:
        return []
    # Not locked: shared by every worker (see agents.status_writer).
    agents = {agent.stage: agent for agent in Agent.objects.filter(stage__in={begin.stage for begin in begins})}
    now = timezone.now()
    started: list[Started] = []
    for lead, stage, attempts, supersede in begins:
        agent = agents[stage]
        if agent.is_stopped:
            mark_waiting(lead, agent)
            continue
        if supersede:
            StageRun.objects.filter(lead=lead, stage=stage, status=StageRun.Status.RUNNING).update(
                status=StageRun.Status.FAILED, finished_at=now, error="Superseded by a redelivered task."
            )
        run = StageRun(lead=lead, agent=agent, stage=stage, status=StageRun.Status.RUNNING,
                       attempt=attempts.get(stage, 0) + 1, task_id=task_id or "", started_at=now)
        started.append(Started(lead, agent, run, attempts))
    StageRun.objects.bulk_create([one.run for one in started])
    resumed = {one.lead.pk for one in started if one.lead.status != Lead.Status.PROCESSING}
    leased = [one.lead for one in started if one.lead.pk in resumed or not lease_saved]
    if leased:
        lease = lease_deadline(now)
        Lead.objects.filter(pk__in=[lead.pk for lead in leased]).update(
            status=Lead.Status.PROCESSING, lease_expires_at=lease, updated_at=now)
        for lead in leased:
            lead.status, lead.lease_expires_at, lead.updated_at = Lead.Status.PROCESSING, lease, now
    running_jobs = running_job_ids(one.lead.prospect_job_id for one in started)
    events: list[PendingEvent] = []
    for one in started:
        if one.lead.pk in resumed:
            events.append(lead_updated(one.lead, ["status"]))
        events.append(lead_progress(one.lead, one.run.stage, "running", one.agent,
                                    job_id=job_id_for_events(one.lead, running_jobs)))
    publish_many(events)
    return started


def prepare_many(started: list[Started]) -> None:
    """After the commit that began the stages: the agents noted working, the websites visited (intake) and the
    tools' arguments built. The business context is read again only when its stamp, read with the locked lead,
    says it changed since this process last read it."""
    for one in started:
        agent_services.stage_started(one.agent, task=f"{one.spec.task_label} {one.lead.company_name}")
    # Network, so outside any transaction: the site's text joins what intake reads.
    enrich_many([one.lead for one in started if one.run.stage == PIPELINE[0]])
    for one in started:
        lead = one.lead
        context = agent_data_for(lead.owner_id, stamp=lead.context_stamp)  # type: ignore[attr-defined]  # annotated
        one.arguments = {"lead": lead_data(lead), "business_context": context, "previous": previous_results(lead)}
        one.context_version = context["version"] if context else None


def _locked_leads(lead_ids: Iterable[uuid.UUID | str], *, with_live_run: bool = False) -> dict[str, Lead]:
    """The leads, locked in primary-key order (two batches cannot deadlock), with their owner's `context_stamp`
    (`prepare_many` reads the context by it), by id. `with_live_run`: and `live_run_id`, their StageRun running
    at their current stage (every change of a lead's StageRuns is made with the lead locked: it stays true)."""
    leads = Lead.objects.select_for_update().annotate(context_stamp=context_stamp())
    if with_live_run:
        live = StageRun.objects.filter(lead=OuterRef("pk"), stage=OuterRef("processing_stage"),
                                       status=StageRun.Status.RUNNING)
        leads = leads.annotate(live_run_id=Subquery(live.values("pk")[:1]))
    return {str(lead.pk): lead for lead in leads.filter(pk__in=list(lead_ids)).order_by("pk")}


def _applicable_lead(lead: Lead | None, lead_id: uuid.UUID | str, stage: str, run_token: str) -> Lead | None:
    """`lead` (locked) if a task of this run for this stage still applies to it."""
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


def _attempts(lead_ids: Iterable[uuid.UUID]) -> tuple[dict[uuid.UUID, dict[str, int]], dict[uuid.UUID, dict[str, int]]]:
    """Each lead's StageRuns per stage, and those of them running (one statement)."""
    attempts: dict[uuid.UUID, dict[str, int]] = {}
    running: dict[uuid.UUID, dict[str, int]] = {}
    ids = list(lead_ids)
    for lead_id in ids:
        attempts[lead_id], running[lead_id] = {}, {}
    rows = StageRun.objects.filter(lead_id__in=ids).values("lead_id", "stage").annotate(
        total=Count("pk"), running=Count("pk", filter=Q(status=StageRun.Status.RUNNING))
    )
    for row in rows:
        attempts[row["lead_id"]][row["stage"]] = row["total"]
        running[row["lead_id"]][row["stage"]] = row["running"]
    return attempts, running


def _lease_live(lead: Lead) -> bool:
    """The lead is processing under a lease that has not run out: a running attempt (which renews it) is alive."""
    return bool(lead.status == Lead.Status.PROCESSING and lead.lease_expires_at
                and lead.lease_expires_at > timezone.now())


def previous_results(lead: Lead) -> dict[str, Result | None]:
    """Earlier stage results for the agent server (None for stages not done, or when what the lead stores no
    longer fits the contract, e.g. an operator typed a free-form company size)."""
    previous = stored_results(lead)
    try:
        PreviousResults.model_validate(previous)
        return previous  # the usual case: one validation, not one per stage
    except PydanticValidationError:
        pass
    for stage, value in previous.items():
        if value is not None:
            try:
                PreviousResults.model_validate({stage: value})
            except PydanticValidationError:
                logger.info("Lead %s: stored %s result does not fit the contract; not sent", lead.pk, stage)
                previous[stage] = None
    return previous


@contextlib.contextmanager
def keep_leases(lead_ids: list[uuid.UUID]) -> Iterator[None]:
    """Renew the leads' leases every third of their length on a thread while the body runs (the tool calls)."""
    if not lead_ids:
        yield
        return
    stop = threading.Event()
    every = settings.STAGE_STALE_AFTER_SECONDS / 3

    def renew() -> None:
        try:
            while not stop.wait(every):
                try:
                    if not renew_leases(lead_ids):
                        return
                except Exception as exc:  # the database is away: the next beat tries again
                    logger.warning("Leads %s...: leases not renewed (%s)", lead_ids[0], exc)
                    connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=renew, name=f"lease-{lead_ids[0]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


# ---- 2. call --------------------------------------------------------------------------------------------------


def call_many(started: list[Started]) -> list[Result | Exception]:
    """Each lead's stage tool on the agent server, the batch's calls in one MCP call (`mcp_bridge.client.call_tools`):
    its result validated against the stage's output model, or the exception it ended in."""
    try:
        outcomes = bridge.call_tools([(one.spec.tool, one.arguments) for one in started])
    except Exception as exc:  # a bug in the bridge: every call of the batch ended in it
        return [exc] * len(started)
    return [outcome if isinstance(outcome, Exception) else _validated(one.spec, outcome)
            for one, outcome in zip(started, outcomes, strict=True)]


def _validated(spec: StageSpec, result: dict[str, Any]) -> Result | AgentToolError:
    """`result` as the stage's output model reads it, or why it breaks the contract."""
    try:
        return spec.output.model_validate(result).model_dump(mode="json")
    except PydanticValidationError as exc:
        return AgentToolError(f"Agent tool {spec.tool} returned data that breaks the contract ({first_error(exc)})",
                              tool=spec.tool)


# ---- 3. finish or fail ----------------------------------------------------------------------------------------

_CLOSED_RUN_FIELDS = ["status", "finished_at", "duration_ms", "prompt_tokens", "completion_tokens", "total_tokens"]


def finish_many(succeeded: list[tuple[Started, Result]], *, go_on: bool = False
                ) -> tuple[set[uuid.UUID], list[Started]]:
    """Save each result and advance its lead, unless its attempt was superseded meanwhile. Returns the leads whose
    result was discarded and, `go_on`, the next stages begun in the same transaction (a lead that completed, was
    parked, or had its next stage queued is not among them)."""
    if not succeeded:
        return set(), []
    discarded, following = _save_results(succeeded, go_on)
    for one, _ in succeeded:
        agent_services.stage_succeeded(one.agent)
    return discarded, following


def _save_results(succeeded: list[tuple[Started, Result]], go_on: bool) -> tuple[set[uuid.UUID], list[Started]]:
    discarded: set[uuid.UUID] = set()
    advanced: list[tuple[Started, Lead, list[str]]] = []
    with transaction.atomic(), batched():
        locked = _locked_leads((one.lead.pk for one, _ in succeeded), with_live_run=True)
        finished_at = timezone.now()  # saved together: the batch's runs began together too
        for one, result in succeeded:
            run, usage = one.run, result.get("usage") or {}
            _close_run(run, usage, finished_at)
            lead = locked.get(str(one.lead.pk))
            if lead is None:  # deleted while the tool ran (its StageRuns with it)
                discarded.add(one.lead.pk)
                continue
            if not (lead.live_run_id == run.pk and lead.status == Lead.Status.PROCESSING):  # type: ignore[attr-defined]
                _discard(run.pk, usage)
                discarded.add(lead.pk)
                continue
            run.status = StageRun.Status.SUCCEEDED
            advanced.append((one, lead, _advance(lead, one, result, finished_at=finished_at)))
        if not advanced:
            return discarded, []
        _save_runs([one.run for one, _, _ in advanced])
        _save_advanced(advanced)
        return discarded, _after_advance(advanced, go_on)


def _after_advance(advanced: list[tuple[Started, Lead, list[str]]], go_on: bool) -> list[Started]:
    """The events of the saved stages, then each lead completed, its next stage begun (`go_on`) or queued."""
    running_jobs = running_job_ids(lead.prospect_job_id for _, lead, _ in advanced)
    events: list[PendingEvent] = []
    for one, lead, changed in advanced:
        events.append(lead_updated(lead, changed))
        events.append(lead_progress(lead, one.run.stage, "done", one.agent, one.run.duration_ms,
                                    job_id=job_id_for_events(lead, running_jobs)))
    publish_many(events)
    begins, completed = [], []
    for one, lead, _ in advanced:
        if lead.status == Lead.Status.COMPLETED:
            total_ms = _ms_between(lead.queued_at, lead.processed_at) if lead.queued_at and lead.processed_at else None
            publish_completed(lead, total_ms)
            completed.append(lead)
        elif go_on:  # the next stage's lease was saved with the lead
            begins.append(_Begin(lead, lead.processing_stage, one.attempts))
        else:
            queue_or_park(lead, Agent.objects.get(stage=lead.processing_stage), lease_until=lead.lease_expires_at,
                          lease_saved=True)
    _finished(completed)
    task_id = advanced[0][0].run.task_id
    return _begin_many(begins, task_id, lease_saved=True)


def _save_runs(runs: list[StageRun]) -> None:
    """The succeeded runs, one UPDATE per set of closing values (usually one: begun and closed together, with the
    same token usage, e.g. none without a language model)."""
    groups: dict[tuple, list[uuid.UUID]] = {}
    for run in runs:
        groups.setdefault(tuple(getattr(run, name) for name in _CLOSED_RUN_FIELDS), []).append(run.pk)
    for values, ids in groups.items():
        StageRun.objects.filter(pk__in=ids).update(**dict(zip(_CLOSED_RUN_FIELDS, values, strict=True)))


def _save_advanced(advanced: list[tuple[Started, Lead, list[str]]]) -> None:
    """Each lead's changed fields, one UPDATE each (Django's `bulk_update` costs more CPU than the saves)."""
    for _, lead, changed in advanced:
        lead.save(update_fields=[*dict.fromkeys([*changed, "last_error", "lease_expires_at"]), "updated_at"])


def _discard(run_id: uuid.UUID, usage: dict[str, Any]) -> None:
    """Superseded (sweeper or redelivery) or the lead was reset: keep the record of the attempt, not its result."""
    run = StageRun.objects.select_for_update().get(pk=run_id)
    _close_run(run, usage)
    if run.status == StageRun.Status.RUNNING:
        run.status = StageRun.Status.FAILED
        run.error = "Discarded: the lead moved on while this attempt ran."
    run.save()


def _close_run(run: StageRun, usage: dict[str, Any], finished_at: datetime | None = None) -> None:
    run.finished_at = finished_at or timezone.now()
    run.duration_ms = _ms_between(run.started_at, run.finished_at)
    run.prompt_tokens = int(usage.get("prompt_tokens") or 0)
    run.completion_tokens = int(usage.get("completion_tokens") or 0)
    run.total_tokens = int(usage.get("total_tokens") or 0)


def _advance(lead: Lead, started: Started, result: Result, *, finished_at: datetime) -> list[str]:
    """Write the stage's result on the lead (locked; saved by the caller) and move it to the next stage, or complete
    it. Returns the fields changed."""
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
    return list(dict.fromkeys(changed))


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
    _finished([lead])


def _finished(leads: list[Lead]) -> None:
    """Leads completed or failed: their owners' metrics change now (once per owner), the `on_lead_finished`
    receivers run after commit."""
    for owner_id in dict.fromkeys(lead.owner_id for lead in leads):
        notify_metrics_changed(user_id=owner_id)
    for lead in leads:
        transaction.on_commit(functools.partial(on_lead_finished, lead))


def _ms_between(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds() * 1000))

