"""Auth bodies of the frontend profile (FRONTEND.md §3): camelCase user, token pair."""

from typing import Any

from rest_framework import serializers


class UserSerializer(serializers.Serializer):
    id = serializers.CharField()
    email = serializers.EmailField()
    firstName = serializers.CharField(source="first_name")  # noqa: N815
    lastName = serializers.CharField(source="last_name")  # noqa: N815
    role = serializers.SerializerMethodField()
    isActive = serializers.BooleanField(source="is_active")  # noqa: N815
    lastLogin = serializers.DateTimeField(source="last_login", allow_null=True)  # noqa: N815

    def get_role(self, user: Any) -> str:
        return "admin" if user.is_admin else "user"

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["id"] = str(instance.pk)
        return data


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, max_length=256)


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(trim_whitespace=False, max_length=256, write_only=True)
    firstName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")  # noqa: N815
    lastName = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")  # noqa: N815


class AuthResponseSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()
    user = UserSerializer()


class RefreshSerializer(serializers.Serializer):
    refresh_token = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    expires_in = serializers.IntegerField()


class LogoutSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(required=False, allow_blank=True)
