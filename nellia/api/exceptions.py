"""One exception handler for `/api/`: every error body is `{detail, code[, fields]}`."""

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    """409 with extra keys (e.g. the existing object's id) merged into the error body."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"

    def __init__(self, detail: str, code: str = "conflict", **extra: Any):
        super().__init__(detail, code)
        self.extra = extra


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The file is too large."
    default_code = "file_too_large"


class InvalidQuery(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The query string or path contains characters that are not allowed."
    default_code = "invalid_query"


def request_too_large() -> PayloadTooLarge:
    return PayloadTooLarge("The request body is too large.", "payload_too_large")


def throttled(wait: float | None) -> exceptions.Throttled:
    """429 with one sentence (DRF appends "Expected available in N seconds." to any detail it is given)."""
    seconds = max(1, math.ceil(wait)) if wait else None
    exc = exceptions.Throttled(wait=seconds)
    text = f"Too many requests. Try again in {seconds} seconds." if seconds else "Too many requests. Try again later."
    exc.detail = exceptions.ErrorDetail(text, code=exc.default_code)
    return exc


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Service temporarily unavailable, try again later."
    default_code = "service_unavailable"


def _first_message(fields: Any) -> str:
    if isinstance(fields, dict):
        for name, value in fields.items():
            message = _first_message(value)
            return message if name == "non_field_errors" else f"{name}: {message}"
    if isinstance(fields, list) and fields:
        return _first_message(fields[0])
    return str(fields)


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    """The contract's error body for a DRF exception."""
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body: dict[str, Any] = {
            "detail": _first_message(fields) or "Invalid input.",
            "code": "invalid",
            "fields": fields,
        }
    else:
        detail = exc.detail
        if isinstance(detail, dict | list):  # e.g. simplejwt's InvalidToken carries a dict
            message = detail.get("detail", _first_message(detail)) if isinstance(detail, dict) else _first_message(detail)
            code = (detail.get("code") if isinstance(detail, dict) else None) or exc.default_code
            body = {"detail": str(message), "code": str(code)}
        else:
            code = getattr(detail, "code", None) or exc.default_code
            body = {"detail": str(detail), "code": str(code)}
    body.update(getattr(exc, "extra", {}))
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, exceptions.Throttled):
        exc = throttled(exc.wait)  # type: ignore[attr-defined]  # set by Throttled.__init__; the stubs omit it
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, RequestDataTooBig):
        exc = request_too_large()
    elif isinstance(exc, SuspiciousOperation):  # e.g. TooManyFieldsSent, a malformed multipart body
        exc = exceptions.ParseError(str(exc) or "Malformed request.")
    elif isinstance(exc, DataError):  # the database refused a value the validation let through
        logger.warning("Database refused a value in %s: %s", context.get("view"), exc)
        exc = exceptions.ValidationError({"non_field_errors": ["A value is out of range or cannot be stored."]})
    elif isinstance(exc, OperationalError | InterfaceError):
        # The database went away under an in-flight request (restart, killed backend): the pool replaces the
        # connection for the next one; this one answers 503.
        logger.warning("Database unavailable in %s: %s", context.get("view"), exc)
        exc = ServiceUnavailable("The database is unavailable, try again.", "database_unavailable")
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view"), exc_info=exc)
        return Response({"detail": "Internal server error.", "code": "server_error"}, status=500)
    assert isinstance(exc, exceptions.APIException), "DRF answers only its own (the others were converted above)"
    response.data = error_body(exc)
    return response
