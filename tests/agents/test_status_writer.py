"""The coalesced agent-status writes of a worker process (agents.status_writer), on a test clock."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from agents.models import Agent, StageRun
from agents.services import _write_coalesced, sync_status, update_locked
from agents.status_writer import StatusWriter
from tests.factories import LeadFactory

AGENT = uuid.uuid4()


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def _writer(settings, interval=0.5):
    settings.AGENT_STATUS_WRITE_SECONDS = interval
    writes, timers, clock = [], [], Clock()
    writer = StatusWriter(lambda agent, task: writes.append((agent, task)),
                          schedule=lambda delay, flush: timers.append((delay, flush)), clock=clock)
    return writer, writes, timers, clock


def test_the_first_change_is_written_at_once_a_burst_once_at_its_end(settings):
    writer, writes, timers, clock = _writer(settings)
    writer.note(AGENT, task="Recebendo A")
    assert writes == [(AGENT, "Recebendo A")] and timers == []
    clock.now += 0.1
    writer.note(AGENT)  # A finished
    clock.now += 0.1
    writer.note(AGENT, task="Recebendo B")
    clock.now += 0.1
    writer.note(AGENT)  # B finished
    assert len(writes) == 1 and [delay for delay, _ in timers] == [pytest.approx(0.4)]  # one timer for the burst
    clock.now += 0.2
    timers[0][1]()
    assert writes[-1] == (AGENT, "Recebendo B")  # the latest task started; the status comes from the StageRuns
    writer.flush(AGENT)
    assert len(writes) == 2  # nothing pending


def test_a_finish_alone_writes_no_task(settings):
    writer, writes, _timers, _clock = _writer(settings)
    writer.note(AGENT)
    assert writes == [(AGENT, None)]


def test_after_a_quiet_interval_a_change_is_written_at_once(settings):
    writer, writes, timers, clock = _writer(settings)
    writer.note(AGENT, task="a")
    clock.now += 0.6
    writer.note(AGENT)
    assert writes == [(AGENT, "a"), (AGENT, None)] and timers == []


def test_no_interval_writes_every_change(settings):
    writer, writes, timers, _clock = _writer(settings, interval=0)
    for task in ("a", None, "b", None):
        writer.note(AGENT, task=task)
    assert [task for _, task in writes] == ["a", None, "b", None] and timers == []


def test_a_forked_child_forgets_the_parents_pending_writes(settings):
    writer, writes, timers, _clock = _writer(settings)
    writer.note(AGENT, task="a")
    writer.note(AGENT)
    writer.forget()
    writer.note(AGENT, task="b")  # written at once: the child never wrote
    timers[0][1]()  # the parent's timer (not in a real child) finds nothing pending
    assert writes == [(AGENT, "a"), (AGENT, "b")]


@pytest.mark.django_db
def test_a_new_label_alone_waits_for_the_interval_across_processes(settings):
    """Each worker process coalesces its own notes; the row's heartbeat keeps the label's rate for all of them."""
    settings.AGENT_STATUS_WRITE_SECONDS = 0.5
    agent = Agent.objects.get(stage="persona")
    StageRun.objects.create(lead=LeadFactory(), agent=agent, stage="persona", status=StageRun.Status.RUNNING,
                            started_at=timezone.now())
    Agent.objects.filter(pk=agent.pk).update(status="processing", current_task="Criando persona para A",
                                             last_heartbeat=timezone.now())
    update_locked(sync_status, agent.pk, task="Criando persona para B")  # written by another process just now
    assert Agent.objects.get(pk=agent.pk).current_task == "Criando persona para A"
    Agent.objects.filter(pk=agent.pk).update(last_heartbeat=timezone.now() - timedelta(seconds=1))
    update_locked(sync_status, agent.pk, task="Criando persona para B")
    assert Agent.objects.get(pk=agent.pk).current_task == "Criando persona para B"
    StageRun.objects.filter(agent=agent).update(status=StageRun.Status.SUCCEEDED)
    update_locked(sync_status, agent.pk)  # nothing runs: `active` at once, whatever the heartbeat
    assert Agent.objects.filter(pk=agent.pk).values_list("status", "current_task").get() == ("active", "")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql_only")  # lock_timeout: SQLite's writers wait for the lock (its busy timeout)
def test_a_coalesced_write_gives_up_a_lock_it_cannot_get(caplog):
    """A TRUNCATE (or another writer) holding the agent row: the timer's write is dropped after 500 ms, never a
    deadlock; the sweeper syncs the status later."""
    agent = Agent.objects.get(stage="analysis")
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Agent.objects.select_for_update().get(pk=agent.pk)
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        _write_coalesced(agent.pk, "Analisando X")
    finally:
        release.set()
        holder.join(10)
    assert "not written" in caplog.text
    assert Agent.objects.get(pk=agent.pk).current_task != "Analisando X"
