"""The trigger-kept agent run counts (agents.models.AgentRunCounts) give the same agent metrics as aggregating the
runs, after every kind of write: creating runs, closing a batch in one UPDATE, failing, a lead's cascade delete;
and folding keeps them. PostgreSQL only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agents import selectors
from agents.models import Agent, AgentRunCounts, StageRun
from tests.factories import LeadFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgresql_only")]


def _both(agents: list[Agent], monkeypatch) -> tuple[dict, dict]:
    """(metrics from the counts, metrics aggregated from the runs)."""
    now = timezone.now()
    counted = selectors.metrics_for_agents(agents, now=now)
    with monkeypatch.context() as patch:
        patch.setattr(connection, "vendor", "sqlite")
        aggregated = selectors.metrics_for_agents(agents, now=now)
    return counted, aggregated


def _runs(agent: Agent, lead, count: int, **fields) -> list[StageRun]:
    now = timezone.now()
    return StageRun.objects.bulk_create(
        StageRun(lead=lead, agent=agent, stage=agent.stage, started_at=now, **fields) for _ in range(count)
    )


def test_the_counts_follow_every_write_of_the_runs(user, monkeypatch):
    analysis, persona = Agent.objects.get(stage="analysis"), Agent.objects.get(stage="persona")
    kept, deleted = LeadFactory(owner=user), LeadFactory(owner=user)
    running = _runs(analysis, kept, 4)
    _runs(persona, deleted, 3, status="succeeded", finished_at=timezone.now(), duration_ms=120, total_tokens=9,
          prompt_tokens=5, completion_tokens=4)
    counted, aggregated = _both([analysis, persona], monkeypatch)
    assert counted == aggregated and counted[persona.pk]["processed_count"] == 3
    assert counted[analysis.pk]["processed_count"] == 0  # running runs count for nothing

    # the runner closes a batch in one UPDATE; then one fails later, and a lead's runs go with it
    StageRun.objects.filter(pk__in=[run.pk for run in running[:3]]).update(
        status="succeeded", finished_at=timezone.now(), duration_ms=200, total_tokens=7)
    StageRun.objects.filter(pk=running[3].pk).update(status="failed", finished_at=timezone.now())
    deleted.delete()
    counted, aggregated = _both([analysis, persona], monkeypatch)
    assert counted == aggregated
    assert counted[analysis.pk]["processed_count"] == 4 and counted[analysis.pk]["error_count"] == 1
    assert counted[analysis.pk]["avg_processing_time_ms"] == 200.0
    assert counted[persona.pk]["processed_count"] == 0


def test_long_counts_are_folded_into_one_row_per_agent_with_the_same_numbers(user, monkeypatch):
    agent = Agent.objects.get(stage="analysis")
    lead = LeadFactory(owner=user)
    for ms in range(40):  # one closing statement each: one row each
        _runs(agent, lead, 1, status="succeeded" if ms % 4 else "failed", finished_at=timezone.now() - timedelta(
            minutes=ms * 3), duration_ms=ms, total_tokens=ms)
    monkeypatch.setattr(selectors, "FOLD_AFTER_ROWS", 10)
    before = _both([agent], monkeypatch)[1]
    counted, aggregated = _both([agent], monkeypatch)  # the first read folded
    assert AgentRunCounts.objects.filter(agent_id=agent.pk).count() == 1
    assert counted == aggregated == before


def test_the_status_broadcast_does_not_read_the_agents_history(user):
    """What a status broadcast renders reads the counts and the last hour of runs, never every run: a run
    finished two hours ago is in the numbers, but no query of the broadcast touches it."""
    agent = Agent.objects.get(stage="analysis")
    _runs(agent, LeadFactory(owner=user), 2, status="succeeded", finished_at=timezone.now() - timedelta(hours=2),
          duration_ms=10)
    with CaptureQueriesContext(connection) as queries:
        metrics = selectors.metrics_for_agents([agent])[agent.pk]
    assert metrics["processed_count"] == 2 and metrics["throughput_per_hour"] == 0.0
    run_reads = [q["sql"] for q in queries if 'FROM "agents_stagerun"' in q["sql"]]
    assert run_reads and all('"finished_at" >=' in sql or '"status" = ' in sql for sql in run_reads), run_reads
