from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from agents import services
from agents.models import Agent, StageRun


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["display_name", "name", "stage", "category", "status", "current_task", "last_heartbeat"]
    list_filter = ["status", "category"]
    search_fields = ["name", "display_name"]
    readonly_fields = ["status", "current_task", "last_error", "last_heartbeat", "consecutive_failures",
                       "created_at", "updated_at"]
    actions = ["start_selected", "stop_selected"]

    # The pipeline is a fixed five, seeded by a migration: they are started and stopped, never added or deleted.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Agent | None = None) -> bool:
        return False

    @admin.action(description="Start selected agents (resume their waiting leads)")
    def start_selected(self, request: HttpRequest, queryset: QuerySet[Agent]) -> None:
        for agent in queryset:
            services.start_agent(agent=agent)
        self.message_user(request, f"Started {queryset.count()} agent(s).", messages.SUCCESS)

    @admin.action(description="Stop selected agents (leads wait at their stage)")
    def stop_selected(self, request: HttpRequest, queryset: QuerySet[Agent]) -> None:
        for agent in queryset:
            services.stop_agent(agent=agent)
        self.message_user(request, f"Stopped {queryset.count()} agent(s).", messages.SUCCESS)


@admin.register(StageRun)
class StageRunAdmin(admin.ModelAdmin):
    list_display = ["lead", "stage", "agent", "status", "attempt", "started_at", "duration_ms", "total_tokens"]
    list_filter = ["status", "stage", "agent"]
    search_fields = ["lead__company_name", "task_id", "error"]
    list_select_related = ["lead", "agent"]
    date_hierarchy = "started_at"
    raw_id_fields = ["lead"]
    readonly_fields = [field.name for field in StageRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
