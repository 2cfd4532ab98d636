from django.urls import re_path

from leads.bulk_views import LeadBulkView, LeadExportView, LeadImportView, LeadsByStageView
from leads.views import LeadViewSet
from nellia.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("leads", LeadViewSet, basename="lead")

urlpatterns = [
    # Fixed sub-paths (leads/import, leads/export, leads/bulk, leads/by-stage; the pipeline's leads/<id>/process) go here,
    # before the router; the router's detail route only matches UUIDs.
    re_path(r"^leads/import/?$", LeadImportView.as_view(), name="lead-import"),
    re_path(r"^leads/export/?$", LeadExportView.as_view(), name="lead-export"),
    re_path(r"^leads/bulk/?$", LeadBulkView.as_view(), name="lead-bulk"),
    re_path(r"^leads/by-stage/?$", LeadsByStageView.as_view(), name="leads-by-stage"),
    *router.urls,
]
