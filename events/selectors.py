"""Reads of the event log: what a client may replay (ownership filter in one place)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet

from events.groups import chat_agent_id
from events.models import Event

REPLAY_BATCH = 500


def _sees_everything(user: Any) -> bool:
    return bool(getattr(user, "is_admin", False))


def events_for(user: Any) -> QuerySet[Event]:
    """The events `user` may receive: their own and the global ones (admins: every user's, except chats)."""
    visible = Q(user=user) | Q(user__isnull=True)
    if _sees_everything(user):
        visible |= ~Q(type__startswith="chat.")
    return Event.objects.filter(visible).order_by("id")


def events_after(user: Any, after_id: int, *, limit: int | None = None) -> list[Event]:
    """Up to `limit` (default REPLAY_BATCH) of `user`'s events with an id greater than `after_id`, oldest first."""
    return list(events_for(user).filter(id__gt=after_id)[: limit or REPLAY_BATCH])


def iter_events_after(user: Any, after_id: int, *, batch: int | None = None) -> Iterator[list[Event]]:
    """Every event of `user` after `after_id`, in id order, in batches (keyset pagination)."""
    batch = batch or REPLAY_BATCH
    while True:
        page = events_after(user, after_id, limit=batch)
        if not page:
            return
        yield page
        after_id = page[-1].id
        if len(page) < batch:
            return


def chat_events_after(user: Any, agent_id: Any, after_id: int, *, limit: int | None = None) -> list[Event]:
    """Up to `limit` of `user`'s own chat events with one agent after `after_id`, oldest first."""
    limit = limit or REPLAY_BATCH
    queryset = Event.objects.filter(user=user, type__startswith="chat.", id__gt=after_id).order_by("id")
    agent = str(agent_id)
    events: list[Event] = []
    last = after_id
    while len(events) < limit:
        page = list(queryset.filter(id__gt=last)[:REPLAY_BATCH])
        if not page:
            break
        events.extend(e for e in page if chat_agent_id(e.type, e.data) == agent)
        last = page[-1].id
    return events[:limit]


def latest_event_id() -> int:
    last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def recent_activity_frames(user: Any, *, up_to: int, limit: int = 40) -> list[dict[str, Any]]:
    """The newest events `user` may see up to id `up_to` (chat and metrics ticks left out), oldest first: what
    the operator page's activity panel shows when it opens."""
    from events.frames import event_frame

    recent = (
        events_for(user).filter(id__lte=up_to).exclude(type__startswith="chat.").exclude(type="metrics.updated")
        .order_by("-id")[:limit]
    )
    return [event_frame(event) for event in reversed(recent)]


def dashboard_snapshot(user: Any, *, leads: int = 20) -> dict[str, Any]:
    """What the operator page renders first: agents with queue depth, the latest leads, the recent activity, the
    log position.

    The log position is read first, so a client resuming from it sees every change made after it.
    """
    from agents.selectors import agents_list, queue_depths
    from leads.selectors import leads_for

    position = latest_event_id()
    depths = queue_depths()
    agents = [
        {
            "id": str(agent.pk), "name": agent.name, "display_name": agent.display_name, "stage": agent.stage or "",
            "status": agent.status, "current_task": agent.current_task, "last_error": agent.last_error,
            "queue_depth": depths.get(agent.stage or "", 0),
        }
        for agent in agents_list()
    ]  # fmt: skip
    rows = (
        leads_for(user)
        .order_by("-created_at")
        .values(
            "id", "company_name", "status", "processing_stage", "progress", "qualification_tier", "overall_score",
            "last_error", "created_at",
        )[:leads]
    )
    from agents.stages import PIPELINE
    from leads.models import Lead

    tiers = dict(Lead.Tier.choices)
    return {
        "last_event_id": position,
        "stages": PIPELINE,
        "tier_labels": tiers,
        "agents": agents,
        "leads": [
            {**row, "id": str(row["id"]), "created_at": row["created_at"].isoformat(),
             "tier_label": tiers.get(row["qualification_tier"] or "", row["qualification_tier"])}
            for row in rows
        ],
        "activity": recent_activity_frames(user, up_to=position),
    }


def agent_queue_state() -> list[dict[str, Any]]:
    """Agents' live status and queue depth, for refreshing the operator page."""
    from agents.selectors import agents_list, queue_depths

    depths = queue_depths()
    return [
        {"id": str(a.pk), "status": a.status, "current_task": a.current_task, "queue_depth": depths.get(a.stage or "", 0)}
        for a in agents_list()
    ]
