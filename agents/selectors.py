"""Reads of agents and their metrics, computed by the database from `StageRun` rows.

Definitions (shared by the list's `metrics` and `/metrics?window=`):
- processed = finished runs (succeeded + failed), by `finished_at`; `error_count`/`failed` = failed runs;
- success_rate = succeeded / processed (0.0 when nothing was processed);
- avg/p95 processing time = over succeeded runs' `duration_ms` (p95: nearest rank, one ordered offset query);
- throughput_per_hour = processed in the window / window hours (the list: processed in the last hour);
- llm_usage = token sums over finished runs;
- queue_depth = leads at the agent's stage that are `queued` or `waiting`, or `processing` between two
  stages (no running StageRun).
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDay, TruncHour, TruncMinute
from django.utils import timezone

from agents.models import Agent, AgentRunCounts, StageRun
from leads.models import Lead, Stage
from nellia.deltas import fold_delta_rows

WINDOWS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
# window → (truncation the database groups by, truncated units per bucket, bucket length, bucket count)
SERIES: dict[str, tuple[Any, int, timedelta, int]] = {
    "1h": (TruncMinute, 5, timedelta(minutes=5), 12),
    "24h": (TruncHour, 1, timedelta(hours=1), 24),
    "7d": (TruncHour, 6, timedelta(hours=6), 28),
    "30d": (TruncDay, 1, timedelta(days=1), 30),
}
FINISHED = (StageRun.Status.SUCCEEDED, StageRun.Status.FAILED)


def agents_list() -> QuerySet[Agent]:
    """All agents, pipeline agents in stage order first, then the others by creation."""
    order = Case(
        *[When(stage=stage, then=Value(index)) for index, stage in enumerate(Stage.values)],
        default=Value(len(Stage.values)),
        output_field=IntegerField(),
    )
    return Agent.objects.annotate(stage_order=order).order_by("stage_order", "created_at")


def agent_by_id(agent_id: Any) -> Agent | None:
    """The agent `agent_id`; None when there is none or the id is malformed."""
    try:
        return Agent.objects.filter(pk=uuid.UUID(str(agent_id))).first()
    except ValueError:
        return None


def _empty_usage() -> dict[str, int]:
    return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}


def _run_aggregates(**extra: Any) -> dict[str, Any]:
    succeeded = Q(status=StageRun.Status.SUCCEEDED)
    failed = Q(status=StageRun.Status.FAILED)
    return {
        "succeeded": Count("id", filter=succeeded),
        "failed": Count("id", filter=failed),
        "avg_ms": Avg("duration_ms", filter=succeeded),
        "prompt_tokens": Coalesce(Sum("prompt_tokens"), 0),
        "completion_tokens": Coalesce(Sum("completion_tokens"), 0),
        "total_tokens": Coalesce(Sum("total_tokens"), 0),
        **extra,
    }


def queue_depths() -> dict[str, int]:
    """Leads waiting for each stage: the active leads per stage, an index-only count on `lead_queue` (status,
    processing_stage), minus the few that a running StageRun is working on (at most one per worker slot)."""
    active = (
        Lead.objects.filter(
            status__in=[Lead.Status.QUEUED, Lead.Status.WAITING, Lead.Status.PROCESSING], processing_stage__in=Stage.values
        )
        .values("processing_stage")
        .annotate(n=Count("*"))  # not COUNT(id): the index holds no id, the scan would visit the heap
    )
    depths = {row["processing_stage"]: row["n"] for row in active}
    being_run = (
        StageRun.objects.filter(status=StageRun.Status.RUNNING, lead__status=Lead.Status.PROCESSING,
                                lead__processing_stage=F("stage"))
        .values("stage")
        .annotate(n=Count("lead_id", distinct=True))
    )
    for row in being_run:
        depths[row["stage"]] = depths.get(row["stage"], 0) - row["n"]
    return {stage: n for stage, n in depths.items() if n}


def metrics_for_agents(agents: list[Agent], *, now: datetime | None = None) -> dict[Any, dict[str, Any]]:
    """The API's `metrics` dict for each agent, keyed by agent id: a constant number of queries for any number of
    agents, none of which reads the agents' whole history on PostgreSQL (`finished_totals`)."""
    now = now or timezone.now()
    ids = [agent.pk for agent in agents]
    by_agent = finished_totals(ids)
    last_hour = dict(
        StageRun.objects.filter(agent_id__in=ids, finished_at__gte=now - timedelta(hours=1), status__in=FINISHED)
        .values("agent_id").annotate(n=Count("*")).values_list("agent_id", "n")
    )
    depths = queue_depths()
    result = {}
    for agent in agents:
        row = by_agent.get(agent.pk, {})
        succeeded, failed = row.get("succeeded", 0), row.get("failed", 0)
        processed = succeeded + failed
        result[agent.pk] = {
            "queue_depth": depths.get(agent.stage, 0) if agent.stage else 0,
            "processed_count": processed,
            "error_count": failed,
            "success_rate": round(succeeded / processed, 4) if processed else 0.0,
            "throughput_per_hour": float(last_hour.get(agent.pk, 0)),
            "avg_processing_time_ms": _ms(row.get("avg_ms")),
            "llm_usage": {key: int(row.get(key, 0)) for key in _empty_usage()},
            "llm_token_limit": agent.llm_token_limit,
        }
    return result


# An agent's AgentRunCounts rows read before they are folded into one (a row per closing statement of its runs).
FOLD_AFTER_ROWS = 500
_TOTALS = [field.name for field in AgentRunCounts._meta.concrete_fields if field.name not in ("id", "agent_id")]


def finished_totals(ids: list[Any]) -> dict[Any, dict[str, Any]]:
    """Per agent id: its finished runs' `succeeded`, `failed` and token sums, and `avg_ms` of the succeeded ones.
    PostgreSQL: from the trigger-kept AgentRunCounts rows (folded when they grow long); SQLite: one aggregate."""
    if connection.vendor != "postgresql":
        aggregated = StageRun.objects.filter(agent_id__in=ids, status__in=FINISHED).values("agent_id").annotate(
            **_run_aggregates())
        return {row["agent_id"]: row for row in aggregated}
    rows = list(AgentRunCounts.objects.filter(agent_id__in=ids).values("agent_id").annotate(
        rows=Count("*"), **{name: Sum(name) for name in _TOTALS}))
    long = [row["agent_id"] for row in rows if row["rows"] > FOLD_AFTER_ROWS]
    if long:
        fold_delta_rows(AgentRunCounts, ["agent_id"], _TOTALS, where="agent_id = ANY(%s)", params=[long])
    return {row["agent_id"]: {**row, "avg_ms": row["duration_ms"] / row["timed"] if row["timed"] else None}
            for row in rows}


def agent_metrics(agent: Agent, window: str | timedelta | None = None) -> dict[str, Any]:
    """The API's `metrics` dict of one agent; with `window` ("1h", "24h", "7d", "30d" or a timedelta) the
    counts cover only that window and the throughput is averaged over it."""
    if window is None:
        return metrics_for_agents([agent])[agent.pk]
    span = WINDOWS[window] if isinstance(window, str) else window
    totals = window_totals(agent, span)
    return {
        "queue_depth": queue_depths().get(agent.stage, 0) if agent.stage else 0,
        "processed_count": totals["processed"],
        "error_count": totals["failed"],
        "success_rate": totals["success_rate"],
        "throughput_per_hour": totals["throughput_per_hour"],
        "avg_processing_time_ms": totals["avg_processing_time_ms"],
        "llm_usage": totals["llm_usage"],
        "llm_token_limit": agent.llm_token_limit,
    }


def _ms(value: Any) -> float:
    return round(float(value), 1) if value is not None else 0.0


def window_totals(agent: Agent, span: timedelta, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    runs = StageRun.objects.filter(agent=agent, status__in=FINISHED, finished_at__gte=now - span, finished_at__lte=now)
    row = runs.aggregate(**_run_aggregates())
    processed = row["succeeded"] + row["failed"]
    hours = span.total_seconds() / 3600
    return {
        "processed": processed,
        "succeeded": row["succeeded"],
        "failed": row["failed"],
        "success_rate": round(row["succeeded"] / processed, 4) if processed else 0.0,
        "avg_processing_time_ms": _ms(row["avg_ms"]),
        "p95_processing_time_ms": _p95(runs.filter(status=StageRun.Status.SUCCEEDED, duration_ms__isnull=False)),
        "throughput_per_hour": round(processed / hours, 4) if hours else 0.0,
        "llm_usage": {key: int(row[key]) for key in _empty_usage()},
    }


def _p95(durations: QuerySet[StageRun]) -> float:
    """Nearest-rank 95th percentile of `duration_ms`: a COUNT and one ordered OFFSET query."""
    count = durations.count()
    if not count:
        return 0.0
    rank = math.ceil(0.95 * count) - 1
    value = durations.order_by("duration_ms").values_list("duration_ms", flat=True)[rank]
    assert value is not None, "the caller passes only runs with a duration"
    return float(value)


def _bucket_start(moment: datetime, unit: Any, per_bucket: int) -> datetime:
    local = timezone.localtime(moment)
    if unit is TruncMinute:
        return local.replace(minute=local.minute - local.minute % per_bucket, second=0, microsecond=0)
    if unit is TruncHour:
        return local.replace(hour=local.hour - local.hour % per_bucket, minute=0, second=0, microsecond=0)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def agent_window_metrics(agent: Agent, window: str, *, now: datetime | None = None) -> dict[str, Any]:
    """`GET /api/agents/{id}/metrics?window=` body: totals over the window and a zero-filled bucket series."""
    now = now or timezone.now()
    span = WINDOWS[window]
    unit, per_bucket, bucket, count = SERIES[window]
    totals = window_totals(agent, span, now=now)
    last = _bucket_start(now, unit, per_bucket)
    first = last - bucket * (count - 1)
    tz = timezone.get_current_timezone()
    grouped = (
        StageRun.objects.filter(agent=agent, status__in=FINISHED, finished_at__gte=first, finished_at__lte=now)
        .annotate(slot=unit("finished_at", tzinfo=tz))
        .values("slot")
        .annotate(
            processed=Count("id"),
            failed=Count("id", filter=Q(status=StageRun.Status.FAILED)),
            ok=Count("id", filter=Q(status=StageRun.Status.SUCCEEDED, duration_ms__isnull=False)),
            ms=Coalesce(Sum(F("duration_ms"), filter=Q(status=StageRun.Status.SUCCEEDED)), 0),
        )
        .order_by("slot")
    )
    buckets: dict[datetime, dict[str, Any]] = {}
    for index in range(count):
        start = first + bucket * index
        buckets[start] = {"timestamp": start, "processed": 0, "failed": 0, "_ok": 0, "_ms": 0}
    for row in grouped:  # at most one row per truncated unit (≤ 168), folded into the buckets
        start = _bucket_start(row["slot"], unit, per_bucket)
        target = buckets.get(start)
        if target is None:
            continue
        target["processed"] += row["processed"]
        target["failed"] += row["failed"]
        target["_ok"] += row["ok"]
        target["_ms"] += row["ms"]
    series = [
        {
            "timestamp": item["timestamp"],
            "processed": item["processed"],
            "failed": item["failed"],
            "avg_processing_time_ms": round(item["_ms"] / item["_ok"], 1) if item["_ok"] else 0.0,
        }
        for item in buckets.values()
    ]
    return {"agent_id": agent.pk, "window": window, **totals, "series": series}
