from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.selectors import request_user

# Internal tables of JWT rotation (every refresh token issued, those revoked): nothing for an operator to do there;
# logout and rotation manage them. Hidden from the admin (the app is listed before this one, so it registered first).
for internal in (OutstandingToken, BlacklistedToken):
    if admin.site.is_registered(internal):
        admin.site.unregister(internal)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users log in with their e-mail address; `role` decides what the API shows them, `plan` their quota."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "plan", "is_active", "is_staff", "last_login", "date_joined"]
    list_editable = ["role", "plan"]
    list_filter = ["role", "plan", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    date_hierarchy = "date_joined"
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Role and plan", {"fields": ("role", "plan")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
        ("Role and plan", {"fields": ("role", "plan")}),
    )
    actions = ["activate", "deactivate", "make_admin", "make_user"]

    @admin.action(description="Activate selected users")
    def activate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(is_active=True)
        self.message_user(request, f"Activated {count} user(s).", messages.SUCCESS)

    @admin.action(description="Deactivate selected users (they can no longer log in or refresh)")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.exclude(pk=request_user(request).pk).update(is_active=False)
        self.message_user(request, f"Deactivated {count} user(s) (never yourself).", messages.SUCCESS)

    @admin.action(description="Give selected users the admin role (see every user's data in the API)")
    def make_admin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.update(role=User.Role.ADMIN)
        self.message_user(request, f"{count} user(s) now have the admin role.", messages.SUCCESS)

    @admin.action(description="Give selected users the user role")
    def make_user(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        count = queryset.exclude(pk=request_user(request).pk).update(role=User.Role.USER)
        self.message_user(request, f"{count} user(s) now have the user role (never yourself).", messages.SUCCESS)
