"""Bulk actions on a user's leads: one call, many ids, a per-id outcome."""

from __future__ import annotations

import uuid

from accounts.models import User
from leads import services
from leads.hooks import process_leads
from leads.selectors import leads_for

ACTIONS = ("process", "delete")
MAX_IDS = 1000


def bulk_action(*, user: User, action: str, ids: list[uuid.UUID]) -> dict[str, list]:
    """Apply `action` to each of `ids` the user may see → `{done: [id], skipped: [{id, reason}]}`.

    Reasons: `not_found` (unknown or another user's lead), `already_processing` (process of a queued or processing
    lead). Ids keep their order; a repeated id is handled once. Processing enqueues them all at once
    (`leads.hooks.process_leads`).
    """
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}.")
    wanted = list(dict.fromkeys(ids))
    leads = {lead.pk: lead for lead in leads_for(user).filter(pk__in=wanted)}
    found = [lead_id for lead_id in wanted if lead_id in leads]
    if action == "process":
        queued = {lead.pk for lead in process_leads(found)}
    else:
        for lead_id in found:
            services.delete_lead(lead=leads[lead_id])
    done: list[str] = []
    skipped: list[dict[str, str]] = []
    for lead_id in wanted:
        if lead_id not in leads:
            skipped.append({"id": str(lead_id), "reason": "not_found"})
        elif action == "process" and lead_id not in queued:
            skipped.append({"id": str(lead_id), "reason": "already_processing"})
        else:
            done.append(str(lead_id))
    return {"done": done, "skipped": skipped}
