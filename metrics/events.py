"""Metrics' domain event: `metrics.updated` (no data: the numbers of `user_id`, or everyone's, changed)."""

from events.publisher import publish


def publish_metrics_updated(user_id: int | None) -> None:
    publish("metrics.updated", {}, user_id=user_id)
