"""`GET /api/leads` query parameters (also used by the export)."""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

from leads.models import Lead


class UTCIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time converted to UTC: PostgreSQL rejects offsets Python accepts (beyond ±15:59)."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError("Enter a date/time between the years 1 and 9999.", code="invalid") from None


class UTCIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCIsoDateTimeField


class LeadFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Lead.Status.choices)
    processing_stage = django_filters.ChoiceFilter(choices=Lead.ProcessingStage.choices)
    qualification_tier = django_filters.ChoiceFilter(choices=Lead.Tier.choices)
    board_stage = django_filters.ChoiceFilter(choices=Lead.BoardStage.choices)
    source = django_filters.ChoiceFilter(choices=Lead.Source.choices)
    company_sector = django_filters.CharFilter(lookup_expr="iexact")
    market_region = django_filters.CharFilter(lookup_expr="iexact")
    prospect_job = django_filters.UUIDFilter(field_name="prospect_job_id")
    relevance_score_min = django_filters.NumberFilter(field_name="relevance_score", lookup_expr="gte")
    relevance_score_max = django_filters.NumberFilter(field_name="relevance_score", lookup_expr="lte")
    roi_potential_score_min = django_filters.NumberFilter(field_name="roi_potential_score", lookup_expr="gte")
    roi_potential_score_max = django_filters.NumberFilter(field_name="roi_potential_score", lookup_expr="lte")
    brazilian_market_fit_min = django_filters.NumberFilter(field_name="brazilian_market_fit", lookup_expr="gte")
    brazilian_market_fit_max = django_filters.NumberFilter(field_name="brazilian_market_fit", lookup_expr="lte")
    created_after = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UTCIsoDateTimeFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Lead
        fields: list[str] = []


SEARCH_FIELDS = ["company_name", "website", "description"]
ORDERING_FIELDS = [
    "created_at",
    "updated_at",
    "processed_at",
    "relevance_score",
    "roi_potential_score",
    "brazilian_market_fit",
    "overall_score",
    "company_name",
]
