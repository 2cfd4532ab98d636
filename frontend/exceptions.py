"""The one exception handler of `/api/v1/`: the `/api/` error body plus the keys the frontend reads.

`{"statusCode", "message" (always one string), "error" (HTTP reason phrase), "timestamp", "path", "detail",
"code"[, "fields"]}`.
"""

from http import HTTPStatus
from typing import Any

from django.utils import timezone
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from nellia.api.exceptions import exception_handler as api_exception_handler


def frontend_error_body(status_code: int, body: dict[str, Any], path: str) -> dict[str, Any]:
    try:
        reason = HTTPStatus(status_code).phrase
    except ValueError:
        reason = "Error"
    detail = body.get("detail")
    return {
        "statusCode": status_code,
        "message": str(detail) if detail not in (None, "") else reason,
        "error": reason,
        "timestamp": timezone.now().isoformat(),
        "path": path,
        **body,
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = api_exception_handler(exc, context)
    if response is None:  # pragma: no cover - the /api/ handler always answers
        return None
    request = context.get("request")
    path = request.path if request is not None else ""
    response.data = frontend_error_body(response.status_code, dict(response.data or {}), path)
    return response


class BadRequest(APIException):
    """400 with a specific machine code (e.g. `invalid_stage`)."""

    status_code = 400
    default_detail = "Bad request."
    default_code = "bad_request"
