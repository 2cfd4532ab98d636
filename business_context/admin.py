from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from business_context import services
from business_context.models import BusinessContext


class LinesField(forms.Field):
    """A list of strings edited as one item per line."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 60})

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value or ""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class BusinessContextAdminForm(forms.ModelForm):
    """The admin face of the same rules as the API (business_context.services.validate_context_data)."""

    pain_points = LinesField(required=False, help_text="One per line.")
    competitors = LinesField(required=False, help_text="One per line.")
    industry_focus = LinesField(required=False, help_text="One per line.")
    geographic_focus = LinesField(required=False, help_text='One per line; empty means "Brasil".')

    class Meta:
        model = BusinessContext
        fields = ["owner", *services.EDITABLE_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in services.REQUIRED_TEXT_FIELDS:
            if name in self.fields:
                self.fields[name].required = False  # reported by the shared validation, with its messages
        if "language" in self.fields:
            self.fields["language"].required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        data = {name: cleaned.get(name) for name in services.EDITABLE_FIELDS if name in self.fields}
        try:
            self.service_data = services.validate_context_data(data, partial=False)
        except ValidationError as exc:
            for name, messages_ in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages_)
        return cleaned


@admin.register(BusinessContext)
class BusinessContextAdmin(SimpleHistoryAdmin):
    """"History" lists every saved version; opening one and saving it restores it (as a new version, through the
    service like any other save)."""

    form = BusinessContextAdminForm
    history_list_display = ["version", "is_active", "language"]
    list_display = ["owner", "short_description", "language", "version", "is_active", "updated_at"]
    list_filter = ["is_active", "language", "updated_at"]
    search_fields = ["owner__email", "business_description", "product_service_description", "target_market"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["version", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("owner", "is_active", "language", "version")}),
        ("What you sell", {"fields": ("business_description", "product_service_description", "value_proposition",
                                      "competitive_advantage")}),
        ("Who you sell to", {"fields": ("target_market", "ideal_customer", "pain_points", "industry_focus",
                                        "geographic_focus")}),
        ("Competition", {"fields": ("competitors",)}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
    actions = ["activate", "deactivate"]

    @admin.display(description="business description")
    def short_description(self, obj: BusinessContext) -> str:
        text = obj.business_description
        return text if len(text) <= 80 else f"{text[:77]}..."

    def get_readonly_fields(self, request: HttpRequest, obj: BusinessContext | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "owner"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: BusinessContext, form: BusinessContextAdminForm, change: bool) -> None:
        """Saved through the service, which bumps `version` like the API does."""
        ctx = services.save_context(owner=obj.owner, data=form.service_data, partial=False)
        obj.pk, obj.version, obj.created_at, obj.updated_at = ctx.pk, ctx.version, ctx.created_at, ctx.updated_at
        obj._state.adding = False

    @admin.action(description="Activate selected contexts")
    def activate(self, request: HttpRequest, queryset: QuerySet[BusinessContext]) -> None:
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate selected contexts")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[BusinessContext]) -> None:
        self._set_active(request, queryset, False)

    def _set_active(self, request: HttpRequest, queryset: QuerySet[BusinessContext], active: bool) -> None:
        count = 0
        for ctx in queryset:
            if ctx.is_active != active:
                services.save_context(owner=ctx.owner, data={"is_active": active}, partial=True)
                count += 1
        self.message_user(request, f"{count} context(s) updated.", messages.SUCCESS)
