"""Reads of accounts."""

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework_simplejwt.tokens import Token

from accounts.models import User


def user_by_email(email: str) -> Any | None:
    """The user with `email` (case-insensitive), or None."""
    return get_user_model().objects.filter(email__iexact=(email or "").strip()).first()


def user_by_id(user_id: uuid.UUID | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id is not None else None


def request_user(request: HttpRequest) -> User:
    """The signed-in user of `request`, typed (for views behind authentication: an anonymous caller is refused)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Authentication required.")
    return user


def request_token(request: Request) -> Token | None:
    """The access token `request` was authenticated with (`accounts.authentication`), typed; None without one."""
    return request.auth if isinstance(request.auth, Token) else None
