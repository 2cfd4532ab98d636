from celery import shared_task

from metrics.selectors import compact_lead_counts, uses_lead_counts


@shared_task(name="metrics.compact_lead_counts", ignore_result=True)
def compact_lead_counts_task() -> None:
    """Fold every owner's count deltas, so the table stays small even for owners nobody reads."""
    if uses_lead_counts():
        compact_lead_counts()
