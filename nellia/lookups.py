"""The ownership rule and the "unknown or malformed id → 404" rule, once for every app."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def sees_everything(user: Any) -> bool:
    """Admins see every user's data; everyone else sees their own."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_admin", False))


def owned_by(queryset: QuerySet[M], user: Any, *, owner_field: str = "owner") -> QuerySet[M]:
    """`queryset` narrowed to what `user` may see: their own rows (admins: all; anonymous users: none)."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset if sees_everything(user) else queryset.filter(**{owner_field: user})


def uuid_or_404(value: Any, *, what: str) -> uuid.UUID:
    """`value` as a UUID; Http404 ("No <what> matches the given id.") when it is not one."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404(f"No {what} matches the given id.") from None


def get_or_404(queryset: QuerySet[M], pk: Any, *, what: str) -> M:
    """The row of `queryset` with the UUID primary key `pk`; Http404 ("No <what> matches the given id.") when
    there is none or `pk` is not a UUID."""
    try:
        return queryset.get(pk=uuid_or_404(pk, what=what))
    except ObjectDoesNotExist:  # the model's DoesNotExist
        raise Http404(f"No {what} matches the given id.") from None
