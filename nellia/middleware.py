"""Request guard for `/api/` and `/api/v1/`: failures that happen before (or outside) DRF's views."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.exceptions import APIException, ParseError

from nellia.api.exceptions import InvalidQuery, error_body, request_too_large

ErrorBody = Callable[[int, dict[str, Any], str], dict[str, Any]]
# Presentations under /api/ with their own error body (status, `/api/` body, path → body), by path prefix;
# registered by the app that owns the presentation (frontend: "/api/v1/"), so nellia imports no app.
_ERROR_BODIES: dict[str, ErrorBody] = {}


def register_error_body(prefix: str, render: ErrorBody) -> None:
    _ERROR_BODIES[prefix] = render


def error_response(request: HttpRequest, exc: APIException) -> JsonResponse:
    """`exc` rendered in the error body of the presentation the request's path belongs to."""
    body = error_body(exc)
    for prefix, render in _ERROR_BODIES.items():
        if request.path_info.startswith(prefix) or request.path_info == prefix.rstrip("/"):
            body = render(exc.status_code, body, request.path)
    return JsonResponse(body, status=exc.status_code)


def _rejection(request: HttpRequest) -> APIException | None:
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return request_too_large()  # every upload limit is below this one
    if "\x00" in request.path_info:
        return InvalidQuery()
    try:
        values = [value for _, values in request.GET.lists() for value in values]
    except TooManyFieldsSent as exc:
        return ParseError(str(exc))
    if any("\x00" in value for value in values):  # PostgreSQL text cannot hold NUL: a filter on it would fail
        return InvalidQuery()
    return None


class ApiRequestGuardMiddleware:
    """Answers the contract's 4xx for a body over DATA_UPLOAD_MAX_MEMORY_SIZE (whatever its content type: a JSON
    body is otherwise read whole), more than DATA_UPLOAD_MAX_NUMBER_FIELDS query parameters, and NUL characters
    in the path or query string. Only under `/api`; other paths keep Django's behaviour."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/") or request.path_info == "/api":
            rejection = _rejection(request)
            if rejection is not None:
                return error_response(request, rejection)
        return self.get_response(request)
