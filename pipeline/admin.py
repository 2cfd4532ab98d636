"""The admin's "process selected" action for leads, added to the leads admin: a thin adapter over
`pipeline.services.enqueue_many`."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from leads.admin import LeadAdmin
from leads.models import Lead
from pipeline.services import enqueue_many


@admin.action(description="Process selected leads through the agent pipeline", permissions=["change"])
def process_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
    result = enqueue_many(queryset.order_by("created_at").values_list("pk", flat=True))
    modeladmin.message_user(request, f"Queued {len(result.leads)} lead(s) for processing.", messages.SUCCESS)
    if result.busy:
        modeladmin.message_user(request, f"{len(result.busy)} lead(s) were already queued or processing.",
                                messages.WARNING)


# The leads admin lives below the pipeline (it may not import it): the action is added from here.
LeadAdmin.actions = [process_selected, *LeadAdmin.actions]
