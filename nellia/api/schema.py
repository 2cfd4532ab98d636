"""OpenAPI helpers: the contract's error body, declared once for every endpoint's documentation."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="A human-readable message."),
        "code": serializers.CharField(help_text="A machine-readable code, e.g. `not_found`, `invalid`."),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Per-field messages (validation errors only).",
        ),
    },
)

ConflictSerializer = inline_serializer(
    name="DuplicateError",
    fields={
        "detail": serializers.CharField(),
        "code": serializers.CharField(help_text="`duplicate_lead`"),
        "existing_id": serializers.UUIDField(help_text="The id of the lead that already has this website."),
    },
)

_DESCRIPTIONS = {
    400: "Invalid input (`code: invalid`, with `fields`) or malformed JSON (`parse_error`).",
    401: "Missing or invalid access token.",
    403: "Authenticated but not allowed.",
    404: "Not found (also another user's object).",
    409: "Conflict.",
    413: "Payload too large.",
    415: "Unsupported media type.",
    429: "Too many requests; see the `Retry-After` header.",
    503: "Service unavailable.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """`responses=` entries documenting the contract's error body for each HTTP status in `codes`."""
    return {code: OpenApiResponse(response=ErrorSerializer, description=_DESCRIPTIONS.get(code, "")) for code in codes}


def contract_paths(endpoints: list[tuple], **kwargs: Any) -> list[tuple]:
    """Document paths as the contracts write them (`/api/leads`), not as the optional-slash regex renders."""
    return [(path.rstrip("/") if path != "/" else path, *rest) for path, *rest in endpoints]
