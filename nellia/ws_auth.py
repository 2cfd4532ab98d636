"""WebSocket authentication: a JWT access token in the `token` query parameter, else the Django session.

An explicit token (query parameter, or an `Authorization: Bearer` header for non-browser clients) always wins
over the session: a bad or expired token yields AnonymousUser, never a fallback to a cookie. The consumers close
an anonymous socket with 4401; the token's expiry goes into `scope["token_exp"]` so they can close it at expiry.
"""

from typing import Any
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.settings import api_settings as drf_settings
from rest_framework_simplejwt.exceptions import InvalidToken

MAX_TOKEN_LENGTH = 4096


def authenticated_user(raw: str) -> tuple[Any, float | None]:
    """The active user an access token names and the token's expiry (epoch seconds).

    AnonymousUser (and None) for a bad, expired, refresh-type, revoked (logout, password change) or unknown-user
    token: the checks of the REST authentication class.
    """
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return AnonymousUser(), None
    # accounts.authentication.JWTAuthentication (api_settings imports the classes; the stubs type the dotted paths).
    authentication = drf_settings.DEFAULT_AUTHENTICATION_CLASSES[0]()  # type: ignore[operator]
    try:
        token = authentication.get_validated_token(raw.encode())
        user = authentication.get_user(token)
    except (InvalidToken, AuthenticationFailed, ValidationError, ValueError):
        return AnonymousUser(), None
    exp = token.get("exp")
    return user, float(exp) if isinstance(exp, int | float) else None


user_from_token = database_sync_to_async(authenticated_user)


def _bearer_header(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers") or []:
        if name.lower() == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return credentials.strip()
    return None


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        scope["query_params"] = params
        # `?token=` present but empty counts as a bad token, not as "use the session".
        raw = params["token"][-1] if params.get("token") else None
        if raw is None:
            raw = _bearer_header(scope)
        if raw is not None:
            user, exp = await user_from_token(raw)
            scope["user"] = user
            scope["token_exp"] = exp
            scope["auth_method"] = "jwt"
        elif getattr(scope.get("user"), "is_authenticated", False):
            scope["auth_method"] = "session"
        return await super().__call__(scope, receive, send)


class CookieOriginValidator:
    """Checks the Origin only for sockets that would ride on the session cookie.

    The cookie is the one credential a browser sends on its own, so only it needs cross-site protection; a
    socket that presents a token (scripts and services often send no Origin at all) is judged by the token.
    """

    def __init__(self, inner):
        self.inner = inner
        self.origin_checked = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope, receive, send):
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        presents_token = "token" in params or _bearer_header(scope) is not None
        return await (self.inner if presents_token else self.origin_checked)(scope, receive, send)


def JWTAuthMiddlewareStack(inner):  # noqa: N802 - mirrors Channels' AuthMiddlewareStack
    return AuthMiddlewareStack(JWTAuthMiddleware(inner))
