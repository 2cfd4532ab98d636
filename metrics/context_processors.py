"""The admin index's metrics summary: `nellia_metrics`, computed lazily (only a template that shows it pays)."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from metrics.selectors import overview


def admin_metrics(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_staff", False) or not request.path.startswith("/admin"):
        return {}
    return {"nellia_metrics": SimpleLazyObject(lambda: overview(user))}
