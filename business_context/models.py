import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

# What the user writes about their business: the agents' input, in every presentation.
CONTENT_FIELDS = (
    "business_description",
    "product_service_description",
    "target_market",
    "value_proposition",
    "ideal_customer",
    "pain_points",
    "competitive_advantage",
    "competitors",
    "industry_focus",
    "geographic_focus",
    "language",
)


def default_geographic_focus() -> list[str]:
    return ["Brasil"]


class BusinessContext(models.Model):
    """What the user sells and to whom: the ground every agent reasons from. One per user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_context")
    business_description = models.TextField()
    product_service_description = models.TextField()
    target_market = models.TextField()
    value_proposition = models.TextField()
    ideal_customer = models.TextField(blank=True)
    pain_points = models.JSONField(default=list, blank=True)
    competitive_advantage = models.TextField(blank=True)
    competitors = models.JSONField(default=list, blank=True)
    industry_focus = models.JSONField(default=list, blank=True)
    geographic_focus = models.JSONField(default=default_geographic_focus, blank=True)
    language = models.CharField(max_length=10, default="pt-BR")
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save; leads record the version used.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Every save (API, admin, scripts) keeps the whole context as it was: seen and restored in the admin,
    # read through `GET /api/business-context/history`.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = "business context"

    def __str__(self) -> str:
        return f"Business context of {self.owner} (v{self.version})"
