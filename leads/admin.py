import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from import_export.admin import ImportExportMixin

from leads import services
from leads.fields import INPUT_FIELDS, JSON_RESULT_FIELDS, SCORE_FIELDS
from leads.models import Lead, ProspectJob
from leads.resources import LeadResource
from leads.selectors import find_duplicate_id


def pretty_json(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    return format_html(
        '<pre style="white-space: pre-wrap; max-height: 30em; overflow: auto; margin: 0">{}</pre>',
        json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False),
    )


def _pretty(name: str) -> Callable[[Any, Lead], str]:
    @admin.display(description=name.replace("_", " "))
    def display(self: Any, obj: Lead) -> str:
        return pretty_json(getattr(obj, name))

    display.__name__ = f"{name}_pretty"
    return display


class LeadAdminForm(forms.ModelForm):
    """Normalises the website and reports a duplicate on the form (the services enforce it again)."""

    class Meta:
        model = Lead
        fields = ["owner", *INPUT_FIELDS, "source", "board_stage", "prospect_job"]

    def clean_website(self) -> str:
        try:
            return services.normalized_website(self.cleaned_data.get("website"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["website"]) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        owner = cleaned.get("owner") or (self.instance.owner if self.instance.owner_id else None)
        website = cleaned.get("website")
        if owner and website:
            existing = find_duplicate_id(owner=owner, website=website, exclude_id=self.instance.pk)
            if existing:
                self.add_error("website", f"This owner already has a lead with this website (lead {existing}).")
        return cleaned


@admin.register(Lead)
class LeadAdmin(ImportExportMixin, admin.ModelAdmin):
    """Leads with their pipeline results (read-only: the pipeline writes them). Import/export: leads.resources."""

    resource_classes = [LeadResource]

    # Readable at 1280 px with the sidebar and filters open (short headers, labels): the website, the other
    # scores, board stage, source and dates are on the lead's page, in the search, the filters and the date bar.
    list_display = ["company_name", "status", "stage", "tier", "score", "owner"]
    list_filter = ["qualification_tier", "status", "processing_stage", "board_stage", "source", "company_sector", "created_at"]
    search_fields = ["company_name", "website", "description", "contact_email", "owner__email"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["owner"]
    raw_id_fields = ["prospect_job"]
    list_per_page = 50
    show_full_result_count = False
    form = LeadAdminForm

    class Media:
        css = {"all": ["leads/admin.css"]}  # the list wraps long values instead of scrolling sideways
    analysis_pretty = _pretty("analysis")
    persona_pretty = _pretty("persona")
    pain_point_analysis_pretty = _pretty("pain_point_analysis")
    purchase_triggers_pretty = _pretty("purchase_triggers")
    strategy_pretty = _pretty("strategy")
    message_pretty = _pretty("message")
    enrichment_data_pretty = _pretty("enrichment_data")
    readonly_fields = [
        "id", "status", "processing_stage", "progress", "queued_at", *SCORE_FIELDS, "qualification_tier",
        "context_version", "last_error", "processed_at", "created_at", "updated_at",
        *[f"{name}_pretty" for name in JSON_RESULT_FIELDS],
    ]
    fieldsets = (
        (None, {"fields": ("id", "owner", "company_name", "website", "description", "source", "board_stage", "prospect_job")}),
        ("Company and contact", {"fields": (
            "company_sector", "company_size", "market_region", "annual_revenue", "contact_email", "contact_phone",
            "contact_role", "source_text",
        )}),
        ("Pipeline", {"fields": (
            "status", "processing_stage", "progress", "queued_at", "processed_at", "last_error", "context_version",
        )}),
        ("Scores", {"fields": (
            "qualification_tier", "overall_score", "relevance_score", "roi_potential_score", "brazilian_market_fit",
        )}),
        ("Stage results", {"classes": ("collapse",), "fields": tuple(f"{name}_pretty" for name in JSON_RESULT_FIELDS)}),
        ("Timestamps", {"fields": ("created_at", "updated_at")}),
    )
    # `pipeline.admin` adds "process selected" (the pipeline sits above leads).
    actions = ["mark_disqualified", "clear_board_stage"]

    @admin.display(description="stage", ordering="processing_stage")
    def stage(self, obj: Lead) -> str:
        return obj.get_processing_stage_display()

    @admin.display(description="tier", ordering="qualification_tier")
    def tier(self, obj: Lead) -> str:
        return obj.get_qualification_tier_display() if obj.qualification_tier else "—"

    @admin.display(description="score", ordering="overall_score")
    def score(self, obj: Lead) -> str:
        return "—" if obj.overall_score is None else f"{obj.overall_score:.2f}"

    def save_model(self, request: HttpRequest, obj: Lead, form: Any, change: bool) -> None:
        """Through the services, so the website is deduplicated and the change is published."""
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.SETTABLE_FIELDS}
        try:
            if change:
                fresh = Lead.objects.get(pk=obj.pk)
                services.update_lead(lead=fresh, data=data)
            else:
                data = {name: form.cleaned_data[name] for name in form.cleaned_data if name in services.SETTABLE_FIELDS}
                created = services.create_lead(owner=obj.owner, data=data, source=data.get("source") or Lead.Source.MANUAL)
                obj.pk = created.pk
                obj._state.adding = False
        except services.DuplicateLead as exc:  # only a concurrent insert gets past the form's check
            raise ValidationError(f"{exc} Existing lead: {exc.existing_id}") from exc

    def delete_model(self, request: HttpRequest, obj: Lead) -> None:
        services.delete_lead(lead=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        for lead in queryset:
            services.delete_lead(lead=lead)

    def _set_board_stage(self, request: HttpRequest, queryset: QuerySet[Lead], value: str | None) -> int:
        count = 0
        for lead in queryset:
            if lead.board_stage != value:
                services.update_lead(lead=lead, data={"board_stage": value})
                count += 1
        return count

    @admin.action(description="Mark selected leads as disqualified (board)")
    def mark_disqualified(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        count = self._set_board_stage(request, queryset, Lead.BoardStage.DESQUALIFICADO)
        self.message_user(request, f"{count} lead(s) marked as disqualified.", messages.SUCCESS)

    @admin.action(description="Remove selected leads from the board")
    def clear_board_stage(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        count = self._set_board_stage(request, queryset, None)
        self.message_user(request, f"{count} lead(s) removed from the board.", messages.SUCCESS)


@admin.register(ProspectJob)
class ProspectJobAdmin(admin.ModelAdmin):
    """Harvest jobs are run by the platform: read-only here."""

    list_display = ["id", "owner", "status", "progress", "search_query", "leads_created", "duplicates_skipped", "created_at", "finished_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["search_query", "owner__email", "error"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in ProspectJob._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ProspectJob | None = None) -> bool:
        return False
