from django.urls import re_path

from prospecting.views import ProspectJobDetailView, ProspectJobListView, ProspectQuotaView

urlpatterns = [
    re_path(r"^prospect/jobs/?$", ProspectJobListView.as_view(), name="prospect-jobs"),
    re_path(r"^prospect/jobs/(?P<job_id>[0-9a-fA-F-]{36})/?$", ProspectJobDetailView.as_view(), name="prospect-job"),
    re_path(r"^prospect/quota/?$", ProspectQuotaView.as_view(), name="prospect-quota"),
]
