"""`/api/auth/...`: thin adapters over accounts.services."""

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, JsonResponse
from django_ratelimit.core import get_usage
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.serializers import (
    LoginResponseSerializer,
    LoginSerializer,
    RefreshTokenSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from nellia.api.schema import errors

TAGS = ["auth"]


def ratelimited(request: HttpRequest, exception: Exception) -> JsonResponse:
    """RATELIMIT_VIEW: what django-ratelimit's middleware answers for a blocked request."""
    response = JsonResponse({"detail": "Too many requests, try again later.", "code": "throttled"}, status=429)
    response["Retry-After"] = "60"
    return response


def enforce_rate_limit(request: HttpRequest, *, group: str, keys: dict[str, Any]) -> None:
    """Count this request under each key of `keys` (name → key or callable) and raise Throttled past the limit.

    Rate: settings.LOGIN_RATE_LIMIT (e.g. "10/m"), per key, in django-ratelimit's fixed windows.
    """
    wait = 0
    for name, key in keys.items():
        usage = get_usage(
            request, group=f"{group}.{name}", key=key, rate=settings.LOGIN_RATE_LIMIT, increment=True
        )
        if usage and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    if wait:
        raise exceptions.Throttled(wait=wait, detail=f"Too many attempts. Try again in {wait} seconds.")


class _PublicAuthView(APIView):
    """No authentication needed; a wrong password still answers 401 (with a WWW-Authenticate header)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LoginView(_PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Log in with email and password",
        request=LoginSerializer,
        responses={200: LoginResponseSerializer, **errors(400, 401, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        # Count the attempt before looking at the credentials: per IP and per (normalised) email address.
        raw_email = request.data.get("email", "") if isinstance(request.data, dict) else ""
        email_key = str(raw_email).strip().lower()[:254] or "-"
        enforce_rate_limit(
            request._request,
            group="auth.login",
            keys={"ip": "ip", "email": lambda group, req: email_key},
        )
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed("Invalid email or password.", code="invalid_credentials")
        body = services.issue_tokens(user)
        body["user"] = UserSerializer(user).data
        return Response(body)


class RefreshView(_PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Exchange a refresh token for a new pair (the old one is revoked)",
        request=RefreshTokenSerializer,
        responses={200: TokenPairSerializer, **errors(400, 401)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = services.rotate_refresh_token(serializer.validated_data["refresh_token"])
        except services.InvalidRefreshToken as exc:
            raise exceptions.AuthenticationFailed(
                f"Refresh token is invalid, expired or revoked ({exc}).", code="token_not_valid"
            ) from None
        return Response({"access_token": pair["access_token"], "refresh_token": pair["refresh_token"]})


class LogoutView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Revoke a refresh token",
        request=RefreshTokenSerializer,
        responses={204: None, **errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.revoke_refresh_token(serializer.validated_data["refresh_token"], user=request.user)
        except services.InvalidRefreshToken as exc:
            raise exceptions.ValidationError({"refresh_token": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileView(APIView):
    @extend_schema(tags=TAGS, summary="The current user", responses={200: UserSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class RegisterView(_PublicAuthView):
    @extend_schema(
        tags=TAGS,
        summary="Create an account (can be disabled with ALLOW_REGISTRATION)",
        request=RegisterSerializer,
        responses={201: UserSerializer, **errors(400, 403, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        if not settings.ALLOW_REGISTRATION:
            raise exceptions.PermissionDenied("Registration is disabled.", code="registration_disabled")
        enforce_rate_limit(request._request, group="auth.register", keys={"ip": "ip"})
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.register_user(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)
