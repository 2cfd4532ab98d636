from django.urls import re_path

from leads.bulk_views import LeadBulkView, LeadExportView, LeadImportView, LeadsByStageView
from leads.pipeline_views import LeadProcessView, LeadProgressView
from leads.prospect_views import ProspectJobDetailView, ProspectJobListView, ProspectQuotaView
from leads.views import LeadViewSet
from nellia.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("leads", LeadViewSet, basename="lead")

urlpatterns = [
    # Fixed sub-paths (leads/import, leads/export, leads/bulk, leads/by-stage, leads/<id>/process, ...) go here,
    # before the router; the router's detail route only matches UUIDs.
    re_path(r"^leads/import/?$", LeadImportView.as_view(), name="lead-import"),
    re_path(r"^leads/export/?$", LeadExportView.as_view(), name="lead-export"),
    re_path(r"^leads/bulk/?$", LeadBulkView.as_view(), name="lead-bulk"),
    re_path(r"^leads/by-stage/?$", LeadsByStageView.as_view(), name="leads-by-stage"),
    re_path(r"^leads/(?P<lead_id>[0-9a-fA-F-]{36})/process/?$", LeadProcessView.as_view(), name="lead-process"),
    re_path(r"^leads/(?P<lead_id>[0-9a-fA-F-]{36})/progress/?$", LeadProgressView.as_view(), name="lead-progress"),
    re_path(r"^prospect/jobs/?$", ProspectJobListView.as_view(), name="prospect-jobs"),
    re_path(r"^prospect/jobs/(?P<job_id>[0-9a-fA-F-]{36})/?$", ProspectJobDetailView.as_view(), name="prospect-job"),
    re_path(r"^prospect/quota/?$", ProspectQuotaView.as_view(), name="prospect-quota"),
    *router.urls,
]
