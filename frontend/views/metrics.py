"""`/api/v1/metrics/...` (FRONTEND.md §8): metrics.selectors, renamed."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from frontend.serializers import metrics as presenter
from frontend.views.base import FrontendView
from metrics.selectors import InvalidRangeError


def _performance(request: Request, time_range: str) -> dict:
    try:
        return presenter.performance(request.user, time_range)
    except InvalidRangeError as exc:
        raise exceptions.ValidationError({"timeRange": [str(exc).replace("range", "timeRange", 1)]}) from None


class DashboardView(FrontendView):
    @extend_schema(summary="Dashboard KPIs", responses={200: presenter.DashboardSerializer})
    def get(self, request: Request) -> Response:
        return Response(presenter.dashboard(request.user))


class PerformanceView(FrontendView):
    @extend_schema(
        summary="Throughput and processing-time series",
        parameters=[OpenApiParameter("timeRange", str, enum=["24h", "7d", "30d", "90d"])],
        responses={200: presenter.PerformanceSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(_performance(request, request.query_params.get("timeRange") or "24h"))


class AgentMetricsView(FrontendView):
    @extend_schema(summary="Per-agent performance", responses={200: presenter.AgentPerformanceSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(presenter.agent_performance())


class LeadMetricsView(FrontendView):
    @extend_schema(summary="Lead counts per presented stage", responses={200: presenter.LeadStatSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(presenter.lead_stats(request.user))


class SummaryView(FrontendView):
    @extend_schema(summary="Everything at once", responses={200: presenter.SummarySerializer})
    def get(self, request: Request) -> Response:
        return Response(
            {
                "overview": presenter.dashboard(request.user),
                "performance": _performance(request, "24h"),
                "agentPerformance": presenter.agent_performance(),
                "leadStats": presenter.lead_stats(request.user),
            }
        )
