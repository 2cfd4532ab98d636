"""The DRF authentication class of both presentations (and of the sockets, `nellia.ws_auth`)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from accounts import tokens


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's bearer authentication (signature, expiry, active user, password-change check) that also
    rejects a token whose session was revoked (logout, reused refresh token)."""

    def get_validated_token(self, raw_token: bytes) -> Token:
        token = super().get_validated_token(raw_token)
        if tokens.is_revoked(token):
            raise InvalidToken({"detail": "Token has been revoked.", "code": "token_revoked"})
        return token


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of simplejwt's class, for this subclass."""

    target_class = "accounts.authentication.JWTAuthentication"
