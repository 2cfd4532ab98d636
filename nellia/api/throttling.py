"""Per-user throttles of both presentations (rates in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]): every
write under `writes`, and a view's own `throttle_scope` (DRF's ScopedRateThrottle: `expensive` reads, `login`,
`register`; per user, per IP when anonymous).

DRF's throttles keep a log of request times per key and count those within the last period: a sliding window,
so no burst passes across a window edge.
"""

from typing import Any

from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle


class WriteRateThrottle(UserRateThrottle):
    """Every write (POST, PUT, PATCH, DELETE) of an authenticated user, under the `writes` rate."""

    scope = "writes"

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS or not (request.user and request.user.is_authenticated):
            return True
        return super().allow_request(request, view)
