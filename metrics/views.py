"""`/api/metrics/*`: thin adapters over metrics.selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics import selectors
from metrics.serializers import (
    MetricsAgentSummarySerializer,
    MetricsAgentWindowQuerySerializer,
    MetricsOverviewSerializer,
    MetricsPerformanceSerializer,
    MetricsRangeQuerySerializer,
)


class OverviewView(APIView):
    @extend_schema(responses=MetricsOverviewSerializer, tags=["metrics"], summary="Dashboard numbers")
    def get(self, request: Request) -> Response:
        return Response(selectors.overview(request.user))


class PerformanceView(APIView):
    @extend_schema(
        parameters=[MetricsRangeQuerySerializer], responses=MetricsPerformanceSerializer, tags=["metrics"],
        summary="Zero-filled time series",
    )
    def get(self, request: Request) -> Response:
        params = MetricsRangeQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(selectors.performance(request.user, params.validated_data["range"]))


class AgentsMetricsView(APIView):
    @extend_schema(
        parameters=[MetricsAgentWindowQuerySerializer], responses=MetricsAgentSummarySerializer(many=True), tags=["metrics"],
        summary="Per-agent numbers from stage runs",
    )
    def get(self, request: Request) -> Response:
        params = MetricsAgentWindowQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(selectors.agents_summary(window=params.validated_data.get("window")))
