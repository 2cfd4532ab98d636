"""Domain events → Socket.IO events of the frontend (FRONTEND.md §10.2–10.4). Pure rendering: each handler gets
one published `events.models.Event` and returns `(socket event, flat payload, room)` triples (room None: all),
from the event's payload and read-only selectors; it never writes or publishes.

The relay renders a whole batch at once (`render_batch`): the leads its events show are read in one query and
presented once (`RenderBatch`), however many of the batch's events show the same lead; the emitted payloads are
serialised once each, for every socket of their room (frontend.socketio)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.plans import PLANS
from accounts.selectors import user_by_id
from agents.selectors import agent_by_id
from events.groups import socketio_room
from frontend.selectors import enrichment_starts, lead_rows_by_ids
from frontend.serializers.agents import present_agents
from frontend.serializers.leads import present_lead
from frontend.serializers.metrics import metrics_update
from prospecting.selectors import plan_status

logger = logging.getLogger(__name__)

Emit = tuple[str, dict[str, Any], str | None]
STAGE_FIELDS = {"board_stage", "processing_stage", "qualification_tier"}
UNLIMITED_REMAINING = 9007199254740991  # JavaScript's Number.MAX_SAFE_INTEGER (FRONTEND.md §7.3)


def _room(event: Any) -> str | None:
    return socketio_room(event.user_id) if event.user_id else None


def _ts(event: Any) -> str:
    return (event.created_at or timezone.now()).isoformat()


class RenderBatch:
    """What the events of one batch share: the leads they show (presented once each) and the enrichment starts,
    read with one query each for the whole batch."""

    def __init__(self, events: Sequence[Any]) -> None:
        self._leads = {
            str(row["id"]): present_lead(row) for row in lead_rows_by_ids(_lead_ids(e for e in events if _shows_lead(e)))
        }
        self._starts = enrichment_starts(_lead_ids(e for e in events if _starts_enrichment(e)))

    def lead(self, lead_id: Any) -> dict[str, Any] | None:
        return self._leads.get(str(lead_id))

    def enrichment_start(self, lead_id: Any) -> dict[str, Any] | None:
        return self._starts.get(str(lead_id))


def _lead_ids(events: Iterable[Any]) -> set[uuid.UUID]:
    ids = set()
    for event in events:
        try:
            ids.add(uuid.UUID(str(event.data.get("lead_id"))))
        except ValueError:
            continue  # not a lead of ours: nothing to show
    return ids


def _shows_lead(event: Any) -> bool:
    if event.type in ("lead.created", "lead.completed"):
        return True
    return event.type == "lead.updated" and bool(set(event.data.get("changed") or []) & STAGE_FIELDS)


def _starts_enrichment(event: Any) -> bool:
    data = event.data
    return event.type == "lead.updated" and "queued_at" in (data.get("changed") or []) and data.get("status") == "queued"


def _enrichment(event: Any, event_type: str, job_id: str | None = None, **fields: Any) -> Emit:
    data = event.data
    payload = {
        "event_type": event_type,
        "job_id": str(job_id or data.get("job_id") or data.get("lead_id") or ""),
        "user_id": str(event.user_id or ""),
        "timestamp": _ts(event),
        **fields,
    }
    return ("enrichment-update", payload, _room(event))


def _lead_created(event: Any, batch: RenderBatch) -> list[Emit]:
    lead = batch.lead(event.data.get("lead_id"))
    return [("lead-created", {"lead": lead, "userId": str(event.user_id)}, _room(event))] if lead else []


def _lead_updated(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    changed = set(data.get("changed") or [])
    emits: list[Emit] = []
    if _starts_enrichment(event):  # enqueue_processing: the pipeline starts
        start = batch.enrichment_start(data.get("lead_id"))
        if start:
            job = {"job_id": start["job_id"]} if start["job_id"] else {}
            emits.append(_enrichment(event, "lead_enrichment_start", lead_id=str(data.get("lead_id")),
                                     company_name=start["company_name"], **job))
    if changed & STAGE_FIELDS:
        lead = batch.lead(data.get("lead_id"))
        if lead and _presented_stage_changed(lead, changed):
            emits.append(
                ("lead-stage-update", {"leadId": lead["id"], "stage": lead["processing_stage"], "updatedAt": lead["updated_at"]}, _room(event))
            )
    return emits


def _presented_stage_changed(lead: dict[str, Any], changed: set[str]) -> bool:
    """Whether a change of `changed` can move the presented stage (FRONTEND.md §4.3) of `lead` (as it is now)."""
    if "board_stage" in changed:
        return True
    if lead.get("board_stage"):
        return False  # a board stage hides the pipeline's moves
    return "processing_stage" in changed or lead.get("pipeline_stage") == "completed"


def _lead_progress(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    stage_status = data.get("stage_status")
    agent = data.get("agent_name") or ""
    company = data.get("company_name") or ""
    common = {"lead_id": str(data.get("lead_id")), "agent_name": agent}
    if stage_status == "running":
        return [_enrichment(event, "agent_start", **common, status_message=f"{agent}: processando {company}".strip())]
    if stage_status in ("done", "failed"):
        duration = data.get("duration_ms")
        return [
            _enrichment(
                event,
                "agent_end",
                **common,
                success=stage_status == "done",
                execution_time_seconds=round(duration / 1000, 3) if isinstance(duration, int | float) else 0.0,
                progress_percentage=data.get("progress") or 0,
                status_message=f"{agent}: {'concluído' if stage_status == 'done' else 'falhou'} ({company})",
            )
        ]
    return []


def _lead_completed(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    emits = [_enrichment(event, "lead_enrichment_end", lead_id=str(data.get("lead_id")), success=True)]
    lead = batch.lead(data.get("lead_id"))
    if lead:
        emits.append(("lead-enriched", {"lead": lead, "userId": str(event.user_id)}, _room(event)))
    return emits


def _lead_failed(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    error = str(data.get("error") or "")
    return [
        _enrichment(event, "lead_enrichment_end", lead_id=str(data.get("lead_id")), success=False, error_message=error),
        ("lead_enrichment_failed", {"leadId": str(data.get("lead_id")), "error": error}, _room(event)),
    ]


def _lead_deleted(event: Any, batch: RenderBatch) -> list[Emit]:
    return [("lead-deleted", {"leadId": str(event.data.get("lead_id"))}, _room(event))]


def _agent_status(event: Any, batch: RenderBatch) -> list[Emit]:
    return agent_update(event.data.get("agent_id"))


def agent_update(agent_id: Any) -> list[Emit]:
    """`agent-update` (to every socket) with the agent as it is now: a coalesced update carries the latest state."""
    agent = agent_by_id(agent_id)
    return [("agent-update", present_agents([agent])[0], None)] if agent else []


def _metrics_updated(event: Any, batch: RenderBatch) -> list[Emit]:
    if not event.user_id:
        return []  # global invalidation: per-user numbers are refetched by the app
    user = user_by_id(event.user_id)
    return [("metrics-update", metrics_update(user), _room(event))] if user else []


def _job_progress(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    emits: list[Emit] = []
    if data.get("status") == "active" and not data.get("progress"):
        # First, so the app's `["enrichment-status", jobId]` cache is filled before `job-progress` shows the
        # "Nellia is Working" widget: that query has no queryFn and would fail ("Missing queryFn") if empty.
        emits.append(
            _enrichment(event, "pipeline_start", initial_query=data.get("search_query") or "",
                        max_leads_to_generate=data.get("max_leads") or 0)
        )
    emits.append(
        (
            "job-progress",
            {
                "jobId": data.get("job_id"),
                "userId": str(event.user_id),
                "status": data.get("status"),
                "progress": data.get("progress") or 0,
                "currentStep": data.get("current_step") or "",
                "searchQuery": data.get("search_query") or "",
                "timestamp": _ts(event),
            },
            _room(event),
        )
    )
    return emits


def _seconds_between(start: str | None, end: str | None) -> float:
    if not start or not end:
        return 0.0
    began, ended = parse_datetime(start), parse_datetime(end)
    return round((ended - began).total_seconds(), 3) if began and ended else 0.0


def _job_completed(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    user = user_by_id(event.user_id)
    quota = {}
    if user is not None:
        status = plan_status(user)
        quota = {
            "used": status.used,
            "total": status.total,
            "remaining": UNLIMITED_REMAINING if status.remaining is None else status.remaining,
        }
    return [
        (
            "job-completed",
            {
                "jobId": data.get("job_id"),
                "userId": str(event.user_id),
                "status": "completed",
                "leadsGenerated": data.get("leads_generated") or 0,
                "searchQuery": data.get("search_query") or "",
                "quotaUpdate": quota,
                "startedAt": data.get("started_at"),
                "completedAt": data.get("finished_at"),
                "timestamp": _ts(event),
            },
            _room(event),
        ),
        _enrichment(
            event,
            "pipeline_end",
            total_leads_generated=data.get("leads_generated") or 0,
            execution_time_seconds=_seconds_between(data.get("started_at"), data.get("finished_at")),
            success=True,
        ),
    ]


def _job_failed(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    return [
        (
            "job-failed",
            {
                "jobId": data.get("job_id"),
                "userId": str(event.user_id),
                "status": "failed",
                "error": data.get("error") or "",
                "searchQuery": data.get("search_query") or "",
                "startedAt": data.get("started_at"),
                "failedAt": data.get("finished_at"),
                "timestamp": _ts(event),
            },
            _room(event),
        )
    ]


def _quota_updated(event: Any, batch: RenderBatch) -> list[Emit]:
    data = event.data
    total, used = data.get("total"), data.get("used") or 0
    remaining = data.get("remaining")
    plan = PLANS.get(data.get("plan_id") or "free", PLANS["free"])
    return [
        (
            "quota-update",
            {
                "userId": str(event.user_id),
                "planId": plan.id,
                "planName": plan.name,
                "quotaUsed": used,
                "quotaTotal": total,
                "quotaRemaining": UNLIMITED_REMAINING if remaining is None else remaining,
                "quotaUsagePercentage": round(100 * used / total, 2) if total else 0,
                "nextResetAt": data.get("next_reset_at"),
                "leadsGenerated": data.get("leads_generated") or 0,
                "timestamp": _ts(event),
            },
            _room(event),
        )
    ]


HANDLERS: dict[str, Callable[[Any, RenderBatch], list[Emit]]] = {
    "lead.created": _lead_created,
    "lead.updated": _lead_updated,
    "lead.progress": _lead_progress,
    "lead.completed": _lead_completed,
    "lead.failed": _lead_failed,
    "lead.deleted": _lead_deleted,
    "agent.status": _agent_status,
    "metrics.updated": _metrics_updated,
    "job.progress": _job_progress,
    "job.completed": _job_completed,
    "job.failed": _job_failed,
    "quota.updated": _quota_updated,
}


def render_batch(events: Sequence[Any]) -> list[Emit]:
    """The Socket.IO events of `events`, in order (chat and unknown types: none). An event that cannot be rendered
    (a bug) is logged and skipped; the others still go out."""
    batch = RenderBatch(events)
    emits: list[Emit] = []
    for event in events:
        handler = HANDLERS.get(event.type)
        if handler is None:
            continue
        try:
            emits.extend(handler(event, batch))
        except Exception:
            logger.exception("Event %s (%s) not rendered for Socket.IO", event.seq, event.type)
    return emits


def render(event: Any) -> list[Emit]:
    """The Socket.IO events for one domain event (chat and unknown types: none)."""
    handler = HANDLERS.get(event.type)
    return handler(event, RenderBatch([event])) if handler else []
