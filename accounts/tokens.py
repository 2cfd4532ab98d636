"""JWT sessions that can be revoked: token families and the access-token check.

A login starts a *family*: its refresh token gets a `fam` claim (its own `jti`), copied into every access token
derived from it and into every refresh token rotated from it. Revoking the family (logout, reuse of a rotated
refresh token) ends the whole session at once, access tokens included. A password change ends every session of
the user: simplejwt's CHECK_REVOKE_TOKEN puts a hash of the password into each token and compares it on use.

The check costs one cache read per request; the database (`RevokedTokenFamily`) is the source of truth, so a
cache restart forgets nothing.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken, Token

from accounts.models import RevokedTokenFamily

FAMILY_CLAIM = "fam"


def _cache_key(family: str) -> str:
    return f"auth:family-revoked:{family}"


def _cache_timeout() -> int:
    # No token of a family outlives the longest token lifetime.
    lifetimes = (api_settings.REFRESH_TOKEN_LIFETIME.total_seconds(), settings.FRONTEND_ACCESS_TOKEN_LIFETIME)
    return int(max(lifetimes))


def family_of(token: Token) -> str | None:
    """The token's family; a refresh token issued before families existed is a family of its own."""
    family = token.get(FAMILY_CLAIM)
    if family is None and token.get(api_settings.TOKEN_TYPE_CLAIM) == "refresh":
        family = token.get(api_settings.JTI_CLAIM)
    return str(family) if family is not None else None


def start_family(user: Any, family: str | None = None) -> RefreshToken:
    """A refresh token for `user`, starting a new family or continuing `family` (rotation)."""
    refresh = RefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = family or refresh[api_settings.JTI_CLAIM]
    return refresh


def is_revoked(token: Token) -> bool:
    family = family_of(token)
    if family is None:
        return False
    revoked = cache.get(_cache_key(family))
    if revoked is None:
        revoked = RevokedTokenFamily.objects.filter(family=family).exists()
        cache.set(_cache_key(family), revoked, _cache_timeout())
    return revoked


def revoke(token: Token, *, user: Any, reason: str) -> None:
    """End the session `token` belongs to: every token of its family stops working at once."""
    family = family_of(token)
    if family is None:
        return
    RevokedTokenFamily.objects.get_or_create(family=family, defaults={"user": user, "reason": reason})
    cache.set(_cache_key(family), True, _cache_timeout())


def prune_revoked() -> int:
    """Forget revocations older than any token of their family can live; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=_cache_timeout())
    deleted, _ = RevokedTokenFamily.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted
