"""Django-level error views: JSON in the contract's shape under /api/, the usual HTML pages elsewhere."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


@csrf_exempt  # whatever the method: a 404, not a CSRF failure page
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """The catch-all for unknown /api/ paths (also answers when DEBUG is on)."""
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Internal server error.", "code": "server_error"}, status=500)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action.", "code": "permission_denied"}, status=403)
    return defaults.permission_denied(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. The API authenticates with bearer tokens (its views are CSRF-exempt), so this answers
    only a session-cookie request that failed the check."""
    if _is_api(request):
        return JsonResponse({"detail": f"CSRF check failed: {reason}", "code": "csrf_failed"}, status=403)
    return csrf.csrf_failure(request, reason)
