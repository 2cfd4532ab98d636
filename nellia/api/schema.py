"""OpenAPI helpers: the contract's error body, declared once for every endpoint's documentation, and the
AutoSchema that documents every operation's error statuses by rule."""

from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers

# `{"<field>": ["message", ...]}`; a list's or a nested object's field carries `{"<index or key>": ...}` with the
# same shape, to any depth: a recursive component, so the schema stays typed all the way down.
FIELD_ERRORS_COMPONENT = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"$ref": "#/components/schemas/FieldErrors"},
        ]
    },
}


@extend_schema_field({"$ref": "#/components/schemas/FieldErrors"})
class FieldErrorsField(serializers.DictField):
    pass


def add_error_components(result: dict, **kwargs: Any) -> dict:
    """Postprocessing hook: the recursive `FieldErrors` component the error bodies refer to."""
    result.setdefault("components", {}).setdefault("schemas", {})["FieldErrors"] = FIELD_ERRORS_COMPONENT
    return result


FIELD_ERRORS = FieldErrorsField(
    required=False,
    help_text="Per-field messages (validation errors only): a list of messages, or per item/key of a list or object.",
)

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="A human-readable message."),
        "code": serializers.CharField(help_text="A machine-readable code, e.g. `not_found`, `invalid`."),
        "fields": FIELD_ERRORS,
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


BODY_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema plus the error statuses every operation can answer, by rule, in the error
    body of its presentation (`error_serializer`). A view's own `responses=` keep precedence.

    - 400 always: malformed or invalid input, a NUL in the query, too many query parameters (`nellia.middleware`);
    - 401 unless the view allows anonymous callers; 403 when a permission goes beyond being authenticated;
    - 404 with path parameters (another user's object) or on paginated lists (a page past the end);
    - 413 and 415 where a body is read; 429 where a throttle applies (writes, a view's `throttle_scope`).
    """

    error_serializer: Any = ErrorSerializer

    def error_statuses(self) -> list[int]:
        view_permissions = self.view.get_permissions()
        anonymous = any(isinstance(permission, permissions.AllowAny) for permission in view_permissions)
        statuses = [400]
        if not anonymous:
            statuses.append(401)
        if any(type(permission) not in (permissions.AllowAny, permissions.IsAuthenticated) for permission in view_permissions):
            statuses.append(403)
        if "{" in self.path or (self._is_list_view() and getattr(self.view, "pagination_class", None)):
            statuses.append(404)
        if self.method in BODY_METHODS:
            statuses += [413, 415]
        if getattr(self.view, "throttle_scope", None) or (self.method in BODY_METHODS | {"DELETE"} and not anonymous):
            statuses.append(429)
        return statuses

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response") -> dict[str, Any]:
        # `errors(...)` names the `/api/` body; each presentation documents its own.
        if isinstance(serializer, OpenApiResponse) and serializer.response is ErrorSerializer:
            serializer = OpenApiResponse(self.error_serializer, description=serializer.description)
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status in self.error_statuses():
            if str(status) not in responses:
                response = OpenApiResponse(self.error_serializer, description=_DESCRIPTIONS[status])
                responses[str(status)] = self._get_response_for_code(response, str(status), direction=direction)
        return responses
