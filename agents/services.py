"""Writes of agents: start/stop by an operator, and the status changes the pipeline makes while it works.

The status reflects reality: `processing` (with `current_task`) while the agent runs a stage, back to `active`
when nothing of it is running, `error` after `AGENT_ERROR_AFTER_FAILURES` consecutive failures or when its
server is unreachable, `inactive` when stopped (an operator's decision the pipeline never overrides).
Every status or `current_task` change publishes `agent.status` (global).

The pipeline reports a healthy agent's stages through `stage_started`/`stage_succeeded`, which a worker process
writes coalesced (`agents.status_writer`: at most every AGENT_STATUS_WRITE_SECONDS, the last change at the end of a
burst); failures, and the first success after them, are written at once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from agents.events import publish_agent_status
from agents.models import Agent, StageRun
from agents.status_writer import process_writer
from nellia.hooks import Hook

logger = logging.getLogger(__name__)

# An agent was started (inside the transaction that started it): the pipeline resumes the leads waiting for it.
agent_started: Hook[[Agent]] = Hook("agent_started")


def _failures_before_error() -> int:
    return int(getattr(settings, "AGENT_ERROR_AFTER_FAILURES", 3))


def _save(agent: Agent, before: tuple[str, str], fields: list[str]) -> None:
    agent.save(update_fields=[*dict.fromkeys([*fields, "updated_at"])])
    if (agent.status, agent.current_task) != before:
        publish_agent_status(agent)


def start_agent(*, agent: Agent) -> Agent:
    """Start `agent` (clearing an error) and resume the leads waiting at its stage, in arrival order."""
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        before = (agent.status, agent.current_task)
        running = StageRun.objects.filter(agent=agent, status=StageRun.Status.RUNNING).exists()
        agent.status = Agent.Status.PROCESSING if running else Agent.Status.ACTIVE
        agent.last_error = ""
        agent.consecutive_failures = 0
        agent.last_heartbeat = timezone.now()
        _save(agent, before, ["status", "last_error", "consecutive_failures", "last_heartbeat"])
        agent_started(agent)
    return agent


def stop_agent(*, agent: Agent) -> Agent:
    """Stop `agent`: its current item finishes; leads reaching its stage wait until it starts again."""
    with transaction.atomic():
        agent = Agent.objects.select_for_update().get(pk=agent.pk)
        before = (agent.status, agent.current_task)
        agent.status = Agent.Status.INACTIVE
        _save(agent, before, ["status"])
    return agent


def update_locked(change: Callable[..., None], agent_id: uuid.UUID, *, lock_timeout: str = "", **kwargs: Any) -> None:
    """Apply `change` (`mark_working`, `mark_idle`, `record_failure`) to the agent in a transaction of its own,
    holding its row for two statements. The pipeline calls it after a stage's transaction committed, so the stage
    transactions of every worker never wait on the one row their agent shares; the status is derived under the
    lock from the committed StageRuns, so concurrent finishes still leave it right. `lock_timeout` (PostgreSQL,
    e.g. "500ms"): give up a lock not granted within it (OperationalError)."""
    with transaction.atomic():
        if lock_timeout and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
        change(agent=Agent.objects.select_for_update().get(pk=agent_id), **kwargs)


def stage_started(agent: Agent, *, task: str) -> None:
    """The pipeline started a stage of `agent` (as read by that stage, unlocked), showing `task`."""
    if _healthy(agent):
        _writer.note(agent.pk, task=task[:300])
    else:
        update_locked(mark_working, agent.pk, task=task)


def stage_succeeded(agent: Agent) -> None:
    """A stage of `agent` (as read when it started) succeeded."""
    if _healthy(agent):
        _writer.note(agent.pk)
    else:  # clears its failures now
        update_locked(mark_idle, agent.pk, succeeded=True)


def _healthy(agent: Agent) -> bool:
    """Nothing of `agent` to clear on success: its coalesced status writes need only follow its StageRuns."""
    return (agent.status in (Agent.Status.ACTIVE, Agent.Status.PROCESSING) and not agent.consecutive_failures
            and not agent.last_error)


def sync_status(*, agent: Agent, task: str | None = None) -> None:
    """`agent` (locked by the caller): `processing` while a StageRun of it runs (showing `task`, the latest one
    started, or what it shows), else `active` with no task; a stopped or failing agent keeps its status."""
    before = (agent.status, agent.current_task)
    running = StageRun.objects.filter(agent=agent, status=StageRun.Status.RUNNING).exists()
    if not running:
        agent.current_task = ""
    elif task is not None and not (agent.status == Agent.Status.PROCESSING and _written_lately(agent)):
        agent.current_task = task
    if agent.status in (Agent.Status.ACTIVE, Agent.Status.PROCESSING):
        agent.status = Agent.Status.PROCESSING if running else Agent.Status.ACTIVE
    if (agent.status, agent.current_task) != before:
        agent.last_heartbeat = timezone.now()
        _save(agent, before, ["status", "current_task", "last_heartbeat"])


def _written_lately(agent: Agent) -> bool:
    """Another worker process wrote the agent within AGENT_STATUS_WRITE_SECONDS: a new task label alone waits, so
    the label changes at most that often whatever the number of processes (each coalesces only its own notes)."""
    window = timedelta(seconds=settings.AGENT_STATUS_WRITE_SECONDS)
    return bool(agent.last_heartbeat and timezone.now() - agent.last_heartbeat < window)


def sync_statuses() -> None:
    """Sync every pipeline agent's status (the sweeper: a killed worker may have lost a pending write)."""
    for agent_id in Agent.objects.exclude(stage=None).values_list("pk", flat=True):
        update_locked(sync_status, agent_id)


def _write_coalesced(agent_id: uuid.UUID, task: str | None) -> None:
    """A coalesced write, on its timer thread after the stage's task moved on: best effort. It gives up a lock it
    cannot get within 500 ms (a TRUNCATE or DDL waiting for the agent row while holding StageRun's table would
    deadlock with it); the sweeper syncs every agent's status anyway."""
    try:
        update_locked(sync_status, agent_id, lock_timeout="500ms", task=task)
    except OperationalError as exc:
        logger.warning("Status of agent %s not written (%s); the sweeper syncs it", agent_id, exc)


_writer = process_writer(_write_coalesced)


def mark_working(*, agent: Agent, task: str) -> None:
    """`agent` (locked by the caller) starts `task` (what it shows as its current task)."""
    before = (agent.status, agent.current_task)
    agent.current_task = task[:300]
    if agent.status != Agent.Status.INACTIVE:
        agent.status = Agent.Status.PROCESSING
    agent.last_heartbeat = timezone.now()
    _save(agent, before, ["status", "current_task", "last_heartbeat"])


def mark_idle(*, agent: Agent, succeeded: bool) -> None:
    """`agent` (locked by the caller) finished one stage; back to `active` when nothing else of it runs."""
    _finish(agent, succeeded=succeeded)


def record_failure(*, agent: Agent, error: str, unreachable: bool) -> None:
    """`agent` (locked by the caller) failed a stage; `error` status when its server is unreachable or after
    `AGENT_ERROR_AFTER_FAILURES` failures in a row."""
    _finish(agent, succeeded=False, error=error, unreachable=unreachable)


def _finish(agent: Agent, *, succeeded: bool, error: str | None = None, unreachable: bool = False) -> None:
    before = (agent.status, agent.current_task)
    fields = ["status", "current_task", "last_heartbeat", "consecutive_failures", "last_error"]
    agent.last_heartbeat = timezone.now()
    if succeeded:
        agent.consecutive_failures = 0
        agent.last_error = ""
    elif error is not None:
        agent.consecutive_failures += 1
        agent.last_error = error
    still_running = StageRun.objects.filter(agent=agent, status=StageRun.Status.RUNNING).exists()
    if not still_running:
        agent.current_task = ""
    if agent.status == Agent.Status.INACTIVE:
        pass  # stopped by an operator: only `start` changes that
    elif error is not None and (unreachable or agent.consecutive_failures >= _failures_before_error()):
        agent.status = Agent.Status.ERROR
    elif succeeded or agent.status == Agent.Status.PROCESSING:
        agent.status = Agent.Status.PROCESSING if still_running else Agent.Status.ACTIVE
    _save(agent, before, fields)
