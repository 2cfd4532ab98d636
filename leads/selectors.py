"""Reads of leads: the ownership filter and the query shape live here, once."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from leads.models import Lead
from leads.websites import site_key
from nellia.lookups import get_or_404, owned_by


def leads_for(user: User | AnonymousUser) -> QuerySet[Lead]:
    """The leads `user` may see: their own; admins see every lead. Anonymous users see none."""
    # No join: the representations carry `owner` as an id. Callers that show the owner add select_related.
    return owned_by(Lead.objects.all(), user)


def get_lead_for(user: User | AnonymousUser, lead_id: uuid.UUID | str) -> Lead:
    """The lead `lead_id` if `user` may see it; Http404 otherwise (also for a malformed id)."""
    return get_or_404(leads_for(user), lead_id, what="lead")


def find_duplicate_id(*, owner: User | uuid.UUID, website: str, exclude_id: uuid.UUID | None = None) -> uuid.UUID | None:
    """The id of `owner`'s lead on the same site as `website` (same registrable domain), if any."""
    key = site_key(website)
    if not key:
        return None
    queryset = Lead.objects.filter(owner=owner, website_key=key)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.values_list("id", flat=True).first()
