from django.urls import re_path

from metrics.views import AgentsMetricsView, OverviewView, PerformanceView

urlpatterns = [
    re_path(r"^metrics/overview/?$", OverviewView.as_view(), name="metrics-overview"),
    re_path(r"^metrics/performance/?$", PerformanceView.as_view(), name="metrics-performance"),
    re_path(r"^metrics/agents/?$", AgentsMetricsView.as_view(), name="metrics-agents"),
]
