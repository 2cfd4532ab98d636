from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from nellia.api.docs import RedocView, SwaggerView
from nellia.api.views import api_not_found
from nellia.health import HealthView

# The admin an operator lives in: branded, and "View site" opens the live dashboard.
admin.site.site_header = "Nellia Prospector"
admin.site.site_title = "Nellia Prospector admin"
admin.site.index_title = "Operations"
admin.site.site_url = "/dashboard/"

# Each app's urls.py holds its full sub-paths under /api/ (e.g. "leads", "leads/<id>/process").
api_patterns: list[URLPattern | URLResolver] = [
    path("", include("accounts.urls")),
    path("", include("agents.urls")),
    path("", include("pipeline.urls")),
    path("", include("prospecting.urls")),
    path("", include("leads.urls")),
    path("", include("business_context.urls")),
    path("", include("chat.urls")),
    path("", include("metrics.urls")),
    path("", include("mcp_bridge.urls")),
    path("", include("registry.urls")),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    re_path(r"^redoc/?$", RedocView.as_view(url_name="schema"), name="redoc"),
    re_path(r"^health/?$", HealthView.as_view(), name="health"),
    # Keep last: any other /api/ path answers a JSON 404 in the contract's shape (even with DEBUG on).
    re_path(r"^.*$", api_not_found),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("frontend.urls")),
    path("api/", include(api_patterns)),
    re_path(r"^api$", api_not_found),
    path("", include("dashboard.urls")),
    path("", include("frontend.spa")),  # keep last: the built frontend when FRONTEND_DIST_DIR is set (else 404)
]

# Error pages: JSON in the contract's shape under /api/, Django's HTML pages elsewhere.
handler400 = "nellia.api.views.bad_request"
handler403 = "nellia.api.views.permission_denied"
handler404 = "nellia.api.views.not_found"
handler500 = "nellia.api.views.server_error"
