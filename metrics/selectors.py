"""Reads for the dashboard: every number is computed by the database.

Definitions (also in the OpenAPI schema, see metrics/serializers.py):
- Lead numbers are per user (`leads.selectors.leads_for`: admins see every lead).
- `processed_today`: leads whose pipeline completed (`status=completed`) since local midnight in
  `settings.TIME_ZONE`.
- `processing_now`: leads that are `queued` or `processing`.
- `success_rate`: succeeded / finished pipeline runs = completed leads / (completed + failed leads), 0..1; 0.0
  when nothing has finished.
- `avg_processing_time_ms`: mean pipeline time of a completed lead = `processed_at - queued_at` (the wall time of
  its last run, queue waits included: the `duration_ms` of `lead.completed`); null when there are none.
- `avg_scores`: mean of the non-null scores; null when no lead has that score.
- Performance series: `leads_created` by `created_at`; `leads_processed` = leads completed in the bucket (by
  `processed_at`); `leads_failed` = distinct leads with a failed stage run finishing in the bucket;
  `avg_processing_time_ms` = the mean pipeline time (as above) of the leads processed in the bucket (null: none). Buckets
  start on local hours (24h) or local days (7d, 30d, 90d), oldest first, ending with the current bucket.

Aggregates come from `GROUP BY` / `FILTER` queries; Python only walks the (few) groups and the bucket list. On
PostgreSQL the overview's per-(status, stage, tier) groups are read from `metrics.models.LeadCountsDelta`, kept
exact by triggers on every write of a lead (O(groups) instead of a scan of the owner's leads: 1M leads in ~10 ms);
`processed_today` is a range scan of the (owner, status, processed_at) index. SQLite aggregates the leads.
Values are cached for `settings.METRICS_CACHE_SECONDS` under a version bumped by
`metrics.services.notify_metrics_changed`. Passing `now` computes fresh values (tests freeze time that way).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from agents import selectors as agent_selectors
from agents.models import Agent, StageRun
from events.models import Event
from leads.hooks import COUNTED_FIELDS
from leads.models import Lead
from leads.selectors import leads_for
from metrics.models import LeadCountsDelta
from metrics.services import cache_version
from nellia.deltas import fold_delta_rows
from nellia.lookups import sees_everything

RANGES: dict[str, tuple[str, int]] = {"24h": ("hour", 24), "7d": ("day", 7), "30d": ("day", 30), "90d": ("day", 90)}
RECENT_ACTIVITY_LIMIT = 10
# Event types that are worth a line in "recent activity" (progress ticks and typing are noise).
ACTIVITY_TYPES = (
    "lead.created",
    "lead.deleted",
    "lead.completed",
    "lead.failed",
    "agent.status",
    "job.completed",
    "job.failed",
)
SCORE_FIELDS = {
    "relevance": "relevance_score",
    "roi_potential": "roi_potential_score",
    "brazilian_market_fit": "brazilian_market_fit",
}
# Wall time of a completed lead's last pipeline run (the lead.completed event's duration_ms).
PIPELINE_TIME = ExpressionWrapper(F("processed_at") - F("queued_at"), output_field=DurationField())
ACTIVE_AGENT_STATUSES = (Agent.Status.ACTIVE, Agent.Status.PROCESSING)


class InvalidRangeError(ValueError):
    """`range` is not one of RANGES."""


def _cached(name: str, user: Any, compute: Callable[[], Any], now: datetime | None) -> Any:
    """`compute()` cached under the current metrics version of the caller's scope; fresh when `now` is given."""
    if now is not None or settings.METRICS_CACHE_SECONDS <= 0:
        return compute()
    if user is None or sees_everything(user):
        # Admin numbers and agent numbers cover everyone: any change bumps the "all" version.
        scope, versions = "all", str(cache_version("all"))
    else:
        scope = str(user.pk)
        versions = f"{cache_version(scope)}.{cache_version('global')}"
    key = f"metrics:{name}:{scope}:{versions}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.METRICS_CACHE_SECONDS)
    return value


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def _mean_ms(total: Any, count: int) -> float | None:
    return round(float(total) / count, 1) if count and total is not None else None


def _local_midnight(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


# --- overview -------------------------------------------------------------------------------------------------

# Numbers kept per group, summed over the groups of a breakdown.
_GROUP_SUMS = ("n", "timed", "run_time_us", *(f"{key}_{part}" for key in SCORE_FIELDS for part in ("sum", "n")))
# Delta rows of the scope read before the overview folds them (compact_lead_counts): a few per group are fine.
COMPACT_AFTER_ROWS = 1000


def _aggregated_groups(leads: QuerySet[Lead]) -> list[dict[str, Any]]:
    """One GROUP BY over (status, stage, tier) of the leads themselves (SQLite, and the reference for tests)."""
    rows = (
        leads.order_by()
        .values("status", "processing_stage", "qualification_tier")
        .annotate(
            # Not COUNT(id): every column read here is in the `lead_owner_overview` covering index.
            n=Count("*"),
            run_time=Sum(PIPELINE_TIME, filter=Q(status=Lead.Status.COMPLETED)),
            timed=Count("queued_at", filter=Q(status=Lead.Status.COMPLETED, processed_at__isnull=False)),
            **{f"{key}_sum": Sum(field) for key, field in SCORE_FIELDS.items()},
            **{f"{key}_n": Count(field) for key, field in SCORE_FIELDS.items()},
        )
    )
    groups = []
    for row in rows:
        run_time = row.pop("run_time")
        row["run_time_us"] = run_time // timedelta(microseconds=1) if row["timed"] and run_time is not None else 0
        groups.append(row)
    return groups


def _counted_groups(user: Any) -> list[dict[str, Any]]:
    """The same groups from the trigger-maintained `LeadCountsDelta` rows (PostgreSQL): O(groups), not O(leads)."""
    deltas = LeadCountsDelta.objects.all() if sees_everything(user) else LeadCountsDelta.objects.filter(owner_id=user.pk)
    rows = list(
        deltas.order_by()
        .values("status", "processing_stage", "qualification_tier")
        .annotate(rows=Count("*"), owners=Count("owner_id", distinct=True), **{name: Sum(name) for name in _GROUP_SUMS})
    )
    read = sum(row["rows"] for row in rows)
    if read > COMPACT_AFTER_ROWS + 4 * sum(row["owners"] for row in rows):
        compact_lead_counts(owner_id=None if sees_everything(user) else user.pk)
    return [row for row in rows if row["n"]]


def compact_lead_counts(*, owner_id: Any = None) -> None:
    """Fold the `LeadCountsDelta` rows of `owner_id` (None: every owner) into one row per group."""
    where, params = ("owner_id = %s", [owner_id]) if owner_id is not None else ("", [])
    fold_delta_rows(LeadCountsDelta, ["owner_id", *COUNTED_FIELDS], _GROUP_SUMS, where=where, params=params)


def uses_lead_counts() -> bool:
    """Whether the overview reads the trigger-maintained counts (PostgreSQL) instead of aggregating the leads."""
    return connection.vendor == "postgresql"


def lead_count(user: Any, **filters: str | None) -> int | None:
    """How many leads `user` sees with these exact `status`/`processing_stage`/`qualification_tier` values, from
    the lead counts (no scan of the leads); None where there are no counts (SQLite): count the leads instead."""
    if not uses_lead_counts() or not getattr(user, "is_authenticated", False):
        return None
    if set(filters) - set(COUNTED_FIELDS):
        raise ValueError(f"lead_count filters are {', '.join(COUNTED_FIELDS)}")
    deltas = LeadCountsDelta.objects.filter(**filters)
    if not sees_everything(user):
        deltas = deltas.filter(owner_id=user.pk)
    return deltas.aggregate(n=Sum("n"))["n"] or 0


def _lead_breakdown(user: Any, leads: QuerySet[Lead], *, today_start: datetime) -> dict[str, Any]:
    """Counts and means of `user`'s leads from per-(status, stage, tier) groups, folded here."""
    groups = _counted_groups(user) if uses_lead_counts() else _aggregated_groups(leads)
    by_status = dict.fromkeys(Lead.Status.values, 0)
    by_stage = dict.fromkeys(Lead.ProcessingStage.values, 0)
    by_tier = dict.fromkeys(Lead.Tier.values, 0)
    totals = dict.fromkeys(_GROUP_SUMS, 0)
    for group in groups:
        n = group["n"]
        for name in _GROUP_SUMS:
            totals[name] += group[name] or 0
        by_status[group["status"]] = by_status.get(group["status"], 0) + n
        by_stage[group["processing_stage"]] = by_stage.get(group["processing_stage"], 0) + n
        if group["qualification_tier"]:
            by_tier[group["qualification_tier"]] = by_tier.get(group["qualification_tier"], 0) + n
    finished = by_status[Lead.Status.COMPLETED] + by_status[Lead.Status.FAILED]
    # A range scan of the (owner, status, processed_at) index: today's completed leads only.
    today = leads.filter(status=Lead.Status.COMPLETED, processed_at__gte=today_start).count()
    return {
        "total_leads": totals["n"],
        "leads_by_status": by_status,
        "leads_by_stage": by_stage,
        "leads_by_tier": by_tier,
        "processed_today": today,
        "processing_now": sum(by_status[s] for s in Lead.ACTIVE_STATUSES),
        "success_rate": _ratio(by_status[Lead.Status.COMPLETED], finished),
        "avg_processing_time_ms": _mean_ms(totals["run_time_us"] / 1000, totals["timed"]),
        "avg_scores": {
            key: (round(float(totals[f"{key}_sum"]) / totals[f"{key}_n"], 4) if totals[f"{key}_n"] else None)
            for key in SCORE_FIELDS
        },
    }


def _activity_description(event_type: str, data: dict[str, Any]) -> str:
    name = data.get("company_name") or data.get("name") or data.get("lead_id") or ""
    descriptions = {
        "lead.created": f"Lead {name} created",
        "lead.deleted": f"Lead {data.get('lead_id', '')} deleted",
        "lead.completed": f"Lead {name} processed ({data.get('qualification_tier') or 'no tier'})",
        "lead.failed": f"Lead {name} failed at {data.get('stage', '?')}: {data.get('error', '')}".rstrip(": "),
        "agent.status": f"Agent {name} is {data.get('status', '?')}",
        "job.completed": f"Prospecting '{data.get('search_query', '')}' found {data.get('leads_generated', 0)} leads",
        "job.failed": f"Prospecting '{data.get('search_query', '')}' failed: {data.get('error', '')}",
    }
    return descriptions.get(event_type, event_type)


def recent_activity(user: Any, *, limit: int = RECENT_ACTIVITY_LIMIT) -> list[dict[str, Any]]:
    """The newest meaningful events the user may see (their own and global ones; admins: all), newest first."""
    events = Event.objects.filter(type__in=ACTIVITY_TYPES)
    if not sees_everything(user):
        events = events.filter(Q(user_id=user.pk) | Q(user__isnull=True))
    rows = events.order_by("-id").values("id", "type", "data", "created_at")[:limit]
    return [
        {
            "id": row["id"],
            "type": row["type"],
            "description": _activity_description(row["type"], row["data"] or {}),
            "timestamp": row["created_at"].isoformat(),
            "metadata": row["data"] or {},
        }
        for row in rows
    ]


def agent_counts() -> dict[str, int]:
    row = Agent.objects.aggregate(total=Count("id"), active=Count("id", filter=Q(status__in=ACTIVE_AGENT_STATUSES)))
    return {"total_agents": row["total"], "active_agents": row["active"]}


def overview(user: Any, *, now: datetime | None = None) -> dict[str, Any]:
    """The dashboard numbers of `user` (API.md "Metrics" overview), cached briefly unless `now` is given."""

    def compute() -> dict[str, Any]:
        moment = now or timezone.now()
        leads = leads_for(user)
        data = _lead_breakdown(user, leads, today_start=_local_midnight(moment))
        data.update(agent_counts())
        data["recent_activity"] = recent_activity(user)
        data["generated_at"] = moment.isoformat()
        return data

    return _cached("overview", user, compute, now)


# --- performance ----------------------------------------------------------------------------------------------

def bucket_starts(range_: str, now: datetime) -> tuple[str, list[datetime]]:
    """(bucket name, aware local bucket starts oldest first), the last one containing `now`."""
    if range_ not in RANGES:
        raise InvalidRangeError(f"range must be one of {', '.join(RANGES)}.")
    bucket, count = RANGES[range_]
    local = timezone.localtime(now)
    tz = local.tzinfo
    if bucket == "hour":
        # Step in UTC so DST changes never skip or repeat an hour, then show local times.
        last = local.replace(minute=0, second=0, microsecond=0)
        return bucket, [timezone.localtime(last - timedelta(hours=i), tz) for i in range(count - 1, -1, -1)]
    today = local.date()
    days = [today - timedelta(days=i) for i in range(count - 1, -1, -1)]
    return bucket, [datetime(d.year, d.month, d.day, tzinfo=tz) for d in days]


def _series(queryset: QuerySet, field: str, bucket: str, start: datetime, **aggregates: Any) -> dict[int, dict]:
    trunc = TruncHour if bucket == "hour" else TruncDay
    rows = (
        queryset.order_by()
        .filter(**{f"{field}__gte": start})
        .annotate(bucket=trunc(field, tzinfo=timezone.get_current_timezone()))
        .values("bucket")
        .annotate(**aggregates)
    )
    return {int(row["bucket"].timestamp()): row for row in rows}


def performance(user: Any, range_: str = "24h", *, now: datetime | None = None) -> dict[str, Any]:
    """Zero-filled time series of `user`'s pipeline (API.md "Metrics" performance). Raises InvalidRangeError."""
    if range_ not in RANGES:
        raise InvalidRangeError(f"range must be one of {', '.join(RANGES)}.")

    def compute() -> dict[str, Any]:
        bucket, starts = bucket_starts(range_, now or timezone.now())
        start = starts[0]
        leads = leads_for(user)
        lead_ids = leads.order_by().values("id")
        created = _series(leads, "created_at", bucket, start, n=Count("id"))
        processed = _series(
            leads.filter(status=Lead.Status.COMPLETED), "processed_at", bucket, start,
            n=Count("id"), run_time=Sum(PIPELINE_TIME), timed=Count("queued_at"),
        )
        failed = _series(
            StageRun.objects.filter(status=StageRun.Status.FAILED, lead__in=lead_ids),
            "finished_at", bucket, start, n=Count("lead_id", distinct=True),
        )
        series = []
        for moment in starts:
            key = int(moment.timestamp())
            done = processed.get(key, {})
            run_time = done.get("run_time")
            series.append(
                {
                    "timestamp": moment.isoformat(),
                    "leads_created": created.get(key, {}).get("n", 0),
                    "leads_processed": done.get("n", 0),
                    "leads_failed": failed.get(key, {}).get("n", 0),
                    "avg_processing_time_ms": _mean_ms(
                        run_time / timedelta(milliseconds=1) if run_time is not None else None, done.get("timed", 0)
                    ),
                }
            )
        return {"range": range_, "bucket": bucket, "series": series}

    return _cached(f"performance:{range_}", user, compute, now)


# --- agents ---------------------------------------------------------------------------------------------------

AGENT_WINDOWS = agent_selectors.WINDOWS


def agents_summary(*, window: str | None = None, now: datetime | None = None) -> list[dict[str, Any]]:
    """Every agent's numbers from its finished stage runs (API.md "Metrics" agents), in pipeline order.

    Computed by `agents.selectors` (the same definitions as an agent's `metrics`): all finished runs and
    `throughput_per_hour` = runs finished in the last hour; with `window` (1h|24h|7d|30d) only the runs finished
    in it, the throughput averaged over it.
    """
    if window is not None and window not in AGENT_WINDOWS:
        raise InvalidRangeError(f"window must be one of {', '.join(AGENT_WINDOWS)}.")

    def compute() -> list[dict[str, Any]]:
        return _agents_summary(window, now or timezone.now())

    return _cached(f"agents:{window}", None, compute, now)


def _summary_row(agent: Agent, processed: int, failed: int, numbers: dict[str, Any]) -> dict[str, Any]:
    return {
        "agent_id": str(agent.pk),
        "name": agent.name,
        "display_name": agent.display_name,
        "processed": processed,
        "succeeded": processed - failed,
        "failed": failed,
        "success_rate": numbers["success_rate"],
        "avg_processing_time_ms": numbers["avg_processing_time_ms"],
        "throughput_per_hour": numbers["throughput_per_hour"],
        "llm_usage": numbers["llm_usage"],
    }


def _agents_summary(window: str | None, now: datetime) -> list[dict[str, Any]]:
    agents = list(agent_selectors.agents_list())
    if window is None:
        metrics = agent_selectors.metrics_for_agents(agents, now=now)
        return [
            _summary_row(agent, metrics[agent.pk]["processed_count"], metrics[agent.pk]["error_count"],
                         metrics[agent.pk])
            for agent in agents
        ]
    span = AGENT_WINDOWS[window]
    rows = []
    for agent in agents:
        totals = agent_selectors.window_totals(agent, span, now=now)
        rows.append(_summary_row(agent, totals["processed"], totals["failed"], totals))
    return rows


__all__ = [
    "RANGES",
    "InvalidRangeError",
    "agent_counts",
    "agents_summary",
    "bucket_starts",
    "compact_lead_counts",
    "lead_count",
    "overview",
    "performance",
    "processed_since",
    "recent_activity",
]


def processed_since(user: Any, since: datetime) -> int:
    """How many of `user`'s leads completed the pipeline since `since` (the frontend's "processing rate")."""
    return leads_for(user).filter(status=Lead.Status.COMPLETED, processed_at__gte=since).count()
