"""Hooks of leads (see nellia/hooks.py): apps above leads register into them in their `AppConfig.ready()`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Literal

from leads.models import Lead
from nellia.hooks import Hook, Slot

# `process_leads(lead_ids)` queues leads for the pipeline from their first unfinished stage, in the order given, in
# batches (a constant number of SQL statements and one broker round trip per batch); returns those queued (or
# parked at a stopped agent), in that order, as they are now. The others (queued or processing already, unknown
# ids) are skipped. Provided by the pipeline (imports, seed_demo and the bulk action use it).
process_leads: Slot[..., list[Lead]] = Slot("process_leads")

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

# `seed_demo_data(write=...)`: `manage.py seed_demo` ran; apps above add their own demo data (idempotently) and
# `write` a line about it. Registered by the registry (a generated month when it is empty).
seed_demo_data: Hook[[Callable[[str], object]]] = Hook("seed_demo_data")
