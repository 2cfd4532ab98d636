from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The staff operator page (`/dashboard/`): reads every app, imported by none."""

    name = "dashboard"
