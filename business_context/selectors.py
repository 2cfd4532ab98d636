"""Reads of business contexts (one per user)."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import User
from business_context.models import CONTENT_FIELDS, BusinessContext

AGENT_DATA_FIELDS = (*CONTENT_FIELDS, "version")


def context_for(user: User) -> BusinessContext | None:
    """`user`'s business context, or None until they save one."""
    if not getattr(user, "is_authenticated", False) and not getattr(user, "pk", None):
        return None
    return BusinessContext.objects.filter(owner=user).first()


def context_history(ctx: BusinessContext) -> QuerySet:
    """Every saved version of `ctx`, newest first, with who saved it."""
    return ctx.history.select_related("history_user").order_by("-history_date", "-history_id")


def context_as_agent_data(ctx: BusinessContext | None) -> dict[str, Any] | None:
    """The agent server's `BusinessContextData` dict for `ctx` (None stays None)."""
    if ctx is None:
        return None
    return {name: getattr(ctx, name) for name in AGENT_DATA_FIELDS}
