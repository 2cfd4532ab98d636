from django.urls import re_path

from pipeline.views import LeadProcessView, LeadProgressView

# Included under /api/ before the leads router (whose detail route only matches UUIDs).
urlpatterns = [
    re_path(r"^leads/(?P<lead_id>[0-9a-fA-F-]{36})/process/?$", LeadProcessView.as_view(), name="lead-process"),
    re_path(r"^leads/(?P<lead_id>[0-9a-fA-F-]{36})/progress/?$", LeadProgressView.as_view(), name="lead-progress"),
]
