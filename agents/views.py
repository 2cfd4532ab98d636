"""`/api/agents`: list, detail, start/stop (admins), metrics over a window. Thin over selectors/services."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from agents import selectors, services
from agents.models import Agent
from agents.serializers import AgentSerializer, AgentWindowMetricsSerializer
from leads.models import Stage

if TYPE_CHECKING:
    from rest_framework.permissions import _SupportsHasPermission


class IsAdminRole(permissions.BasePermission):
    message = "Only administrators can start or stop agents."

    def has_permission(self, request: Request, view: object) -> bool:
        return bool(getattr(request.user, "is_admin", False))


class AgentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Agent.Status.choices)
    category = filters.ChoiceFilter(choices=Agent.Category.choices)
    stage = filters.ChoiceFilter(choices=Stage.choices)

    class Meta:
        model = Agent
        fields = ["status", "category", "stage"]


@extend_schema_view(
    list=extend_schema(tags=["agents"], summary="Agents, in pipeline order, with their metrics"),
    retrieve=extend_schema(tags=["agents"], summary="One agent with its metrics"),
)
class AgentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgentSerializer
    filterset_class = AgentFilter
    search_fields: list[str] = []
    ordering_fields: list[str] = []
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self) -> QuerySet[Agent]:
        return selectors.agents_list()

    def get_permissions(self) -> Sequence["_SupportsHasPermission"]:
        if self.action in ("start", "stop"):
            return [permissions.IsAuthenticated(), IsAdminRole()]
        return super().get_permissions()

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        agents = list(page if page is not None else queryset)
        context = {**self.get_serializer_context(), "metrics": selectors.metrics_for_agents(agents)}
        data = AgentSerializer(agents, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def _agent_response(self, agent: Agent) -> Response:
        context = {**self.get_serializer_context(), "metrics": selectors.metrics_for_agents([agent])}
        return Response(AgentSerializer(agent, context=context).data)

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        return self._agent_response(self.get_object())

    @extend_schema(tags=["agents"], summary="Start an agent (admins)", request=None,
                   description="Clears an error and resumes, in arrival order, the leads waiting at its stage.",
                   responses={200: AgentSerializer, 403: OpenApiResponse(description="Not an administrator.")})
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._agent_response(services.start_agent(agent=self.get_object()))

    @extend_schema(tags=["agents"], summary="Stop an agent (admins)", request=None,
                   description="The item it is working on finishes; leads reaching its stage wait (`waiting`).",
                   responses={200: AgentSerializer, 403: OpenApiResponse(description="Not an administrator.")})
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str | None = None) -> Response:
        return self._agent_response(services.stop_agent(agent=self.get_object()))

    @extend_schema(
        tags=["agents"],
        summary="An agent's metrics over a window",
        parameters=[OpenApiParameter("window", OpenApiTypes.STR, enum=[*selectors.WINDOWS], default="24h")],
        responses={200: AgentWindowMetricsSerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def metrics(self, request: Request, pk: str | None = None) -> Response:
        window = request.query_params.get("window", "24h")
        if window not in selectors.WINDOWS:
            raise exceptions.ValidationError({"window": [f"Use one of: {', '.join(selectors.WINDOWS)}."]})
        agent = self.get_object()
        return Response(AgentWindowMetricsSerializer(selectors.agent_window_metrics(agent, window)).data)
