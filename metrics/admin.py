from django.contrib import admin

from metrics.models import LeadCountsDelta


@admin.register(LeadCountsDelta)
class LeadCountsDeltaAdmin(admin.ModelAdmin):
    """Read-only: rows are written by database triggers and folded by the compaction task."""

    list_display = ("owner_id", "status", "processing_stage", "qualification_tier", "n")
    list_filter = ("status", "processing_stage", "qualification_tier")
    search_fields = ("owner_id",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
