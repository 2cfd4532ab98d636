"""`/api/auth/...`: thin adapters over accounts.services."""

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.selectors import request_token
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


def check_credentials(request: Request, *, email: str, password: str) -> Any:
    """The active user with these credentials; else 401, or 429 while django-axes locks this e-mail out from
    this client's IP (failures from other IPs never lock a user out)."""
    user = authenticate(request._request, email=email, password=password)
    if getattr(request._request, "axes_locked_out", False):
        # This view answers the lockout in its presentation's body: AxesMiddleware must not replace it.
        request._request.axes_locked_out = False  # type: ignore[attr-defined]  # django-axes' own request flag
        cool_off = get_cool_off(request._request)
        raise exceptions.Throttled(wait=cool_off.total_seconds() if cool_off else None)
    if user is None or not user.is_active:
        raise exceptions.AuthenticationFailed("Invalid email or password.", code="invalid_credentials")
    return user


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised e-mail of the API logins (`email`) and the admin's form (`username`)."""
    credentials = credentials or {}
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE, for the admin's login form (the API login views answer their own 429)."""
    cool_off = get_cool_off(request)
    response = HttpResponse("Too many failed login attempts; try again later.", status=429, content_type="text/plain")
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class _PublicAuthView(APIView):
    """No authentication needed; a wrong password still answers 401 (with a WWW-Authenticate header)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class LoginView(_PublicAuthView):
    throttle_scope = "login"

    @extend_schema(
        tags=TAGS,
        summary="Log in with email and password",
        request=LoginSerializer,
        responses={200: LoginResponseSerializer, **errors(400, 401, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = check_credentials(request, **serializer.validated_data)
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
        summary="Log out: end this session (its access and refresh tokens) and revoke the refresh token",
        request=RefreshTokenSerializer,
        responses={204: None, **errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.logout(
                user=request.user,
                access_token=request_token(request),
                refresh_token=serializer.validated_data["refresh_token"],
            )
        except services.InvalidRefreshToken as exc:
            raise exceptions.ValidationError({"refresh_token": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileView(APIView):
    @extend_schema(tags=TAGS, summary="The current user", responses={200: UserSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class RegisterView(_PublicAuthView):
    throttle_scope = "register"

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
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.register_user(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)
