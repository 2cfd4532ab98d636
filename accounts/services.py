"""Writes of accounts: registration and the JWT lifecycle (issue, rotate, revoke; families in `accounts.tokens`)."""

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
from rest_framework_simplejwt.tokens import RefreshToken, Token, UntypedToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts import tokens
from accounts.models import RevokedTokenFamily

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


def _decode_refresh(raw: str) -> RefreshToken:
    """A refresh token with its signature, expiry and type verified, blacklisted or not (the callers decide)."""
    try:
        # simplejwt annotates `token` as a Token; it is the encoded string.
        UntypedToken(raw)  # type: ignore[arg-type]  # signature and expiry
        token = RefreshToken(raw, verify=False)  # type: ignore[arg-type]
        token.verify_token_type()
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc)) from None
    return token


def issue_tokens(user: Any, access_lifetime: timedelta | int | None = None) -> dict[str, Any]:
    """A fresh `{access_token, refresh_token, token_type, expires_in}` for a user who just logged in.

    `access_lifetime` (timedelta or seconds) overrides SIMPLE_JWT's ACCESS_TOKEN_LIFETIME (the /api/v1 profile
    uses 24 h). Records the login time.
    """
    refresh = tokens.start_family(user)
    update_last_login(User, user)  # a signal receiver: the sender is the user model
    return _token_pair(refresh, access_lifetime)


def rotate_refresh_token(refresh_token: str, access_lifetime: timedelta | int | None = None) -> dict[str, Any]:
    """Exchange `refresh_token` for a new pair of the same family; the old one is blacklisted. A second use of
    a rotated token means it leaked: the whole family (the successor and its access tokens) is revoked.

    Raises InvalidRefreshToken.
    """
    old = _decode_refresh(refresh_token)
    user_id = old.payload.get(api_settings.USER_ID_CLAIM)
    user = User.objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise InvalidRefreshToken("No active account found for the given token.")
    if old.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise InvalidRefreshToken("The password has changed since this token was issued.")
    if tokens.is_revoked(old):
        raise InvalidRefreshToken("The session was revoked.")
    with transaction.atomic():
        # Lock the token's row so two concurrent refreshes with the same token cannot both succeed.
        outstanding = OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=old[api_settings.JTI_CLAIM]).first()
        reused = outstanding is not None and BlacklistedToken.objects.filter(token=outstanding).exists()
        if outstanding is not None and not reused:
            BlacklistedToken.objects.create(token=outstanding)
    if outstanding is None:
        raise InvalidRefreshToken("Token is blacklisted.")
    if reused:
        tokens.revoke(old, user=user, reason=RevokedTokenFamily.Reason.REUSE)
        raise InvalidRefreshToken("Token was already used; the session is revoked.")
    return _token_pair(tokens.start_family(user, family=tokens.family_of(old)), access_lifetime)


def logout(*, user: Any, access_token: Token | None, refresh_token: str | None = None) -> None:
    """End the session of `access_token` (the one the request came with) and of `refresh_token`: both families
    are revoked, access tokens included, and the refresh token is blacklisted. Raises InvalidRefreshToken for a
    refresh token that is not valid or belongs to someone else (then nothing is revoked)."""
    refresh = None
    if refresh_token is not None:
        refresh = _decode_refresh(refresh_token)
        if str(refresh.payload.get(api_settings.USER_ID_CLAIM)) != str(user.pk):
            raise InvalidRefreshToken("Token does not belong to the current user.")
    for token in (access_token, refresh):
        if token is not None:
            tokens.revoke(token, user=user, reason=RevokedTokenFamily.Reason.LOGOUT)
    if refresh is not None:
        refresh.blacklist()


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
