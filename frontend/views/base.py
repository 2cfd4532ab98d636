"""The base of every `/api/v1/` view: envelope renderer, error handler, schema tag (JSON only: the default
parser of settings.REST_FRAMEWORK)."""

from typing import Any

from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.inspectors import ViewInspector
from rest_framework.views import APIView

from frontend import exceptions as frontend_exceptions
from frontend.renderers import FrontendRenderer
from frontend.schema import FrontendAutoSchema


class FrontendView(APIView):
    """ENV by default (`envelope = False` for RAW routes); errors rendered by `frontend.exceptions`."""

    envelope = True
    renderer_classes = [FrontendRenderer]
    schema: ViewInspector | None = FrontendAutoSchema()

    def get_exception_handler(self):
        return frontend_exceptions.exception_handler

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def body(self) -> dict[str, Any]:
        """The JSON object sent (anything else counts as an empty object: unknown input is ignored)."""
        data = self.request.data
        return data if isinstance(data, dict) else {}


class NotFoundView(FrontendView):
    """Any other path under `/api/v1/`: a JSON 404 in the profile's error shape, whatever the method."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema = None

    def http_method_not_allowed(self, request: HttpRequest | Request, *args: Any, **kwargs: Any) -> Response:
        raise exceptions.NotFound()

    get = post = put = patch = delete = http_method_not_allowed
