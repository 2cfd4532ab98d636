"""The API's documentation pages, served with no request leaving the machine.

Swagger UI and ReDoc come from `drf-spectacular-sidecar` (SIDECAR in SPECTACULAR_SETTINGS). ReDoc's stock page
also loads Google Fonts (dropped by `templates/api/redoc.html`; the theme uses the system fonts) and its bundle
shows a logo from cdn.redoc.ly; a Content-Security-Policy limited to this origin stops that request in the
browser (the bundle then hides the image), and anything else a future bundle might try.
"""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request

# Inline scripts and styles: both pages bootstrap inline; ReDoc runs its search in a blob: worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
)


class _LocalOnly:
    @extend_schema(exclude=True)  # as the views it wraps: a page, not an API operation
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: the Spectacular view's get
        response["Content-Security-Policy"] = DOCS_CSP
        return response


class SwaggerView(_LocalOnly, SpectacularSwaggerView):
    pass


class RedocView(_LocalOnly, SpectacularRedocView):
    template_name = "api/redoc.html"
