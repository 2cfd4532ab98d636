"""WebSocket authentication: a JWT access token in the `token` query parameter, else the Django session."""

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken


@database_sync_to_async
def user_from_token(raw: str):
    """The active user an access token names, or AnonymousUser for a bad, expired or unknown token."""
    try:
        token = AccessToken(raw)
        return get_user_model().objects.get(pk=token["user_id"], is_active=True)
    except (TokenError, KeyError, ValueError, get_user_model().DoesNotExist):
        return AnonymousUser()


class JWTAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        scope["query_params"] = params
        if "token" in params:
            # An explicit token wins over the session: a bad token must not fall back to a cookie.
            scope["user"] = await user_from_token(params["token"][0])
            scope["auth_method"] = "jwt"
        return await super().__call__(scope, receive, send)


def JWTAuthMiddlewareStack(inner):  # noqa: N802 - mirrors Channels' AuthMiddlewareStack
    return AuthMiddlewareStack(JWTAuthMiddleware(inner))
