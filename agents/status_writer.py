"""Coalesced agent-status writes of one worker process.

A stage starts and finishes in a few milliseconds of database time; writing its agent's row (and an `agent.status`
event) at both ends cost more than the stage itself and made every worker take the same row lock. Here a process
writes an agent's status at most every AGENT_STATUS_WRITE_SECONDS: the first change after a quiet spell at once,
the changes of a burst once, when the interval has passed (on a timer thread), so the last change is never lost.
What is written is derived from the committed StageRuns at that moment (`agents.services.sync_status`), so the
status ends right whatever the order of the notes: `active` once nothing of the agent runs.

Failures are written at once by `agents.services`, not here. A killed process may lose a pending write: the
sweeper syncs every agent's status (`agents.services.sync_statuses`).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection

Write = Callable[[uuid.UUID, str | None], None]  # (agent id, latest task label or None) → write it
Schedule = Callable[[float, Callable[[], None]], None]  # (delay, what to run then)


def run_on_timer(delay: float, flush: Callable[[], None]) -> None:
    """Run `flush` after `delay` seconds on a daemon thread with its own database connection."""

    def run() -> None:
        try:
            flush()
        finally:
            connection.close()

    timer = threading.Timer(delay, run)
    timer.daemon = True
    timer.start()


class StatusWriter:
    """Per process: which agents have a status change not yet written, and when each was last written."""

    def __init__(self, write: Write, *, schedule: Schedule = run_on_timer,
                 clock: Callable[[], float] = time.monotonic):
        self._write = write
        self._schedule = schedule
        self._clock = clock
        self._lock = threading.Lock()
        self._written_at: dict[uuid.UUID, float] = {}
        self._pending: dict[uuid.UUID, str | None] = {}  # agent → latest task started (None: none since)
        self._scheduled: set[uuid.UUID] = set()

    def note(self, agent_id: uuid.UUID, *, task: str | None = None) -> None:
        """The agent started `task` (or, `task` None, finished one): write its status now or at the end of the
        interval."""
        with self._lock:
            if task is not None or agent_id not in self._pending:
                self._pending[agent_id] = task
            wait = self._written_at.get(agent_id, float("-inf")) + settings.AGENT_STATUS_WRITE_SECONDS - self._clock()
            if wait > 0:
                if agent_id not in self._scheduled:
                    self._scheduled.add(agent_id)
                    self._schedule(wait, lambda: self.flush(agent_id))
                return
        self.flush(agent_id)

    def flush(self, agent_id: uuid.UUID) -> None:
        """Write the agent's pending change, if any."""
        with self._lock:
            self._scheduled.discard(agent_id)
            if agent_id not in self._pending:
                return
            task = self._pending.pop(agent_id)
            self._written_at[agent_id] = self._clock()
        self._write(agent_id, task)

    def forget(self) -> None:
        """Drop every pending change and timer record (a forked child starts with none)."""
        self._lock = threading.Lock()
        self._written_at.clear()
        self._pending.clear()
        self._scheduled.clear()


_writers: list[StatusWriter] = []


def _forget_after_fork() -> None:
    for writer in _writers:
        writer.forget()


def process_writer(write: Write) -> StatusWriter:
    """The process's writer (its state is dropped in a forked child: the parent's timers do not exist there)."""
    writer = StatusWriter(write)
    _writers.append(writer)
    return writer


os.register_at_fork(after_in_child=_forget_after_fork)
