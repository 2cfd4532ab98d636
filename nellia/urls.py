from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# Each app's urls.py holds its full sub-paths under /api/ (e.g. "leads", "leads/<id>/process").
api_patterns = [
    path("", include("accounts.urls")),
    path("", include("agents.urls")),
    path("", include("leads.urls")),
    path("", include("business_context.urls")),
    path("", include("chat.urls")),
    path("", include("metrics.urls")),
    path("", include("mcp_bridge.urls")),
    re_path(r"^schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    re_path(r"^redoc/?$", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("frontend.urls")),
    path("api/", include(api_patterns)),
    path("", include("events.urls")),
]
