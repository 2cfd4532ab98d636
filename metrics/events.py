"""Metrics' domain event: `metrics.updated` (no data: the numbers of `user_id`, or everyone's, changed)."""

import uuid

from events.publisher import publish


def publish_metrics_updated(user_id: uuid.UUID | None) -> None:
    publish("metrics.updated", {}, user_id=user_id)
