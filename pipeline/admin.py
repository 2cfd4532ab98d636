"""The admin's "process selected" action for leads: a thin adapter over `leads.pipeline.enqueue_processing`."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from leads import pipeline
from leads.models import Lead


@admin.action(description="Process selected leads through the agent pipeline", permissions=["change"])
def process_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
    queued = skipped = 0
    for lead in queryset.order_by("created_at"):
        try:
            pipeline.enqueue_processing(lead=lead)
            queued += 1
        except pipeline.AlreadyProcessing:
            skipped += 1
    modeladmin.message_user(request, f"Queued {queued} lead(s) for processing.", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, f"{skipped} lead(s) were already queued or processing.", messages.WARNING)
