"""A mixin for the management commands that queue leads: wait for them with a progress bar and a timeout."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Protocol

from django.core.management.base import CommandError

from leads.models import Lead


class _Progress(Protocol):
    """What the mixin needs of its command (`nellia.commands.NelliaCommand`)."""

    def progress(self, *, total: int | None, desc: str, unit: str = ...) -> Any: ...


class WaitForLeadsMixin:
    """Follow leads until completed, failed or waiting (a stopped agent), with a progress bar."""

    def wait_for_leads(
        self: _Progress, lead_ids: Iterable[Any], *, timeout: float, desc: str = "Processing"
    ) -> dict[str, int]:
        """Status counts once every lead is final; raises CommandError on timeout (0: no timeout)."""
        final = (Lead.Status.COMPLETED, Lead.Status.FAILED, Lead.Status.WAITING)
        ids = list(lead_ids)
        deadline = time.monotonic() + timeout if timeout else None
        with self.progress(total=len(ids) * 100, desc=desc, unit="%") as bar:
            while True:
                rows = list(Lead.objects.filter(pk__in=ids).values_list("status", "progress"))
                bar.update(sum(100 if status in final else progress for status, progress in rows) - bar.n)
                if all(status in final for status, _ in rows):
                    break
                if deadline and time.monotonic() > deadline:
                    raise CommandError(f"Timed out after {timeout:g} s waiting for {len(ids)} lead(s).")
                time.sleep(0.3)
        counts: dict[str, int] = dict.fromkeys(final, 0)
        for status, _ in rows:
            counts[status] += 1
        return counts
