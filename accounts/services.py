"""Writes of accounts: registration and the JWT lifecycle (issue, rotate, revoke)."""

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

User = get_user_model()


class InvalidRefreshToken(Exception):  # noqa: N818 (reads like the simplejwt errors)
    """The refresh token is malformed, expired, revoked or belongs to an inactive user."""


def _lifetime_seconds(access_lifetime: timedelta | int | None) -> tuple[timedelta, int]:
    if access_lifetime is None:
        lifetime = api_settings.ACCESS_TOKEN_LIFETIME
    elif isinstance(access_lifetime, timedelta):
        lifetime = access_lifetime
    else:
        lifetime = timedelta(seconds=int(access_lifetime))
    return lifetime, int(lifetime.total_seconds())


def _token_pair(refresh: RefreshToken, access_lifetime: timedelta | int | None) -> dict[str, Any]:
    lifetime, seconds = _lifetime_seconds(access_lifetime)
    access = refresh.access_token
    access.set_exp(from_time=access.current_time, lifetime=lifetime)
    return {
        "access_token": str(access),
        "refresh_token": str(refresh),
        "token_type": "Bearer",
        "expires_in": seconds,
    }


def issue_tokens(user: Any, access_lifetime: timedelta | int | None = None) -> dict[str, Any]:
    """A fresh `{access_token, refresh_token, token_type, expires_in}` for a user who just logged in.

    `access_lifetime` (timedelta or seconds) overrides SIMPLE_JWT's ACCESS_TOKEN_LIFETIME (the /api/v1 profile
    uses 24 h). Records the login time.
    """
    refresh = RefreshToken.for_user(user)
    update_last_login(None, user)
    return _token_pair(refresh, access_lifetime)


def rotate_refresh_token(refresh_token: str, access_lifetime: timedelta | int | None = None) -> dict[str, Any]:
    """Exchange `refresh_token` for a new pair; the old one is blacklisted (a second use is rejected).

    Raises InvalidRefreshToken.
    """
    try:
        old = RefreshToken(refresh_token)
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc)) from None
    user_id = old.payload.get(api_settings.USER_ID_CLAIM)
    user = User.objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise InvalidRefreshToken("No active account found for the given token.")
    with transaction.atomic():
        # Lock the token's row so two concurrent refreshes with the same token cannot both succeed.
        outstanding = OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=old[api_settings.JTI_CLAIM]).first()
        if outstanding is None or BlacklistedToken.objects.filter(token=outstanding).exists():
            raise InvalidRefreshToken("Token is blacklisted.")
        BlacklistedToken.objects.create(token=outstanding)
        new = RefreshToken.for_user(user)
    return _token_pair(new, access_lifetime)


def revoke_refresh_token(refresh_token: str, *, user: Any = None) -> None:
    """Blacklist `refresh_token` (logout). Raises InvalidRefreshToken for a token that is not valid (or, when
    `user` is given, that belongs to someone else)."""
    try:
        token = RefreshToken(refresh_token)
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc)) from None
    if user is not None and str(token.payload.get(api_settings.USER_ID_CLAIM)) != str(user.pk):
        raise InvalidRefreshToken("Token does not belong to the current user.")
    token.blacklist()


def register_user(*, email: str, password: str, first_name: str = "", last_name: str = "") -> Any:
    """Create an active user with role `user`. Raises ValidationError (email taken, weak password)."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    errors: dict[str, list[str]] = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = ["A user with this email already exists."]
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
    except IntegrityError:  # a concurrent registration of the same address
        raise ValidationError({"email": ["A user with this email already exists."]}) from None
