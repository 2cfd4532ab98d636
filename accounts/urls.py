from django.urls import re_path

from accounts import views

urlpatterns = [
    re_path(r"^auth/login/?$", views.LoginView.as_view(), name="auth-login"),
    re_path(r"^auth/refresh/?$", views.RefreshView.as_view(), name="auth-refresh"),
    re_path(r"^auth/logout/?$", views.LogoutView.as_view(), name="auth-logout"),
    re_path(r"^auth/profile/?$", views.ProfileView.as_view(), name="auth-profile"),
    re_path(r"^auth/register/?$", views.RegisterView.as_view(), name="auth-register"),
]
