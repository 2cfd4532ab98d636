"""Reads of the frontend profile: the `/api/` ownership selectors plus the presented board stage, in the query.

`processing_stage` as the frontend sees it (FRONTEND.md §4.3) is computed by the database (`leads.board`), so
filtering and sorting use it, and list rows are fetched as plain values (no model instances, no per-row queries).
"""

import functools
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Avg, Count, Func, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404

from events.models import Event
from frontend.lead_sql import lead_json_sql
from frontend.vocab import parse_tier
from leads.board import presented_stage
from leads.fields import INPUT_FIELDS, JSON_RESULT_FIELDS, SCORE_FIELDS
from leads.filters import SEARCH_FIELDS
from leads.models import Lead, ProspectJob
from leads.selectors import leads_for
from metrics.selectors import lead_count
from nellia.api.filters import ordered_by
from nellia.lookups import sees_everything, uuid_or_404
from nellia.search import matches_any

PRESENTED_STAGE = presented_stage()  # leads.board: the one definition of FRONTEND.md §4.3

# The columns a frontend Lead is built from (analysis and source_text stay out: the frontend never shows them).
LEAD_VALUES: tuple[str, ...] = (
    "id", *(name for name in INPUT_FIELDS if name != "source_text"), "source", "status", "processing_stage",
    "progress", "board_stage", *SCORE_FIELDS, "qualification_tier", "last_error", "prospect_job_id",
)
# JSON columns come as their JSON text (`<name>_json`) and are decoded by orjson when presenting: the JSONField
# decoder (stdlib json) is most of the cost of a 1,000-lead list (LIMITS.md).
JSON_VALUES: tuple[str, ...] = tuple(name for name in JSON_RESULT_FIELDS if name != "analysis")
JSON_TEXT = {f"{name}_json": Cast(name, TextField()) for name in JSON_VALUES}


class IsoTimestamp(Func):
    """A timestamp column as the text of `datetime.isoformat()` in UTC (`YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`,
    no fraction when the microseconds are 0), formatted by the database: no per-row datetime parsing in Python.
    Other backends, or a connection not in UTC, get the column as it is (a datetime; `_iso` formats it)."""

    template = "%(expressions)s"
    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.timezone_name != "UTC":
            return sql, params
        utc = f"({sql}) AT TIME ZONE 'UTC'"
        return (
            f"""CASE WHEN date_trunc('second', {sql}) = {sql} THEN to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') """
            f"""ELSE to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') END""",
            [*params, *params, *params, *params],
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        # Stored as `str(naive UTC datetime)`: "YYYY-MM-DD HH:MM:SS[.ffffff]".
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.timezone_name != "UTC":
            return sql, params
        return f"REPLACE({sql}, ' ', 'T') || '+00:00'", params


TIMESTAMP_VALUES: tuple[str, ...] = ("created_at", "updated_at", "processed_at")
TIMESTAMP_TEXT = {f"{name}_iso": IsoTimestamp(name) for name in TIMESTAMP_VALUES}

SORTABLE = {"company_name", "relevance_score", "roi_potential_score", "brazilian_market_fit", "created_at", "updated_at"}


if TYPE_CHECKING:  # django-stubs' type of a Lead with the `presented_stage` annotation (checked by `filter`)
    from django_stubs_ext import WithAnnotations

    class _Presented(TypedDict):
        presented_stage: str

    PresentedLead = WithAnnotations[Lead, _Presented]


def presented_leads_for(user: Any) -> "QuerySet[PresentedLead]":
    """The caller's leads (admins: all) annotated with `presented_stage`."""
    return leads_for(user).annotate(presented_stage=PRESENTED_STAGE)


def lead_rows(queryset: QuerySet[Lead]) -> list[dict[str, Any]]:
    """Plain rows for `frontend.serializers.leads.present_lead` (one query)."""
    return list(_lead_values(queryset))


def _lead_values(queryset: QuerySet[Lead]) -> QuerySet[Lead, dict[str, Any]]:
    return queryset.values(*LEAD_VALUES, "presented_stage", **JSON_TEXT, **TIMESTAMP_TEXT)


def lead_json_rows(queryset: QuerySet[Lead]) -> list[str] | None:
    """Each lead of `queryset` (`presented_leads_for`, filtered, ordered, sliced) as its frontend JSON text,
    written by PostgreSQL (`frontend.lead_sql`); None where the database cannot (use `lead_rows`)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or connection.timezone_name != "UTC":
        return None
    try:
        sql, params = queryset.values(*LEAD_VALUES, "presented_stage", *JSON_VALUES, **TIMESTAMP_TEXT).query.sql_with_params()
    except EmptyResultSet:  # e.g. `pk__in=[]`: Django knows there is nothing to read
        return []
    with connection.cursor() as cursor:
        cursor.execute(lead_json_sql(sql), params)
        return [row[0] for row in cursor.fetchall()]


def lead_row_for(user: Any, lead_id: Any) -> dict[str, Any]:
    """One of the caller's leads as a row; Http404 when it is not theirs (or not a valid id)."""
    rows = lead_rows(presented_leads_for(user).filter(pk=uuid_or_404(lead_id, what="lead")))
    if not rows:
        raise Http404("No lead matches the given id.")
    return rows[0]


def lead_rows_by_ids(lead_ids: Collection[uuid.UUID]) -> list[dict[str, Any]]:
    """The rows of these leads whoever owns them, in one query (for event rendering, already scoped by the events'
    users)."""
    if not lead_ids:
        return []
    return list(_presented_rows().filter(pk__in=lead_ids))


@functools.cache
def _presented_rows() -> QuerySet[Lead, dict[str, Any]]:
    """`lead_rows`' query of every lead, built once: the event relay renders rows for nearly every batch, and
    building its annotations again each time cost it more than running the query."""
    return _lead_values(Lead.objects.annotate(presented_stage=PRESENTED_STAGE))


def enrichment_starts(lead_ids: Collection[uuid.UUID]) -> dict[str, dict[str, Any]]:
    """What `lead_enrichment_start` shows of these leads whoever owns them (lead id → its company and its running
    job, if any), in one query."""
    if not lead_ids:
        return {}
    rows = Lead.objects.filter(pk__in=lead_ids).values("id", "company_name", "prospect_job_id", "prospect_job__status")
    return {
        str(row["id"]): {
            "company_name": row["company_name"],
            "job_id": str(row["prospect_job_id"])
            if row["prospect_job_id"] and row["prospect_job__status"] in ProspectJob.RUNNING else None,
        }
        for row in rows
    }


def _tier_filter(raw: str) -> dict[str, str | None]:
    """`{"qualification_tier": value}` for a tier of FRONTEND.md §4.2 (None for N/A), `{}` when none or unknown."""
    if not raw:
        return {}
    try:
        return {"qualification_tier": parse_tier(raw)}
    except ValueError:
        return {}


def presented_lead_total(
    user: Any, queryset: QuerySet[Lead], *, search: str = "", company_sector: str = "", qualification_tier: str = "",
    processing_stage: str = "",
) -> int:
    """The total of a `filter_presented_leads` list: from the lead counts when it is filtered by tier at most (no
    scan of the leads, `metrics.selectors.lead_count`), else a COUNT (served by the search and owner indexes)."""
    if not (search or company_sector or processing_stage):
        counted = lead_count(user, **_tier_filter(qualification_tier))
        if counted is not None:
            return counted
    return queryset.count()


def filter_presented_leads(
    user: Any,
    *,
    search: str = "",
    company_sector: str = "",
    qualification_tier: str = "",
    processing_stage: str = "",
    sort_by: str = "",
    sort_order: str = "",
) -> QuerySet[Lead]:
    """`GET /api/v1/leads` filters (FRONTEND.md §4.4); bad tier or sort values are ignored."""
    queryset = presented_leads_for(user)
    if search:
        queryset = queryset.filter(matches_any(SEARCH_FIELDS, search))
    if company_sector:
        queryset = queryset.filter(company_sector__iexact=company_sector)
    tier = _tier_filter(qualification_tier)
    if tier:
        queryset = queryset.filter(**tier)
    if processing_stage:
        queryset = queryset.filter(presented_stage=processing_stage)
    field = sort_by if sort_by in SORTABLE else "created_at"
    descending = sort_order.lower() != "asc"
    return queryset.order_by(ordered_by(Lead, f"-{field}" if descending else field), "-id" if descending else "id")


def presented_stage_stats(user: Any) -> list[dict[str, Any]]:
    """Per presented stage: count, mean ROI score and high-potential count (one GROUP BY)."""
    rows = (
        presented_leads_for(user)
        .order_by()
        .values("presented_stage")
        .annotate(
            count=Count("id"),
            average_roi=Avg("roi_potential_score"),
            high_potential=Count("id", filter=Q(qualification_tier=Lead.Tier.HIGH)),
        )
    )
    return sorted(
        ({"stage": row["presented_stage"], "count": row["count"], "average_roi": row["average_roi"],
          "high_potential": row["high_potential"]} for row in rows),
        key=lambda row: row["stage"],
    )


# Dashboard "recent activity" (FRONTEND.md §8): the event types the app knows; a job's start is its first
# `job.progress` (active, progress 0). Agents flip active↔processing on every stage of every lead: only a stop
# or an error is news (else a running pipeline fills all 20 lines).
ACTIVITY_FILTER = (
    Q(type__in=("lead.created", "job.completed"))
    | Q(type="agent.status", data__status__in=("inactive", "error"))
    | Q(type="job.progress", data__status="active", data__progress=0)
)


class ActivityEvent(TypedDict):
    id: int
    type: str
    data: Any
    created_at: datetime


def recent_activity_events(user: Any, *, limit: int) -> list[ActivityEvent]:
    """The newest activity events `user` may see (their own and global ones; admins: all), newest first."""
    events = Event.objects.filter(ACTIVITY_FILTER)
    if not sees_everything(user):
        events = events.filter(Q(user_id=user.pk) | Q(user__isnull=True))
    return list(events.order_by("-id").values("id", "type", "data", "created_at")[:limit])
