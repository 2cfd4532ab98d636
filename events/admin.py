from django.contrib import admin

from events.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "user", "created_at"]
    list_filter = ["type"]
    search_fields = ["type", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = ["id", "type", "data", "user", "created_at"]
    show_full_result_count = False  # the log can be large

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
