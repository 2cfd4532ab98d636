"""Bulk actions on a user's leads: one call, many ids, a per-id outcome."""

from __future__ import annotations

import uuid

from django.db import transaction

from accounts.models import User
from leads import services
from leads.hooks import process_lead
from leads.models import Lead
from leads.selectors import leads_for

ACTIONS = ("process", "delete")
MAX_IDS = 1000


def bulk_action(*, user: User, action: str, ids: list[uuid.UUID]) -> dict[str, list]:
    """Apply `action` to each of `ids` the user may see → `{done: [id], skipped: [{id, reason}]}`.

    Reasons: `not_found` (unknown or another user's lead), `already_processing` (process of a queued or processing
    lead), and for process also whatever `leads.pipeline` refuses with (its exception's `code`). Ids keep their
    order; a repeated id is handled once.
    """
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}.")
    wanted = list(dict.fromkeys(ids))
    leads = {lead.pk: lead for lead in leads_for(user).filter(pk__in=wanted)}
    done: list[str] = []
    skipped: list[dict[str, str]] = []
    for lead_id in wanted:
        lead = leads.get(lead_id)
        if lead is None:
            skipped.append({"id": str(lead_id), "reason": "not_found"})
            continue
        reason = _delete(lead) if action == "delete" else _process(lead)
        if reason:
            skipped.append({"id": str(lead_id), "reason": reason})
        else:
            done.append(str(lead_id))
    return {"done": done, "skipped": skipped}


def _delete(lead: Lead) -> str | None:
    services.delete_lead(lead=lead)
    return None


def _process(lead: Lead) -> str | None:
    try:
        with transaction.atomic():
            process_lead(lead=lead)
    except services.AlreadyProcessing:
        return "already_processing"
    return None
