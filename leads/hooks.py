"""Hooks of leads (see nellia/hooks.py): apps above leads register into them in their `AppConfig.ready()`."""

from __future__ import annotations

import uuid
from typing import Literal

from leads.models import Lead
from nellia.hooks import Hook, Slot

# `process_lead(lead=...)` queues a lead for the pipeline from its first unfinished stage and returns it;
# raises leads.services.AlreadyProcessing. Provided by the pipeline (imports and the bulk action use it).
process_lead: Slot[..., Lead] = Slot("process_lead")

# `leads_changed(user_id, announce)`: leads of `user_id` were created, changed or deleted (call it after commit
# or inside the transaction); cached numbers are stale. `announce`: whether clients hear of it through
# `metrics.updated`: "throttled" (at most every few seconds), "always" (after a bulk change, instead of one event
# per lead) or "no" (per-lead events were published). Registered by metrics.
Announce = Literal["no", "throttled", "always"]
leads_changed: Hook[[uuid.UUID | None, Announce]] = Hook("leads_changed")

# `known_lead_count(user, status=..., processing_stage=..., qualification_tier=...)`: how many leads `user` sees
# with these exact values, from a source faster than COUNT(*); None: count the leads. Provided by metrics.
known_lead_count: Slot[..., int | None] = Slot("known_lead_count")
COUNTED_FIELDS = ("status", "processing_stage", "qualification_tier")
