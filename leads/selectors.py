"""Reads of leads: the ownership filter and the query shape live here, once."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from leads.models import Lead
from leads.websites import site_key


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_admin", False))


def leads_for(user: Any) -> QuerySet[Lead]:
    """The leads `user` may see: their own; admins see every lead. Anonymous users see none."""
    if not getattr(user, "is_authenticated", False):
        return Lead.objects.none()
    # No join: the representations carry `owner` as an id. Callers that show the owner add select_related.
    return Lead.objects.all() if _is_admin(user) else Lead.objects.filter(owner=user)


def get_lead_for(user: Any, lead_id: Any) -> Lead:
    """The lead `lead_id` if `user` may see it; Http404 otherwise (also for a malformed id)."""
    try:
        pk = lead_id if isinstance(lead_id, uuid.UUID) else uuid.UUID(str(lead_id))
    except (TypeError, ValueError, AttributeError):
        raise Http404("No lead matches the given id.") from None
    try:
        return leads_for(user).get(pk=pk)
    except Lead.DoesNotExist:
        raise Http404("No lead matches the given id.") from None


def find_duplicate_id(*, owner: Any, website: str, exclude_id: Any = None) -> uuid.UUID | None:
    """The id of `owner`'s lead on the same site as `website` (same registrable domain), if any."""
    key = site_key(website)
    if not key:
        return None
    queryset = Lead.objects.filter(owner=owner, website_key=key)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.values_list("id", flat=True).first()
