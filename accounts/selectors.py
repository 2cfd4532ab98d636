"""Reads of accounts."""

from typing import Any

from django.contrib.auth import get_user_model


def user_by_email(email: str) -> Any | None:
    """The user with `email` (case-insensitive), or None."""
    return get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
