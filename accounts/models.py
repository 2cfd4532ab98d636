import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from accounts.plans import PLAN_CHOICES, PLANS, Plan


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def default_plan() -> str:
    return settings.DEFAULT_USER_PLAN


class User(AbstractUser):
    """A person who logs in with an e-mail address; `role` decides what they may see and do."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        USER = "user", "User"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = None  # type: ignore[assignment]  # no username: removing an inherited field can't be typed
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER, db_index=True)
    plan = models.CharField(max_length=20, choices=PLAN_CHOICES, default=default_plan)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The e-mail manager, not AbstractUser's username-based UserManager (which the stubs expect).
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def plan_info(self) -> Plan:
        return PLANS.get(self.plan, PLANS["free"])


class RevokedTokenFamily(models.Model):
    """A revoked login session: the refresh token issued at login, every refresh token rotated from it and every
    access token derived from any of them carry the same `fam` claim (`accounts.tokens`). Revoked by logout or
    when a rotated refresh token is used again (the family has leaked)."""

    class Reason(models.TextChoices):
        LOGOUT = "logout", "Logout"
        REUSE = "reuse", "Refresh token reused"

    family = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    revoked_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.family} ({self.reason})"
