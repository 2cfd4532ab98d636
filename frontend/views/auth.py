"""`/api/v1/auth/...` (FRONTEND.md §3): the accounts services, tokens living FRONTEND_ACCESS_TOKEN_LIFETIME."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import services
from accounts.selectors import request_token, user_by_email
from accounts.views import check_credentials
from frontend.serializers.auth import (
    AuthResponseSerializer,
    LoginSerializer,
    LogoutSerializer,
    RefreshSerializer,
    RegisterSerializer,
    TokenPairSerializer,
    UserSerializer,
)
from frontend.views.base import FrontendView
from nellia.api.exceptions import Conflict
from nellia.api.schema import errors


def _session(user) -> dict:
    body = services.issue_tokens(user, access_lifetime=settings.FRONTEND_ACCESS_TOKEN_LIFETIME)
    body["user"] = UserSerializer(user).data
    return body


class _PublicView(FrontendView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    envelope = False


class LoginView(_PublicView):
    throttle_scope = "login"

    @extend_schema(summary="Log in (RAW)", request=LoginSerializer, responses={200: AuthResponseSerializer, **errors(401)}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=self.body())
        serializer.is_valid(raise_exception=True)
        return Response(_session(check_credentials(request, **serializer.validated_data)))


class RegisterView(_PublicView):
    throttle_scope = "register"

    @extend_schema(summary="Create an account (RAW)", request=RegisterSerializer, responses={201: AuthResponseSerializer, **errors(403, 409)}, auth=[])
    def post(self, request: Request) -> Response:
        if not settings.ALLOW_REGISTRATION:
            raise exceptions.PermissionDenied("Registration is disabled.", code="registration_disabled")
        serializer = RegisterSerializer(data=self.body())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if user_by_email(data["email"]) is not None:
            raise Conflict("A user with this email already exists.", code="email_taken")
        try:
            user = services.register_user(
                email=data["email"], password=data["password"], first_name=data["firstName"], last_name=data["lastName"]
            )
        except DjangoValidationError:
            if user_by_email(data["email"]) is not None:  # registered concurrently
                raise Conflict("A user with this email already exists.", code="email_taken") from None
            raise
        return Response(_session(user), status=status.HTTP_201_CREATED)


class RefreshView(_PublicView):
    @extend_schema(summary="Rotate a refresh token (RAW)", request=RefreshSerializer, responses={200: TokenPairSerializer, **errors(401)}, auth=[])
    def post(self, request: Request) -> Response:
        serializer = RefreshSerializer(data=self.body())
        serializer.is_valid(raise_exception=True)
        try:
            pair = services.rotate_refresh_token(
                serializer.validated_data["refresh_token"], access_lifetime=settings.FRONTEND_ACCESS_TOKEN_LIFETIME
            )
        except services.InvalidRefreshToken as exc:
            raise exceptions.AuthenticationFailed(
                f"Refresh token is invalid, expired or revoked ({exc}).", code="token_not_valid"
            ) from None
        return Response(
            {"access_token": pair["access_token"], "refresh_token": pair["refresh_token"], "expires_in": pair["expires_in"]}
        )


class LogoutView(FrontendView):
    envelope = False

    @extend_schema(summary="Log out: this session's tokens stop working; an optional refresh token is revoked too", request=LogoutSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = LogoutSerializer(data=self.body())
        serializer.is_valid(raise_exception=True)
        try:
            services.logout(
                user=request.user,
                access_token=request_token(request),
                refresh_token=serializer.validated_data.get("refresh_token") or None,
            )
        except services.InvalidRefreshToken as exc:
            raise exceptions.ValidationError({"refresh_token": [str(exc)]}) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileView(FrontendView):
    @extend_schema(summary="The current user", responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)
