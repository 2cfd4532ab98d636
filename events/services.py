"""Writes to the event log that are not publishing: retention."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from events.models import Event


def prune_events(*, older_than_hours: int | None = None, batch_size: int = 5000) -> int:
    """Delete events older than the retention window (`EVENT_RETENTION_HOURS`); returns how many."""
    hours = settings.EVENT_RETENTION_HOURS if older_than_hours is None else older_than_hours
    cutoff = timezone.now() - timedelta(hours=hours)
    deleted = 0
    while True:
        # Delete in batches by id: short transactions, no long lock on a busy table.
        ids = list(Event.objects.filter(created_at__lt=cutoff).order_by("id").values_list("id", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += Event.objects.filter(id__in=ids).delete()[0]
