from celery import shared_task

from events.services import prune_events


@shared_task(ignore_result=True)
def prune_old_events() -> int:
    """Beat task: drop events older than EVENT_RETENTION_HOURS."""
    return prune_events()
