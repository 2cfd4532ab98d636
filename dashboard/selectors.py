"""Reads of the staff dashboard: agents with their queue depth, the latest leads, the recent activity, the log
position."""

from typing import Any

from accounts.models import User
from agents.selectors import agents_list, queue_depths
from events.selectors import latest_event_id, recent_activity_frames
from leads.models import Lead
from leads.selectors import leads_for
from pipeline.stages import PIPELINE


def dashboard_snapshot(user: User, *, leads: int = 20) -> dict[str, Any]:
    """What the operator page renders first: agents with queue depth, the latest leads, the recent activity, the
    log position.

    The log position is read first, so a client resuming from it sees every change made after it.
    """
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
    depths = queue_depths()
    return [
        {"id": str(a.pk), "status": a.status, "current_task": a.current_task, "queue_depth": depths.get(a.stage or "", 0)}
        for a in agents_list()
    ]
