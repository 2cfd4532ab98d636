"""The admin's "process selected" action for leads, added to the leads admin: a thin adapter over
`pipeline.services.enqueue_processing`."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from leads.admin import LeadAdmin
from leads.models import Lead
from leads.services import AlreadyProcessing
from pipeline.services import enqueue_processing


@admin.action(description="Process selected leads through the agent pipeline", permissions=["change"])
def process_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
    queued = skipped = 0
    for lead in queryset.order_by("created_at"):
        try:
            enqueue_processing(lead=lead)
            queued += 1
        except AlreadyProcessing:
            skipped += 1
    modeladmin.message_user(request, f"Queued {queued} lead(s) for processing.", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, f"{skipped} lead(s) were already queued or processing.", messages.WARNING)


# The leads admin lives below the pipeline (it may not import it): the action is added from here.
LeadAdmin.actions = [process_selected, *LeadAdmin.actions]
