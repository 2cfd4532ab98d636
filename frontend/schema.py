"""OpenAPI for `/api/v1/`: every route under its own tag, ENV responses documented inside the envelope."""

from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from nellia.api.schema import FIELD_ERRORS, AutoSchema

TAG = "frontend-v1"

FrontendErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "statusCode": serializers.IntegerField(),
        "message": serializers.CharField(help_text="One human-readable string."),
        "error": serializers.CharField(help_text="The HTTP reason phrase."),
        "timestamp": serializers.DateTimeField(),
        "path": serializers.CharField(),
        "detail": serializers.CharField(),
        "code": serializers.CharField(help_text="A machine-readable code, as in `/api/`."),
        "fields": FIELD_ERRORS,
    },
)


class FrontendAutoSchema(AutoSchema):
    error_serializer = FrontendErrorSerializer

    def get_tags(self) -> list[str]:
        return [TAG]

    def get_operation_id(self) -> str:
        return f"v1_{type(self.view).__name__}_{self.method.lower()}"

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False) -> str:
        # Frontend components live beside the /api/ ones of the same name ("Lead", "User", ...): prefix them.
        return "V1" + super()._get_serializer_name(serializer, direction, bypass_extensions)

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response") -> dict[str, Any]:
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if getattr(self.view, "envelope", False) and str(status_code).startswith("2") and "content" in response:
            for media in response["content"].values():
                media["schema"] = {
                    "type": "object",
                    "properties": {"success": {"type": "boolean"}, "data": media.get("schema", {})},
                    "required": ["success", "data"],
                }
        return response
