"""The admin index's metrics summary: `nellia_metrics`, computed lazily (only a template that shows it pays)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from leads.models import Lead
from metrics.selectors import overview


def _labelled(counts: dict[str, int], choices: type[Lead.Status] | type[Lead.Tier]) -> list[tuple[str, int]]:
    """`{"high_potential": 3}` → `[("High potential", 3)]`: what an operator reads, in the choices' order."""
    labels = dict(choices.choices)
    return [(str(labels.get(key, key)), count) for key, count in counts.items()]


def _summary(user: Any) -> dict[str, Any]:
    data = overview(user)
    return {
        **data,
        "status_counts": _labelled(data["leads_by_status"], Lead.Status),
        "tier_counts": _labelled(data["leads_by_tier"], Lead.Tier),
    }


def admin_metrics(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_staff", False) or not request.path.startswith("/admin"):
        return {}
    return {"nellia_metrics": SimpleLazyObject(lambda: _summary(user))}
